import type { AnyField, Vendor } from '../fields/base';

/** Column options shared by TypeORM's TableColumn (DDL) and EntitySchema column definitions. */
export interface ColumnSpec {
  name: string;
  type: string;
  length?: string;
  precision?: number;
  scale?: number;
  nullable: boolean;
  primary: boolean;
  generated: boolean;
}

/** The column a field is stored in, for one vendor. */
export function columnSpec(field: AnyField, vendor: Vendor): ColumnSpec {
  const type = field.columnType(vendor);
  return {
    name: field.column,
    type: type.type,
    length: type.length,
    precision: type.precision,
    scale: type.scale,
    nullable: field.null,
    primary: field.primaryKey,
    generated: field.dbGenerated,
  };
}

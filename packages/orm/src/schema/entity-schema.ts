import { EntitySchema, type EntitySchemaColumnOptions, type EntitySchemaRelationOptions } from 'typeorm';
import type { Vendor } from '../fields/base';
import { ForeignKey, ManyToManyField } from '../fields/related';
import type { AnyModel } from '../models/types';
import { dialectFor } from '../query/dialect';
import { columnSpec } from './columns';
import { constraintName, primaryKeyName } from './names';
import { fieldHasIndex, metaChecks, metaIndexes, metaUniques } from './tables';

/**
 * The TypeORM EntitySchema of a model, with the same column types and
 * constraint names as the migrations create, so TypeORM's repositories and
 * schema tools see exactly the tables Manouche manages.
 */
export function entitySchemaFor(model: AnyModel, vendor: Vendor): EntitySchema {
  const meta = model._meta;
  const dialect = dialectFor(vendor);
  const columns: Record<string, EntitySchemaColumnOptions> = {};
  const relations: Record<string, EntitySchemaRelationOptions> = {};
  for (const field of meta.concreteFields) {
    const spec = columnSpec(field, vendor);
    columns[field.attname] = {
      name: spec.name,
      type: spec.type as EntitySchemaColumnOptions['type'],
      // MySQL's TINYINT(1) is a display width to TypeORM, not a length
      ...(spec.type === 'tinyint' ? { width: Number(spec.length) } : { length: spec.length }),
      precision: spec.precision,
      scale: spec.scale,
      nullable: spec.nullable,
      primary: spec.primary || undefined,
      generated: spec.generated ? 'increment' : undefined,
      primaryKeyConstraintName: spec.primary ? primaryKeyName(meta.dbTable) : undefined,
    };
    if (field instanceof ForeignKey) {
      relations[field.name] = {
        // one-to-one is declared many-to-one: TypeORM would add an unnamed unique constraint; the named one below is Manouche's
        type: 'many-to-one',
        target: field.relatedModel._meta.label,
        inverseSide: field.relatedName,
        nullable: field.null,
        onDelete: 'NO ACTION',
        createForeignKeyConstraints: field.dbConstraint,
        deferrable: vendor === 'mysql' ? undefined : 'INITIALLY DEFERRED',
        joinColumn: {
          name: field.column,
          referencedColumnName: field.targetField.attname,
          foreignKeyConstraintName: constraintName(meta.dbTable, [field.column], 'fk'),
        },
      };
    }
  }
  for (const relation of meta.relatedObjects) {
    if (relation.field instanceof ManyToManyField || relation.accessorName === undefined || meta.fieldMap.has(relation.accessorName)) continue;
    relations[relation.accessorName] = {
      type: 'one-to-many',
      target: relation.relatedModel._meta.label,
      inverseSide: relation.field.name,
    };
  }
  return new EntitySchema({
    name: meta.label,
    tableName: meta.dbTable,
    columns,
    relations,
    indices: [
      ...meta.concreteFields.filter(fieldHasIndex).map((f) => ({ name: constraintName(meta.dbTable, [f.column], 'idx'), columns: [f.attname] })),
      ...metaIndexes(meta).map((index) => ({ name: index.name, columns: index.columnNames.map((c) => meta.concreteFields.find((f) => f.column === c)!.attname), unique: index.isUnique })),
    ],
    uniques: [
      ...meta.concreteFields.filter((f) => f.unique && !f.primaryKey).map((f) => ({ name: constraintName(meta.dbTable, [f.column], 'key'), columns: [f.attname] })),
      ...metaUniques(meta).map((u) => ({ name: u.name, columns: u.columnNames.map((c) => meta.concreteFields.find((f) => f.column === c)!.attname) })),
    ],
    checks: metaChecks(meta, dialect).map((c) => ({ name: c.name, expression: c.expression! })),
  });
}

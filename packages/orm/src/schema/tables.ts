import { Table, TableCheck, TableColumn, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import type { AnyField } from '../fields/base';
import { ForeignKey } from '../fields/related';
import type { ModelMeta } from '../models/meta';
import { compileCheck } from '../query/compiler';
import type { Dialect } from '../query/dialect';
import { columnSpec } from './columns';
import { constraintName, primaryKeyName } from './names';

/** TypeORM TableColumn for a field. */
export function tableColumn(field: AnyField, dialect: Dialect): TableColumn {
  const spec = columnSpec(field, dialect.vendor);
  const table = field.meta.dbTable;
  return new TableColumn({
    name: spec.name,
    type: spec.type,
    length: spec.length,
    precision: spec.precision,
    scale: spec.scale,
    isNullable: spec.nullable,
    isPrimary: spec.primary,
    isGenerated: spec.generated,
    generationStrategy: spec.generated ? 'increment' : undefined,
    primaryKeyConstraintName: spec.primary ? primaryKeyName(table) : undefined,
  });
}

/** Whether a field gets an index of its own (not already unique or the primary key). */
export function fieldHasIndex(field: AnyField): boolean {
  return field.concrete && field.dbIndex && !field.unique && !field.primaryKey;
}

export function fieldIndex(field: AnyField): TableIndex {
  return new TableIndex({ name: constraintName(field.meta.dbTable, [field.column], 'idx'), columnNames: [field.column] });
}

export function fieldUnique(field: AnyField): TableUnique {
  return new TableUnique({ name: constraintName(field.meta.dbTable, [field.column], 'key'), columnNames: [field.column] });
}

export function fieldForeignKey(field: ForeignKey, dialect: Dialect): TableForeignKey {
  const target = field.targetField;
  return new TableForeignKey({
    name: constraintName(field.meta.dbTable, [field.column], 'fk'),
    columnNames: [field.column],
    referencedTableName: target.meta.dbTable,
    referencedColumnNames: [target.column],
    onDelete: 'NO ACTION',
    // the ORM orders deletes itself; deferring the check lets a transaction pass through inconsistent states (Django does the same)
    deferrable: dialect.vendor === 'mysql' ? undefined : 'INITIALLY DEFERRED',
  });
}

const columnsOf = (meta: ModelMeta, names: readonly string[]): string[] => names.map((n) => meta.getField(n.replace(/^-/, '')).column);

export function metaIndexes(meta: ModelMeta): TableIndex[] {
  return (meta.options.indexes ?? []).map((index) => {
    const columns = columnsOf(meta, index.fields);
    return new TableIndex({ name: index.name ?? constraintName(meta.dbTable, columns, 'idx'), columnNames: columns, isUnique: index.unique ?? false });
  });
}

export function metaUniques(meta: ModelMeta): TableUnique[] {
  const together = (meta.options.uniqueTogether ?? []).map((fields) => {
    const columns = columnsOf(meta, fields);
    return new TableUnique({ name: constraintName(meta.dbTable, columns, 'uniq'), columnNames: columns });
  });
  const constraints = (meta.options.constraints ?? []).flatMap((c) => (c.kind === 'unique' ? [new TableUnique({ name: c.name, columnNames: columnsOf(meta, c.fields) })] : []));
  return [...together, ...constraints];
}

export function metaChecks(meta: ModelMeta, dialect: Dialect): TableCheck[] {
  return (meta.options.constraints ?? []).flatMap((c) => (c.kind === 'check' ? [new TableCheck({ name: c.name, expression: compileCheck(meta, c.check, dialect) })] : []));
}

/** The whole table of a model: columns, indexes, unique and check constraints, foreign keys. */
export function tableFor(meta: ModelMeta, dialect: Dialect): Table {
  const fields = meta.concreteFields;
  return new Table({
    name: meta.dbTable,
    columns: fields.map((f) => tableColumn(f, dialect)),
    indices: [...fields.filter(fieldHasIndex).map(fieldIndex), ...metaIndexes(meta)],
    uniques: [...fields.filter((f) => f.unique && !f.primaryKey).map(fieldUnique), ...metaUniques(meta)],
    checks: metaChecks(meta, dialect),
    foreignKeys: fields.filter((f): f is ForeignKey => f instanceof ForeignKey && f.dbConstraint).map((f) => fieldForeignKey(f, dialect)),
  });
}

import { type QueryRunner, type Table, type TableColumn, TableIndex } from 'typeorm';
import type { Database } from '../db/database';
import type { AnyField } from '../fields/base';
import { ForeignKey, ManyToManyField } from '../fields/related';
import type { ModelMeta } from '../models/meta';
import type { Dialect } from '../query/dialect';
import { constraintName } from '../schema/names';
import { fieldForeignKey, fieldHasIndex, fieldIndex, fieldUnique, metaChecks, metaIndexes, metaUniques, tableColumn, tableFor } from '../schema/tables';

interface Driver {
  createFullType(column: TableColumn): string;
}

/**
 * Applies migration operations to a database through TypeORM's QueryRunner,
 * using table descriptions rebuilt from the migration state. SQLite cannot
 * alter columns, so (like Django) a changed table is rebuilt: new table, copy
 * the rows, drop the old one, rename. Type changes on PostgreSQL and MySQL
 * use ALTER … TYPE / MODIFY, never drop-and-add (which loses data).
 *
 * In `collect` mode nothing runs: the SQL is recorded (sqlmigrate).
 */
export class SchemaEditor {
  readonly dialect: Dialect;
  readonly statements: string[] = [];

  constructor(
    readonly db: Database,
    readonly runner: QueryRunner,
    readonly collect: boolean,
  ) {
    this.dialect = db.dialect;
  }

  private get vendor() {
    return this.db.vendor;
  }

  private q(name: string): string {
    return this.dialect.quote(name);
  }

  /**
   * Let TypeORM write the DDL of one operation (in SQL-memory mode it only
   * records it), then run the statements ourselves, so sqlmigrate and
   * migrate see the very same SQL.
   */
  private async typeorm(fn: () => Promise<void>): Promise<void> {
    this.runner.enableSqlMemory();
    let sql: string[];
    try {
      await fn();
      sql = this.runner.getMemorySql().upQueries.map((query) => query.query);
    } finally {
      // disabling also empties the recorded SQL
      this.runner.disableSqlMemory();
    }
    for (const statement of sql) await this.execute(statement);
  }

  /** Run (or, collecting, record) one SQL statement. */
  async execute(sql: string): Promise<void> {
    this.statements.push(sql);
    if (!this.collect) await this.runner.query(sql);
  }

  private fullType(field: AnyField): string {
    return (this.db.dataSource.driver as unknown as Driver).createFullType(tableColumn(field, this.dialect));
  }

  /** The table of a model for this backend (MySQL: unique constraints as unique indexes, checks added separately). */
  private table(meta: ModelMeta, options: { foreignKeys?: boolean } = {}): Table {
    const table = tableFor(meta, this.dialect);
    if (options.foreignKeys === false) table.foreignKeys = [];
    if (this.vendor === 'mysql') {
      table.indices.push(...table.uniques.map((u) => new TableIndex({ name: u.name, columnNames: u.columnNames, isUnique: true })));
      table.uniques = [];
      table.checks = [];
    }
    return table;
  }

  private async mysqlChecks(meta: ModelMeta): Promise<void> {
    if (this.vendor !== 'mysql') return;
    for (const check of metaChecks(meta, this.dialect)) await this.execute(`ALTER TABLE ${this.q(meta.dbTable)} ADD CONSTRAINT ${this.q(check.name!)} CHECK (${check.expression})`);
  }

  private autoThroughs(meta: ModelMeta): ModelMeta[] {
    return meta.manyToMany.filter((f) => !f.throughRef && f.throughModel).map((f) => f.throughModel!._meta);
  }

  // ------------------------------------------------------------------ models

  async createModel(meta: ModelMeta, options: { foreignKeys?: boolean } = {}): Promise<void> {
    if (!meta.managed) return;
    const table = this.table(meta, options);
    await this.typeorm(() => this.runner.createTable(table, false, table.foreignKeys.length > 0, true));
    await this.mysqlChecks(meta);
    for (const through of this.autoThroughs(meta)) await this.createModel(through);
  }

  async deleteModel(meta: ModelMeta): Promise<void> {
    if (!meta.managed) return;
    for (const through of this.autoThroughs(meta)) await this.deleteModel(through);
    await this.execute(`DROP TABLE ${this.q(meta.dbTable)}${this.vendor === 'postgresql' ? ' CASCADE' : ''}`);
  }

  async renameTable(from: string, to: string): Promise<void> {
    if (from === to) return;
    await this.execute(this.vendor === 'mysql' ? `RENAME TABLE ${this.q(from)} TO ${this.q(to)}` : `ALTER TABLE ${this.q(from)} RENAME TO ${this.q(to)}`);
  }

  // ------------------------------------------------------------------ SQLite: rebuild the table

  /**
   * Django's `_remake_table`: create the new table, copy rows (column by
   * column, with `mapping` giving each new column's source expression),
   * drop the old table and rename the new one into place.
   */
  private async remake(after: ModelMeta, mapping: Map<string, string>): Promise<void> {
    const table = this.table(after);
    const name = after.dbTable;
    const temp = `new__${name}`;
    const indices = table.indices;
    table.indices = [];
    table.name = temp;
    await this.typeorm(() => this.runner.createTable(table, false, true, false));
    const columns = [...mapping.keys()];
    if (columns.length) {
      await this.execute(`INSERT INTO ${this.q(temp)} (${columns.map((c) => this.q(c)).join(', ')}) SELECT ${columns.map((c) => mapping.get(c)).join(', ')} FROM ${this.q(name)}`);
    }
    await this.execute(`DROP TABLE ${this.q(name)}`);
    await this.execute(`ALTER TABLE ${this.q(temp)} RENAME TO ${this.q(name)}`);
    table.name = name;
    for (const index of indices) await this.typeorm(() => this.runner.createIndex(table, index));
  }

  /** Columns kept from `before` into `after`, by column name (renames passed in `renamed`). */
  private copyMapping(before: ModelMeta, after: ModelMeta, renamed: Map<string, string> = new Map(), defaults: Map<string, string> = new Map()): Map<string, string> {
    const mapping = new Map<string, string>();
    const old = new Set(before.concreteFields.map((f) => f.column));
    for (const field of after.concreteFields) {
      const source = renamed.get(field.column) ?? field.column;
      if (old.has(source)) mapping.set(field.column, this.q(source));
      else if (defaults.has(field.column)) mapping.set(field.column, defaults.get(field.column)!);
    }
    return mapping;
  }

  // ------------------------------------------------------------------ fields

  /** Add a field; `oneOffDefault` fills existing rows of a NOT NULL column (as an SQL literal). */
  async addField(before: ModelMeta, after: ModelMeta, field: AnyField, oneOffDefault?: string): Promise<void> {
    if (!after.managed) return;
    if (field instanceof ManyToManyField) {
      if (!field.throughRef && field.throughModel) await this.createModel(field.throughModel._meta);
      return;
    }
    if (this.vendor === 'sqlite') {
      await this.remake(after, this.copyMapping(before, after, new Map(), oneOffDefault !== undefined ? new Map([[field.column, oneOffDefault]]) : new Map()));
      return;
    }
    const table = this.q(after.dbTable);
    const nullable = field.null ? 'NULL' : 'NOT NULL';
    await this.execute(`ALTER TABLE ${table} ADD ${this.vendor === 'postgresql' ? 'COLUMN ' : ''}${this.q(field.column)} ${this.fullType(field)}${oneOffDefault !== undefined ? ` DEFAULT ${oneOffDefault}` : ''} ${nullable}`);
    // the default only filled existing rows: defaults live in the models, not the schema (as in Django)
    if (oneOffDefault !== undefined) await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${this.q(field.column)} DROP DEFAULT`);
    await this.addFieldConstraints(after, field);
  }

  private async addFieldConstraints(meta: ModelMeta, field: AnyField): Promise<void> {
    const table = this.table(meta);
    if (field.unique && !field.primaryKey) {
      const unique = fieldUnique(field);
      if (this.vendor === 'mysql') await this.typeorm(() => this.runner.createIndex(table, new TableIndex({ name: unique.name, columnNames: unique.columnNames, isUnique: true })));
      else await this.typeorm(() => this.runner.createUniqueConstraint(table, unique));
    }
    if (fieldHasIndex(field)) await this.typeorm(() => this.runner.createIndex(table, fieldIndex(field)));
    if (field instanceof ForeignKey && field.dbConstraint) await this.typeorm(() => this.runner.createForeignKey(table, fieldForeignKey(field, this.dialect)));
  }

  private async dropFieldConstraints(meta: ModelMeta, field: AnyField): Promise<void> {
    const table = this.q(meta.dbTable);
    if (field instanceof ForeignKey && field.dbConstraint) {
      const name = this.q(constraintName(meta.dbTable, [field.column], 'fk'));
      await this.execute(this.vendor === 'mysql' ? `ALTER TABLE ${table} DROP FOREIGN KEY ${name}` : `ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    }
    if (fieldHasIndex(field)) {
      const name = this.q(constraintName(meta.dbTable, [field.column], 'idx'));
      await this.execute(this.vendor === 'mysql' ? `DROP INDEX ${name} ON ${table}` : `DROP INDEX ${name}`);
    }
    if (field.unique && !field.primaryKey) {
      const name = this.q(constraintName(meta.dbTable, [field.column], 'key'));
      await this.execute(this.vendor === 'mysql' ? `DROP INDEX ${name} ON ${table}` : `ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    }
  }

  async removeField(before: ModelMeta, after: ModelMeta, field: AnyField): Promise<void> {
    if (!before.managed) return;
    if (field instanceof ManyToManyField) {
      if (!field.throughRef && field.throughModel) await this.deleteModel(field.throughModel._meta);
      return;
    }
    if (this.vendor === 'sqlite') {
      await this.remake(after, this.copyMapping(before, after));
      return;
    }
    await this.dropFieldConstraints(before, field);
    await this.execute(`ALTER TABLE ${this.q(before.dbTable)} DROP COLUMN ${this.q(field.column)}`);
  }

  async alterField(before: ModelMeta, after: ModelMeta, oldField: AnyField, newField: AnyField): Promise<void> {
    if (!after.managed) return;
    if (oldField instanceof ManyToManyField || newField instanceof ManyToManyField) {
      if (oldField instanceof ManyToManyField && newField instanceof ManyToManyField) {
        const from = oldField.throughModel?._meta.dbTable;
        const to = newField.throughModel?._meta.dbTable;
        if (!oldField.throughRef && !newField.throughRef && from && to) await this.renameTable(from, to);
        return;
      }
      throw new Error(`Cannot alter ${oldField} into ${newField}: a many-to-many field and a column are different things. Remove one and add the other.`);
    }
    if (this.vendor === 'sqlite') {
      await this.remake(after, this.copyMapping(before, after, new Map([[newField.column, oldField.column]])));
      return;
    }
    const table = this.q(after.dbTable);
    await this.dropFieldConstraints(before, oldField);
    if (oldField.column !== newField.column) await this.execute(`ALTER TABLE ${table} RENAME COLUMN ${this.q(oldField.column)} TO ${this.q(newField.column)}`);
    const oldType = this.fullType(oldField);
    const newType = this.fullType(newField);
    const column = this.q(newField.column);
    if (this.vendor === 'postgresql') {
      if (oldType !== newType) await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${newType} USING ${column}::${newType}`);
      if (oldField.null !== newField.null) await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} ${newField.null ? 'DROP' : 'SET'} NOT NULL`);
    } else if (oldType !== newType || oldField.null !== newField.null) {
      await this.execute(`ALTER TABLE ${table} MODIFY ${column} ${newType} ${newField.null ? 'NULL' : 'NOT NULL'}`);
    }
    await this.addFieldConstraints(after, newField);
  }

  async renameField(before: ModelMeta, after: ModelMeta, oldField: AnyField, newField: AnyField): Promise<void> {
    if (oldField.column === newField.column && !(oldField instanceof ManyToManyField)) return;
    await this.alterField(before, after, oldField, newField);
  }

  // ------------------------------------------------------------------ indexes and constraints

  async addIndex(meta: ModelMeta, name: string): Promise<void> {
    const index = metaIndexes(meta).find((i) => i.name === name)!;
    await this.typeorm(() => this.runner.createIndex(this.table(meta), index));
  }

  async removeIndex(meta: ModelMeta, name: string): Promise<void> {
    await this.execute(this.vendor === 'mysql' ? `DROP INDEX ${this.q(name)} ON ${this.q(meta.dbTable)}` : `DROP INDEX ${this.q(name)}`);
  }

  /** Unique and check constraints (and unique-together) of `after` that `before` lacks are added, the reverse dropped. */
  async syncConstraints(before: ModelMeta, after: ModelMeta): Promise<void> {
    if (!after.managed) return;
    if (this.vendor === 'sqlite') {
      await this.remake(after, this.copyMapping(before, after));
      return;
    }
    const table = this.q(after.dbTable);
    const oldUniques = metaUniques(before);
    const newUniques = metaUniques(after);
    const oldChecks = metaChecks(before, this.dialect);
    const newChecks = metaChecks(after, this.dialect);
    const same = (a: { name?: string }, list: Array<{ name?: string }>) => list.some((b) => b.name === a.name);
    for (const u of oldUniques) if (!same(u, newUniques)) await this.execute(this.vendor === 'mysql' ? `DROP INDEX ${this.q(u.name!)} ON ${table}` : `ALTER TABLE ${table} DROP CONSTRAINT ${this.q(u.name!)}`);
    for (const c of oldChecks) if (!same(c, newChecks)) await this.execute(this.vendor === 'mysql' ? `ALTER TABLE ${table} DROP CONSTRAINT ${this.q(c.name!)}` : `ALTER TABLE ${table} DROP CONSTRAINT ${this.q(c.name!)}`);
    for (const u of newUniques) {
      if (same(u, oldUniques)) continue;
      await this.execute(`ALTER TABLE ${table} ADD CONSTRAINT ${this.q(u.name!)} UNIQUE (${u.columnNames.map((c) => this.q(c)).join(', ')})`);
    }
    for (const c of newChecks) if (!same(c, oldChecks)) await this.execute(`ALTER TABLE ${table} ADD CONSTRAINT ${this.q(c.name!)} CHECK (${c.expression})`);
  }

  /** A table's name changed (AlterModelTable/RenameModel): rename it and its automatic many-to-many tables. */
  async renameModelTable(before: ModelMeta, after: ModelMeta): Promise<void> {
    await this.renameTable(before.dbTable, after.dbTable);
    for (const field of after.manyToMany) {
      const old = before.manyToMany.find((f) => f.name === field.name);
      if (old && !old.throughRef && !field.throughRef && old.throughModel && field.throughModel) await this.renameTable(old.throughModel._meta.dbTable, field.throughModel._meta.dbTable);
    }
  }

  /** The Table TypeORM would see for a model (for tests and schema comparisons). */
  tableOf(meta: ModelMeta): Table {
    return this.table(meta);
  }
}

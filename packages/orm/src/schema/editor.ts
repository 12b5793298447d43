import type { QueryRunner } from 'typeorm';
import type { Database } from '../db/database';
import { ForeignKey } from '../fields/related';
import type { ModelMeta } from '../models/meta';
import { fieldForeignKey, tableFor } from './tables';

/**
 * Runs a QueryRunner on the database: TypeORM's dialect-aware DDL
 * (CREATE/ALTER/DROP, SQLite table rebuilds) with our table descriptions.
 * In SQL-memory mode it only records the statements (sqlmigrate).
 */
export async function withQueryRunner<T>(db: Database, fn: (runner: QueryRunner) => Promise<T>, options: { memory?: boolean } = {}): Promise<T> {
  const runner = db.dataSource.createQueryRunner();
  if (options.memory) runner.enableSqlMemory();
  try {
    return await fn(runner);
  } finally {
    await runner.release();
    db.clearStatementCache();
  }
}

/**
 * Create the tables of these models directly (Django's `migrate --run-syncdb`),
 * for tests and prototypes; projects use migrations. Tables are created
 * first and foreign keys after, so models may refer to each other in any order.
 */
export async function createTables(db: Database, metas: ModelMeta[]): Promise<void> {
  await withQueryRunner(db, async (runner) => {
    const dialect = db.dialect;
    if (db.vendor === 'sqlite') {
      // SQLite cannot add a foreign key later without rebuilding the table; it does not check targets at CREATE time
      for (const meta of metas) await runner.createTable(tableFor(meta, dialect), false, true, true);
      return;
    }
    for (const meta of metas) {
      const table = tableFor(meta, dialect);
      table.foreignKeys = [];
      await runner.createTable(table, false, false, true);
    }
    for (const meta of metas) {
      for (const field of meta.foreignKeys) {
        if (field instanceof ForeignKey && field.dbConstraint) await runner.createForeignKey(meta.dbTable, fieldForeignKey(field, dialect));
      }
    }
  });
}

/** Drop the tables of these models (foreign keys first), if they exist. */
export async function dropTables(db: Database, metas: ModelMeta[]): Promise<void> {
  await withQueryRunner(db, async (runner) => {
    if (db.vendor !== 'sqlite') {
      for (const meta of metas) {
        if (!(await runner.hasTable(meta.dbTable))) continue;
        const table = await runner.getTable(meta.dbTable);
        if (table?.foreignKeys.length) await runner.dropForeignKeys(table, table.foreignKeys);
      }
    } else {
      await runner.query('PRAGMA foreign_keys = OFF');
    }
    for (const meta of metas) await runner.dropTable(meta.dbTable, true, false, false);
    if (db.vendor === 'sqlite') await runner.query('PRAGMA foreign_keys = ON');
  });
}

// `@manouche/cache/orm`: what works with @manouche/orm (an optional peer
// dependency): the database backend, its table as a migration, and
// invalidation tied to the models' save/delete signals.
import type { Migration } from '@manouche/orm';
import { createTableSql, DEFAULT_CACHE_TABLE, dropTableSql } from './backends/database-sql';

export { DatabaseBackend } from './backends/database';
export type { DatabaseBackendOptions } from './backends/database';
export { instanceTag, invalidateModel, invalidateOnChange, modelTag } from './model-invalidation';
export type { InvalidateOnChangeOptions } from './model-invalidation';

/**
 * The cache table as a migration, for projects that create every table with
 * `manouche migrate` rather than `createcachetable`:
 * `ormApp({ migrations: { cache: { modules: { '0001_cache_table': cacheTableMigration() } } } })`.
 * It leaves the models' state alone, so makemigrations never sees it.
 */
export function cacheTableMigration(table: string = DEFAULT_CACHE_TABLE): Migration {
  return {
    operations: [
      {
        op: 'RunCode',
        description: `Create the cache table ${table}`,
        forward: async ({ db, execute }) => {
          for (const sql of createTableSql(db, table)) await execute(sql);
        },
        backward: async ({ db, execute }) => {
          for (const sql of dropTableSql(db, table)) await execute(sql);
        },
      },
    ],
  };
}

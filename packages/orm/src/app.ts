import { type AppConfig, defineCheck } from '@manouche/core';
import { allModels, ormCommands } from './commands/index';
import { connect } from './db/connect';
import type { Database } from './db/database';
import { unregisterConnection } from './db/connections';
import type { DatabasesSetting } from './db/settings';
import type { MigrationSources, ModuleImporter } from './migrations/loader';
import type { AnyModel } from './models/types';
import { setStrictNPlusOne } from './query/execute';

declare module '@manouche/core' {
  interface Settings {
    /** Django's DATABASES: `{ default: { ENGINE: 'sqlite', NAME: 'db.sqlite3' } }` or `{ default: { URL: 'postgres://…' } }` (default: from DATABASE_URL, else db.sqlite3). */
    DATABASES: DatabasesSetting;
    /** Raise NPlusOneError when a relation is loaded lazily for an object from a list (default false). */
    ORM_STRICT_N_PLUS_ONE: boolean;
  }
}

export interface OrmAppOptions {
  /** The project's models (default: every model defined with defineModel()). */
  models?: AnyModel[];
  /** Migrations per app label: `{ news: { directory: join(__dirname, 'news/migrations') } }`. */
  migrations?: MigrationSources;
  /** How migration files are imported (default: `import()`). */
  importer?: ModuleImporter;
  /** Where `DATABASE_URL` is read from for the default DATABASES (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** DATABASES when the project sets none: `DATABASE_URL` (12-factor style) if set, else a SQLite file. */
function defaultDatabases(env: Record<string, string | undefined>): DatabasesSetting {
  const url = env.DATABASE_URL?.trim();
  return { default: url ? { URL: url } : { ENGINE: 'sqlite', NAME: 'db.sqlite3' } };
}

export interface OrmAppConfig extends AppConfig {
  label: 'orm';
  /** The databases opened by ready(), by alias. */
  readonly databases: ReadonlyMap<string, Database>;
}

/**
 * The ORM as a Manouche app: connects every DATABASES entry when the app
 * starts, closes the pools on shutdown, and adds the `makemigrations`,
 * `migrate`, `showmigrations` and `sqlmigrate` commands.
 *
 * ```ts
 * createApp({ settings: { INSTALLED_APPS: [ormApp({ models: [Article], migrations: { news: { directory } } })], DATABASES: { default: { ENGINE: 'sqlite', NAME: 'db.sqlite3' } } }, urls });
 * ```
 */
export function ormApp(options: OrmAppOptions = {}): OrmAppConfig {
  const databases = new Map<string, Database>();
  const models = () => options.models ?? allModels();
  return {
    label: 'orm',
    databases,
    defaults: {
      DATABASES: defaultDatabases(options.env ?? process.env),
      ORM_STRICT_N_PLUS_ONE: false,
    },
    commands: ormCommands({ sources: () => options.migrations ?? {}, importer: () => options.importer, models }),
    checks: [
      defineCheck((app) => {
        const setting = app.settings.DATABASES;
        if (!setting || typeof setting !== 'object' || !setting.default) {
          return [{ level: 'ERROR', id: 'orm.E001', msg: 'DATABASES has no "default" entry.', hint: "DATABASES = { default: { ENGINE: 'sqlite', NAME: 'db.sqlite3' } }" }];
        }
        return [];
      }),
    ],
    async ready(app) {
      setStrictNPlusOne(app.settings.ORM_STRICT_N_PLUS_ONE ?? false);
      const setting = app.settings.DATABASES ?? {};
      for (const [alias, entry] of Object.entries(setting)) {
        if (databases.has(alias)) continue;
        databases.set(alias, await connect(entry, { alias, models: options.models, debug: app.settings.DEBUG }));
      }
    },
    async close() {
      const open = [...databases.values()];
      databases.clear();
      for (const db of open) {
        unregisterConnection(db);
        await db.close();
      }
    },
  };
}

import { basename, dirname, join, resolve } from 'node:path';
import { authMigrations } from '@manouche/auth';
import type { Migration, MigrationSources, ModuleImporter } from '@manouche/orm';
import { BASE_DIR } from '../paths';
import news0001 from './news/0001_initial';

/**
 * The project's migrations, imported statically: the app runs from one
 * bundle (dist/manage.js), which cannot import TypeScript files at run time.
 * After `makemigrations` writes a file, add it here and rebuild.
 */
const MODULES: Record<string, Record<string, Migration>> = {
  news: { '0001_initial': news0001 },
};

/** Where makemigrations writes (the sources, next to this file). */
export const MIGRATIONS_DIR = resolve(BASE_DIR, 'src', 'migrations');

/** auth's and sessions' migrations ship with @manouche/auth; the project's own apps follow. */
export const migrations: MigrationSources = {
  ...authMigrations,
  ...Object.fromEntries(Object.entries(MODULES).map(([app, modules]) => [app, { directory: join(MIGRATIONS_DIR, app), modules, format: 'ts' as const }])),
};

/** Load a migration file found in MIGRATIONS_DIR from the bundled modules above. */
export const importMigration: ModuleImporter = async (file) => {
  const app = basename(dirname(file));
  const name = basename(file).replace(/\.[cm]?[jt]s$/, '');
  const migration = MODULES[app]?.[name];
  if (!migration) throw new Error(`Migration ${app}.${name} (${file}) is not listed in src/migrations/index.ts: import it there and rebuild.`);
  return migration;
};

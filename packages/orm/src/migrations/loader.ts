import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImproperlyConfiguredError } from '../errors';
import { checkOperation, type Migration, type Operation } from './operations';

/** Where an app's migrations live: a folder of files, and/or modules already imported. */
export interface MigrationSource {
  /** Folder of migration files (`0001_initial.ts`, …); makemigrations writes here. */
  directory?: string;
  /** Migrations by name, when they are bundled or imported statically: `{ '0001_initial': m0001 }`. */
  modules?: Record<string, Migration | { default: Migration }>;
  /** File format makemigrations writes: `ts` (default), `js` (ES module) or `mjs`. */
  format?: 'ts' | 'js' | 'mjs';
}

export type MigrationSources = Record<string, MigrationSource>;

/** How migration files are imported (default: dynamic `import()`); bundlers and test runners may pass their own. */
export type ModuleImporter = (file: string) => Promise<unknown>;

export const defaultImporter: ModuleImporter = (file) => import(pathToFileURL(file).href);

export interface LoadedMigration {
  app: string;
  name: string;
  key: string;
  dependencies: Array<[string, string]>;
  operations: Operation[];
  atomic: boolean;
  file?: string;
}

const FILE = /^(\d{4}_\w+)\.(ts|mts|cts|js|mjs|cjs)$/;

function unwrap(module: unknown, where: string): Migration {
  const m = (module as { default?: unknown })?.default ?? module;
  const migration = (m as { default?: unknown })?.default ?? m;
  if (!migration || typeof migration !== 'object' || !Array.isArray((migration as Migration).operations)) {
    throw new ImproperlyConfiguredError(`${where} does not export a migration ({ dependencies, operations }) as its default export.`);
  }
  return migration as Migration;
}

export const migrationKey = (app: string, name: string): string => `${app}.${name}`;

/**
 * The migrations of every app and their dependencies (Django's
 * MigrationLoader + MigrationGraph).
 */
export class MigrationGraph {
  readonly nodes = new Map<string, LoadedMigration>();

  add(migration: LoadedMigration): void {
    if (this.nodes.has(migration.key)) throw new ImproperlyConfiguredError(`Migration ${migration.key} is defined twice (a file and a module?).`);
    this.nodes.set(migration.key, migration);
  }

  /** Check dependencies exist and add the implicit one on the previous migration of the same app. */
  validate(): void {
    const byApp = new Map<string, string[]>();
    for (const m of this.nodes.values()) byApp.set(m.app, [...(byApp.get(m.app) ?? []), m.name]);
    for (const names of byApp.values()) names.sort();
    for (const m of this.nodes.values()) {
      const own = byApp.get(m.app)!;
      const index = own.indexOf(m.name);
      if (index > 0 && !m.dependencies.some(([app]) => app === m.app)) m.dependencies.push([m.app, own[index - 1]!]);
      for (const [app, name] of m.dependencies) {
        if (!this.nodes.has(migrationKey(app, name))) {
          throw new ImproperlyConfiguredError(`Migration ${m.key} depends on ${app}.${name}, which does not exist. ${byApp.has(app) ? `${app} has: ${byApp.get(app)!.join(', ')}.` : `No migrations are known for ${app}.`}`);
        }
      }
    }
    this.plan();
  }

  /** Every migration, dependencies first (stable: by app, then name). */
  plan(): LoadedMigration[] {
    const out: LoadedMigration[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (key: string, path: string[]): void => {
      const mark = state.get(key);
      if (mark === 'done') return;
      if (mark === 'visiting') throw new ImproperlyConfiguredError(`Circular migration dependencies: ${[...path, key].join(' → ')}.`);
      state.set(key, 'visiting');
      const node = this.nodes.get(key)!;
      for (const [app, name] of [...node.dependencies].sort()) visit(migrationKey(app, name), [...path, key]);
      state.set(key, 'done');
      out.push(node);
    };
    for (const key of [...this.nodes.keys()].sort()) visit(key, []);
    return out;
  }

  /** The latest migration of an app (one nothing else in the app depends on). */
  leaves(app: string): LoadedMigration[] {
    const own = [...this.nodes.values()].filter((m) => m.app === app);
    const parents = new Set(own.flatMap((m) => m.dependencies.filter(([a]) => a === app).map(([a, n]) => migrationKey(a, n))));
    return own.filter((m) => !parents.has(m.key)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Keys of `key` and everything it depends on. */
  ancestors(key: string): Set<string> {
    const out = new Set<string>();
    const walk = (k: string): void => {
      if (out.has(k)) return;
      out.add(k);
      for (const [app, name] of this.nodes.get(k)!.dependencies) walk(migrationKey(app, name));
    };
    walk(key);
    return out;
  }

  /** Keys of `key` and everything depending on it. */
  descendants(key: string): Set<string> {
    const out = new Set<string>([key]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const m of this.nodes.values()) {
        if (out.has(m.key)) continue;
        if (m.dependencies.some(([a, n]) => out.has(migrationKey(a, n)))) {
          out.add(m.key);
          grew = true;
        }
      }
    }
    return out;
  }

  /** Find a migration by app and name or unique name prefix (`migrate news 0002`). */
  find(app: string, name: string): LoadedMigration {
    const exact = this.nodes.get(migrationKey(app, name));
    if (exact) return exact;
    const matches = [...this.nodes.values()].filter((m) => m.app === app && m.name.startsWith(name));
    if (matches.length === 1) return matches[0]!;
    const names = [...this.nodes.values()].filter((m) => m.app === app).map((m) => m.name);
    if (matches.length > 1) throw new ImproperlyConfiguredError(`More than one migration matches ${JSON.stringify(name)} in app ${app}: ${matches.map((m) => m.name).join(', ')}.`);
    throw new ImproperlyConfiguredError(`Cannot find a migration matching ${JSON.stringify(name)} from app ${JSON.stringify(app)}. ${names.length ? `Its migrations: ${names.join(', ')}.` : 'It has no migrations.'}`);
  }
}

/** Load every app's migrations from folders and modules. */
export async function loadMigrations(sources: MigrationSources, importer: ModuleImporter = defaultImporter): Promise<MigrationGraph> {
  const graph = new MigrationGraph();
  for (const [app, source] of Object.entries(sources)) {
    const found = new Map<string, { migration: Migration; file?: string }>();
    if (source.directory && existsSync(source.directory)) {
      const files = readdirSync(source.directory).filter((f) => FILE.test(f) && !f.endsWith('.d.ts')).sort();
      for (const file of files) {
        const name = FILE.exec(file)![1]!;
        if (found.has(name)) continue;
        const path = resolve(join(source.directory, file));
        found.set(name, { migration: unwrap(await importer(path), path), file: path });
      }
    }
    for (const [name, module] of Object.entries(source.modules ?? {})) {
      if (!found.has(name)) found.set(name, { migration: unwrap(module, `${app}.${name}`) });
    }
    for (const [name, { migration, file }] of found) {
      const operations = migration.operations.map((op, i) => checkOperation(op, `${app}.${name} operation ${i + 1}`));
      graph.add({ app, name, key: migrationKey(app, name), dependencies: [...(migration.dependencies ?? [])].map(([a, n]) => [a, n] as [string, string]), operations, atomic: migration.atomic ?? true, file });
    }
  }
  graph.validate();
  return graph;
}

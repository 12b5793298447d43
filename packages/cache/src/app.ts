import { type AppConfig, type CheckMessage, type Command, defineApp, defineCheck, defineCommand } from '@manouche/core';
import { DatabaseBackend } from './backends/database';
import type { CacheConfig } from './config';
import { checkConfig } from './config';
import { caches, type CacheHandler, createCache } from './handler';
import { cacheDefaults, cacheSettings } from './settings';

/** The `cache` app: CACHES defaults, checks, and its `caches` for other apps (templates' fragment cache). */
export interface CacheAppConfig extends AppConfig {
  label: 'cache';
  caches: CacheHandler;
}

/** System checks: a `default` cache exists, and every CACHES entry is valid (cache.E001, cache.E002). */
export const cachesCheck = defineCheck((app) => {
  const messages: CheckMessage[] = [];
  const { CACHES } = cacheSettings(app.settings);
  if (!Object.hasOwn(CACHES, 'default')) {
    messages.push({ level: 'ERROR', id: 'cache.E001', msg: "You must define a 'default' cache in your CACHES setting." });
  }
  for (const [alias, config] of Object.entries(CACHES)) {
    try {
      checkConfig(alias, config);
      // constructing a backend validates its OPTIONS without connecting (connections open on first use)
      void createCache(config as CacheConfig, { alias, logger: app.logger }).close();
    } catch (error) {
      messages.push({ level: 'ERROR', id: 'cache.E002', msg: (error as Error).message });
    }
  }
  return messages;
});

/**
 * `manouche createcachetable`: create the table of every database cache in
 * CACHES that lacks one (Django's command); `--dry-run` prints the SQL.
 */
export const createcachetableCommand: Command = defineCommand({
  name: 'createcachetable',
  help: 'Create the tables of the database caches in CACHES (--dry-run: print the SQL instead).',
  options: [{ name: 'dry-run', type: 'boolean', help: 'Print the SQL that would run, and run nothing.' }],
  async run(context) {
    await context.app.ready();
    const done = new Set<string>();
    for (const alias of caches.aliases()) {
      const backend = caches.get(alias).backend;
      if (!(backend instanceof DatabaseBackend)) continue;
      const where = `${backend.databaseAlias}\u0000${backend.table}`;
      if (done.has(where)) continue;
      done.add(where);
      if (context.options['dry-run']) {
        for (const sql of await backend.createTableSql()) context.stdout.write(`${sql};\n`);
        continue;
      }
      const created = await backend.createTable();
      context.stdout.write(`${created ? 'Created the cache table' : 'The cache table exists:'} ${JSON.stringify(backend.table)} (database ${JSON.stringify(backend.databaseAlias)}).\n`);
    }
    if (done.size === 0) context.stdout.write("No database cache in CACHES (BACKEND: 'database').\n");
  },
});

/**
 * Put in INSTALLED_APPS to configure caching from settings: CACHES and the
 * page-cache settings get their defaults, `manouche check` validates them,
 * Redis connects at start-up, connections close at shutdown, and
 * `manouche createcachetable` creates the tables of database caches.
 */
export function cacheApp(): CacheAppConfig {
  return defineApp({
    label: 'cache' as const,
    defaults: cacheDefaults,
    caches,
    checks: [cachesCheck],
    commands: [createcachetableCommand],
    async ready(app) {
      caches.logger = app.logger;
      // connect now, so the first requests do not wait for Redis (a server that is down only logs a warning)
      await Promise.all(caches.aliases().map((alias) => caches.get(alias).backend.ready?.()));
    },
    async close() {
      await caches.close();
    },
  });
}

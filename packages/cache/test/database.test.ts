import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp, executeFromCommandLine } from '@manouche/core';
import { connect, type Database, type DatabaseSettings, ormApp } from '@manouche/orm';
import { describeWith } from '../../../test-support/services';
import { cacheApp } from '../src/app';
import type { Cache } from '../src/cache';
import type { CacheConfig } from '../src/config';
import { InvalidCacheBackendError } from '../src/errors';
import { caches, createCache } from '../src/handler';
import { cacheTableMigration, DatabaseBackend } from '../src/orm';
import { backendContract } from './contract';
import { FakeClock, TEST_SECRET, uniquePrefix } from './support';

type Vendor = 'sqlite' | 'postgres' | 'mysql';

const SERVERS = {
  postgres: { ENGINE: 'postgres', HOST: process.env.PGHOST || '127.0.0.1', PORT: Number(process.env.PGPORT || 5432), USER: process.env.PGUSER || 'postgres', PASSWORD: process.env.PGPASSWORD || '' },
  mysql: { ENGINE: 'mysql', HOST: process.env.MYSQL_HOST || '127.0.0.1', PORT: Number(process.env.MYSQL_PORT || 3306), USER: process.env.MYSQL_USER || 'root', PASSWORD: process.env.MYSQL_PASSWORD || '' },
} as const;

/** A database of this test file's own (other helpers' tests share the servers), dropped afterwards. */
async function createTestDatabase(vendor: Vendor, dir: string): Promise<{ settings: DatabaseSettings; drop(): Promise<void> }> {
  if (vendor === 'sqlite') return { settings: { ENGINE: 'sqlite', NAME: join(dir, 'cache.sqlite3') }, drop: async () => undefined };
  const name = `cache_test_${randomBytes(5).toString('hex')}`;
  const server = SERVERS[vendor];
  const admin = await connect({ ...server, NAME: vendor === 'postgres' ? 'postgres' : 'mysql' } as DatabaseSettings, { alias: `admin_${name}`, models: [] });
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    settings: { ...server, NAME: name } as DatabaseSettings,
    async drop() {
      await admin.query(vendor === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
      await admin.close();
    },
  };
}

function describeVendor(vendor: Vendor, name: string, fn: () => void): void {
  if (vendor === 'sqlite') describe(`${name} [sqlite]`, fn);
  else describeWith(vendor, `${name} [${vendor}]`, fn);
}

function output(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

for (const vendor of ['sqlite', 'postgres', 'mysql'] as const) {
  describeVendor(vendor, 'the database backend', () => {
    // an alias of its own, so this file's databases never stand in for another's
    const alias = `cache_${vendor}`;
    let dir: string;
    let settings: DatabaseSettings;
    let drop: () => Promise<void>;
    let db: Database;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'manouche-cache-db-'));
      ({ settings, drop } = await createTestDatabase(vendor, dir));
      db = await connect(settings, { alias, models: [] });
      expect(await (createCache({ BACKEND: 'database', OPTIONS: { DATABASE: alias } }).backend as DatabaseBackend).createTable()).toBe(true);
    });
    afterAll(async () => {
      await db?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const fixture = (clock = new FakeClock()) => {
      const made: Cache[] = [];
      return {
        clock,
        make: (config: Partial<CacheConfig> = {}) => {
          const cache = createCache({ BACKEND: 'database', KEY_PREFIX: uniquePrefix(vendor), ...config, OPTIONS: { DATABASE: alias, MAX_ENTRIES: 10_000, ...config.OPTIONS } }, { clock });
          made.push(cache);
          return cache;
        },
        // the database compares with the cache's clock, not its own: nothing to wait for
        advance: async (ms: number) => clock.advance(ms),
        cleanup: async () => {
          for (const cache of made) await cache.clear();
        },
      };
    };

    backendContract(`database (${vendor})`, () => fixture());

    const rows = async (cache: Cache): Promise<unknown[][]> => {
      const q = db.dialect.quote;
      const { rows: found } = await db.query(`SELECT ${q('cache_key')}, ${q('value')}, ${q('expires')}, ${q('tags')} FROM ${q('manouche_cache')} WHERE ${q('cache_key')} LIKE ${db.dialect.placeholder(1)} ORDER BY ${q('cache_key')}`, [`${cache.keyPrefix}:%`]);
      return found.map((row) => [row[0], row[1], row[2] === null ? null : Number(row[2]), row[3]]);
    };

    it("stores Django's columns: the made key, the value as JSON, the expiry in ms, and the tags", async () => {
      const f = fixture();
      const cache = f.make();
      await cache.set('article', { title: 'Hello' }, { timeout: 30, tags: ['articles', 'article:1'] });
      await cache.set('forever', 1, null);
      expect(await rows(cache)).toEqual([
        [`${cache.keyPrefix}:1:article`, '{"title":"Hello"}', f.clock.now() + 30_000, '\narticles\narticle:1\n'],
        [`${cache.keyPrefix}:1:forever`, '1', null, null],
      ]);
      await f.cleanup();
    });

    it('keeps keys differing only in case apart, and tags that are substrings of others', async () => {
      const f = fixture();
      const cache = f.make();
      await cache.set('Key', 'upper');
      await cache.set('key', 'lower');
      expect([await cache.get('Key'), await cache.get('key')]).toEqual(['upper', 'lower']);
      await cache.set('a', 1, { tags: ['article:10'] });
      await cache.set('b', 2, { tags: ['article:1'] });
      await cache.set('c', 3, { tags: ['a%_!'] });
      expect(await cache.invalidateTags('article:1')).toBe(1);
      expect([await cache.get('a'), await cache.get('b')]).toEqual([1, undefined]);
      expect(await cache.invalidateTags('a%')).toBe(0);
      expect(await cache.invalidateTags('a%_!')).toBe(1);
      await f.cleanup();
    });

    it('culls past MAX_ENTRIES as Django does: the expired first, then 1/CULL_FREQUENCY of the rest', async () => {
      // a cache alone in its table, since MAX_ENTRIES counts every row
      const table = `cull_${randomBytes(4).toString('hex')}`;
      const clock = new FakeClock();
      const make = (options: Record<string, unknown>) => createCache({ BACKEND: 'database', LOCATION: table, KEY_PREFIX: 'cull', OPTIONS: { DATABASE: alias, MAX_ENTRIES: 10, ...options } }, { clock });
      const cache = make({ CULL_FREQUENCY: 2 });
      expect(await (cache.backend as DatabaseBackend).createTable()).toBe(true);
      const count = async () => Number((await db.query(`SELECT COUNT(*) FROM ${db.dialect.quote(table)}`)).rows[0]![0]);
      for (let i = 0; i < 4; i++) await cache.set(`short${i}`, i, 1);
      for (let i = 0; i < 6; i++) await cache.set(`k${i}`, i);
      expect(await count()).toBe(10);
      clock.advance(1500);
      await cache.set('k6', 6);
      // 11 rows: the 4 expired go, 7 remain, within the limit
      expect(await count()).toBe(7);
      for (let i = 7; i < 11; i++) await cache.set(`k${i}`, i);
      // the 11th row: 11 // 2 = 5 entries go, the first by key
      expect(await count()).toBe(6);
      expect([...(await cache.getMany(Array.from({ length: 11 }, (_, i) => `k${i}`))).keys()]).toEqual(['k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
      const emptying = make({ CULL_FREQUENCY: 0 });
      for (let i = 0; i < 5; i++) await emptying.set(`more${i}`, i);
      expect(await count()).toBe(0);
      await db.query(`DROP TABLE ${db.dialect.quote(table)}`);
    });

    it('shares entries and the getOrSet() lock between caches on the same table (processes)', async () => {
      const f = fixture();
      const first = f.make({ KEY_PREFIX: 'shared-' + vendor });
      const second = f.make({ KEY_PREFIX: 'shared-' + vendor });
      let calls = 0;
      const compute = async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return 'computed once';
      };
      expect(await Promise.all([first.getOrSet('hot', compute, 60), second.getOrSet('hot', compute, 60)])).toEqual(['computed once', 'computed once']);
      expect(calls).toBe(1);
      await second.set('from-second', 2);
      expect(await first.get('from-second')).toBe(2);
      await f.cleanup();
    });

    it('does not compute again when another process stored the value between our miss and our lock', async () => {
      const f = fixture();
      const first = f.make({ KEY_PREFIX: 'race-' + vendor });
      const second = f.make({ KEY_PREFIX: 'race-' + vendor });
      let calls = 0;
      const compute = async () => `computed ${++calls}`;
      const backend = second.backend as Required<typeof second.backend>;
      const lock = backend.lock.bind(backend);
      // the first process runs its whole getOrSet() after the second's miss, just before its lock
      backend.lock = async (key, ttlMs) => {
        backend.lock = lock;
        await first.getOrSet('late', compute, 60);
        return lock(key, ttlMs);
      };
      expect(await second.getOrSet('late', compute, 60)).toBe('computed 1');
      expect(calls).toBe(1);
      await f.cleanup();
    });

    it('names the missing table and the command that creates it', async () => {
      const cache = createCache({ BACKEND: 'database', LOCATION: 'no_such_cache_table', OPTIONS: { DATABASE: alias } });
      await expect(cache.get('k')).rejects.toThrow(new InvalidCacheBackendError(`The cache table "no_such_cache_table" of CACHES["default"] does not exist in database "${alias}": run manouche createcachetable (or migrate with cacheTableMigration()).`));
    });

    describe('the table', () => {
      const manage = async (cacheTable: string, ...argv: string[]) => {
        const app = createApp({
          settings: {
            SECRET_KEY: TEST_SECRET,
            INSTALLED_APPS: [ormApp({ models: [], migrations: { cache: { modules: { '0001_cache_table': cacheTableMigration(cacheTable) } } } }), cacheApp()],
            DATABASES: { default: settings },
            CACHES: { default: { BACKEND: 'memory' }, pages: { BACKEND: 'database', LOCATION: cacheTable }, fragments: { BACKEND: 'database', LOCATION: cacheTable } },
          },
          urls: [],
          env: {},
        });
        const [stdout, stderr] = [output(), output()];
        const code = await executeFromCommandLine(app, argv, { stdout, stderr });
        await caches.close();
        return { code, out: stdout.text(), err: stderr.text() };
      };
      const exists = async (table: string) => {
        const runner = db.dataSource.createQueryRunner();
        try {
          return await runner.hasTable(table);
        } finally {
          await runner.release();
        }
      };

      it('manouche createcachetable creates each database cache’s table once; --dry-run prints the SQL', async () => {
        const table = `pages_${randomBytes(4).toString('hex')}`;
        const dry = await manage(table, 'createcachetable', '--dry-run');
        expect(dry).toMatchObject({ code: 0, err: '' });
        expect(dry.out).toMatch(new RegExp(`^CREATE TABLE IF NOT EXISTS [\`"]${table}[\`"] \\(`));
        expect(await exists(table)).toBe(false);
        // two caches on one table: created once
        expect(await manage(table, 'createcachetable')).toEqual({ code: 0, out: `Created the cache table "${table}" (database "default").\n`, err: '' });
        expect(await exists(table)).toBe(true);
        expect((await manage(table, 'createcachetable')).out).toBe(`The cache table exists: "${table}" (database "default").\n`);
        await db.query(`DROP TABLE ${db.dialect.quote(table)}`);
      });

      it('cacheTableMigration() creates the table with manouche migrate and drops it when unapplied', async () => {
        const table = `migrated_${randomBytes(4).toString('hex')}`;
        expect(await manage(table, 'migrate')).toMatchObject({ code: 0, err: '' });
        expect(await exists(table)).toBe(true);
        expect(await manage(table, 'migrate', 'cache', 'zero')).toMatchObject({ code: 0, err: '' });
        expect(await exists(table)).toBe(false);
      });
    });
  });
}

describe('database backend settings', () => {
  it('refuses a bad table name or options, naming the valid ones', () => {
    expect(() => createCache({ BACKEND: 'database', LOCATION: 'cache; DROP TABLE users' })).toThrow(
      new InvalidCacheBackendError('CACHES["default"].LOCATION must be the cache table\'s name (letters, digits and underscores, not starting with a digit); got "cache; DROP TABLE users".'),
    );
    expect(() => createCache({ BACKEND: 'database', OPTIONS: { MAX_ENTRY: 5 } })).toThrow(/OPTIONS has "MAX_ENTRY", unknown to the database backend; it accepts DATABASE, MAX_ENTRIES, CULL_FREQUENCY/);
    expect(() => createCache({ BACKEND: 'database', OPTIONS: { CULL_FREQUENCY: -1 } })).toThrow(/CULL_FREQUENCY must be a whole number \(0 or more\); got -1/);
    expect(() => createCache({ BACKEND: 'database', OPTIONS: { DATABASE: '' } })).toThrow(/OPTIONS.DATABASE must be a DATABASES alias/);
    expect(createCache({ BACKEND: DatabaseBackend }).backend).toMatchObject({ table: 'manouche_cache', databaseAlias: 'default' });
  });
});

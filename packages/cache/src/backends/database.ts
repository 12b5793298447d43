import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@manouche/orm';
import { type BackendParams, type CacheBackend, type Clock, StaleValue, type WriteOptions } from '../backend';
import { CacheValueError, InvalidCacheBackendError, MissingKeyError } from '../errors';
import { decode, encode } from '../serializer';
import { type CacheStatements, cacheStatements, createTableSql, DEFAULT_CACHE_TABLE, deleteManySql, deleteTaggedSql, escapeLike, selectManySql } from './database-sql';
import { nonNegativeInteger, positiveInteger, rejectUnknown } from './options';

/** OPTIONS of the database backend (Django's DatabaseCache). LOCATION is the table (default `manouche_cache`). */
export interface DatabaseBackendOptions {
  /** The DATABASES alias the table lives in (default `default`). */
  DATABASE?: string;
  /** Entries the table may hold before a write culls it (default 300, as Django). */
  MAX_ENTRIES?: number;
  /** Beyond MAX_ENTRIES, a write deletes 1/CULL_FREQUENCY of the entries; 0 empties the table (default 3). */
  CULL_FREQUENCY?: number;
}

type Orm = typeof import('@manouche/orm');

/** The widest key the table holds (`varchar(255)`); made keys are at most 250 characters. */
const MAX_STORED_KEY = 255;
/** How long a tag's invalidation marker is kept: longer than any computation it has to outlive. */
const TAG_MARKER_MS = 24 * 60 * 60 * 1000;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

let loading: Promise<Orm> | undefined;

/**
 * The ORM in this build's own module format: it keeps its connections in
 * module state, so a CommonJS app's connections live in the CommonJS copy,
 * which `import()` from CommonJS would not reach (it loads the ESM one).
 */
function importOrm(): Promise<Orm> {
  // `module` exists only in CommonJS (a bare `require` would be rewritten by the bundler in both builds)
  if (typeof module === 'object' && module !== null && typeof module.require === 'function') return Promise.resolve().then(() => module.require('@manouche/orm') as Orm);
  return import('@manouche/orm');
}

async function loadOrm(alias: string): Promise<Orm> {
  try {
    return await (loading ??= importOrm());
  } catch (error) {
    loading = undefined;
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}] uses the database backend, which needs the @manouche/orm package: npm install @manouche/orm (${(error as Error).message}).`);
  }
}

/** The tags as stored: each between newlines, so `\n<tag>\n` finds one. */
const tagsColumn = (tags: readonly string[] | undefined): string | null => (tags?.length ? `\n${tags.join('\n')}\n` : null);

/**
 * A table in a database the ORM is connected to (Django's DatabaseCache):
 * shared by every process using that database, with no server of its own.
 * Create the table with `manouche createcachetable` or cacheTableMigration().
 * `add()`, `incr()` and the cross-process lock of `getOrSet()` are atomic;
 * expiry is lazy, and a write past MAX_ENTRIES culls the table as Django
 * does. The ORM is imported when the backend is first used, so it stays an
 * optional dependency.
 */
export class DatabaseBackend implements CacheBackend {
  readonly alias: string;
  /** The table (LOCATION). */
  readonly table: string;
  /** The DATABASES alias. */
  readonly databaseAlias: string;
  private readonly maxEntries: number;
  private readonly cullFrequency: number;
  private readonly namespace: string;
  private readonly clock: Clock;
  private orm: Orm | undefined;
  private readonly statements = new WeakMap<Database, CacheStatements>();

  constructor(params: BackendParams) {
    const options = params.options;
    rejectUnknown(params.alias, 'database', options, ['DATABASE', 'MAX_ENTRIES', 'CULL_FREQUENCY']);
    const location = params.location ?? DEFAULT_CACHE_TABLE;
    if (typeof location !== 'string' || !TABLE_NAME.test(location)) {
      throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].LOCATION must be the cache table's name (letters, digits and underscores, not starting with a digit); got ${JSON.stringify(location)}.`);
    }
    const database = options.DATABASE ?? 'default';
    if (typeof database !== 'string' || database === '') {
      throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].OPTIONS.DATABASE must be a DATABASES alias such as 'default'; got ${JSON.stringify(database)}.`);
    }
    this.alias = params.alias;
    this.table = location;
    this.databaseAlias = database;
    this.maxEntries = positiveInteger(params.alias, options, 'MAX_ENTRIES', 300);
    this.cullFrequency = nonNegativeInteger(params.alias, options, 'CULL_FREQUENCY', 3);
    this.namespace = `${params.keyPrefix}:`;
    this.clock = params.clock;
  }

  // Reads

  async get(key: string): Promise<unknown> {
    return this.run(async (db, s) => this.found(await db.selectRows(s.get, [key])));
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    return this.run(async (db) => {
      const { rows } = await db.query(selectManySql(db, this.table, keys.length), keys);
      const byKey = new Map(rows.map((row) => [String(row[0]), row.slice(1)]));
      return keys.map((key) => this.found(byKey.has(key) ? [byKey.get(key)!] : []));
    });
  }

  // Writes

  async set(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    const payload = encode(value);
    return this.run(async (db, s) => {
      // a value computed while one of its tags was invalidated is not stored (see WriteOptions.tagsVersion)
      if (options?.tagsVersion !== undefined && options.tags && (await this.tagsVersion(options.tags)) !== options.tagsVersion) return false;
      await db.write(s.upsert, this.row(key, payload, ttlMs, options), false);
      // an invalidation between that check and the write deletes the entry (it is tagged), or shows here
      if (options?.tagsVersion !== undefined && options.tags && (await this.tagsVersion(options.tags)) !== options.tagsVersion) {
        await db.write(s.deleteIfValue, [key, payload], false);
        return false;
      }
      await this.cull(db, s);
      return true;
    });
  }

  async add(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    const payload = encode(value);
    return this.run(async (db, s) => {
      await db.write(s.deleteExpiredKey, [key, this.clock.now()], false);
      // the primary key decides between concurrent adds: one row goes in, the others are ignored
      const { rowCount } = await db.write(s.insertIfAbsent, this.row(key, payload, ttlMs, options), false);
      if (rowCount > 0) await this.cull(db, s);
      return rowCount > 0;
    });
  }

  async setMany(entries: ReadonlyArray<readonly [string, unknown]>, ttlMs: number | null, options?: WriteOptions): Promise<string[]> {
    const failed: string[] = [];
    for (const [key, value] of entries) if (!(await this.set(key, value, ttlMs, options))) failed.push(key);
    return failed;
  }

  async delete(key: string): Promise<boolean> {
    return this.run(async (db, s) => (await db.write(s.deleteLive, [key, this.clock.now()], false)).rowCount > 0);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.run((db) => db.query(deleteManySql(db, this.table, keys.length), keys));
  }

  async incr(key: string, delta: number): Promise<number> {
    return this.run(async (db, s) => {
      if (db.vendor !== 'mysql') {
        // one statement, atomic by itself
        const { rows } = await db.write(s.incrReturning, [delta, key, this.clock.now()], true);
        if (rows[0] !== undefined) return Number(decode(String(rows[0][0])));
        throw this.incrError(key, await db.selectRows(s.get, [key]));
      }
      // MySQL's UPDATE returns no rows: read and write in one transaction, the row locked, so increments queue
      return db.atomic(async () => {
        const rows = await db.selectRows(s.getForUpdate, [key]);
        const current = this.found(rows);
        if (typeof current !== 'number' || !Number.isInteger(current)) throw this.incrError(key, rows);
        const next = current + delta;
        await db.write(s.updateValue, [encode(next), key], false);
        return next;
      });
    });
  }

  /** Why incr() changed nothing: the key is missing (or expired), or its value is no integer. */
  private incrError(key: string, rows: unknown[][]): Error {
    if (this.found(rows) === undefined) return new MissingKeyError(key);
    return new CacheValueError(`incr()/decr() need an integer; the value under ${JSON.stringify(key)} is not one.`);
  }

  async touch(key: string, ttlMs: number | null): Promise<boolean> {
    const now = this.clock.now();
    return this.run(async (db, s) => (await db.write(s.touch, [ttlMs === null ? null : now + ttlMs, key, now], false)).rowCount > 0);
  }

  /** Delete this cache's entries (keys under `<KEY_PREFIX>:`); other caches sharing the table keep theirs. */
  async clear(): Promise<void> {
    await this.run(async (db, s) => db.write(s.clear, [`${escapeLike(this.namespace)}%`], false));
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    return this.run(async (db, s) => {
      const now = this.clock.now();
      // first mark the tags, so a value computed before this point is not stored afterwards
      for (const tag of tags) await db.write(s.upsert, [this.internalKey('tagv', tag), encode(randomBytes(9).toString('base64url')), now + TAG_MARKER_MS, 0, null], false);
      const { rowCount } = await db.query(deleteTaggedSql(db, this.table, tags.length), [`${escapeLike(this.namespace)}%`, now, ...tags.map((tag) => `\n${tag}\n`)]);
      return rowCount;
    });
  }

  async tagsVersion(tags: readonly string[]): Promise<string> {
    const markers = tags.map((tag) => this.internalKey('tagv', tag));
    const values = await this.getMany(markers);
    return values.map((v) => (typeof v === 'string' ? v : '')).join(',');
  }

  // Locks (stampede protection across the processes sharing the database)

  async lock(key: string, ttlMs: number): Promise<string | null> {
    const token = randomBytes(12).toString('base64url');
    return (await this.add(this.internalKey('lock', key), token, ttlMs)) ? token : null;
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.run(async (db, s) => db.write(s.deleteIfValue, [this.internalKey('lock', key), encode(token)], false));
  }

  // The table

  /** The SQL that creates the table (and its index) in this cache's database. */
  async createTableSql(): Promise<string[]> {
    return createTableSql(await this.database(), this.table);
  }

  /** Create the table unless it exists (`manouche createcachetable`); true when it was created. */
  async createTable(): Promise<boolean> {
    const db = await this.database();
    const runner = db.dataSource.createQueryRunner();
    try {
      if (await runner.hasTable(this.table)) return false;
    } finally {
      await runner.release();
    }
    for (const sql of createTableSql(db, this.table)) await db.query(sql);
    return true;
  }

  /** Load the ORM (at start-up, from cacheApp().ready()): the connection itself is looked up on each use. */
  async ready(): Promise<void> {
    this.orm ??= await loadOrm(this.alias);
  }

  close(): void {
    // the connection belongs to the ORM, which closes it
  }

  // Internals

  /** The database now registered under the alias (tests and reloads may replace it). */
  private async database(): Promise<Database> {
    if (this.orm === undefined) await this.ready();
    return this.orm!.getConnection(this.databaseAlias);
  }

  /** Run `fn` with the database and its compiled statements; a missing table is reported with the fix. */
  private async run<T>(fn: (db: Database, s: CacheStatements) => Promise<T>): Promise<T> {
    const db = await this.database();
    let s = this.statements.get(db);
    if (s === undefined) this.statements.set(db, (s = cacheStatements(db, this.table)));
    try {
      return await fn(db, s);
    } catch (error) {
      if (error instanceof this.orm!.ProgrammingError && error.message.includes(this.table) && /no such table|does not exist|doesn't exist/i.test(error.message)) {
        throw new InvalidCacheBackendError(`The cache table ${JSON.stringify(this.table)} of CACHES[${JSON.stringify(this.alias)}] does not exist in database ${JSON.stringify(this.databaseAlias)}: run manouche createcachetable (or migrate with cacheTableMigration()).`);
      }
      throw error;
    }
  }

  private row(key: string, payload: string, ttlMs: number | null, options: WriteOptions | undefined): unknown[] {
    return [key, payload, ttlMs === null ? null : this.clock.now() + ttlMs, options?.staleAt ?? 0, tagsColumn(options?.tags)];
  }

  private isLive(expires: unknown): boolean {
    return expires === null || Number(expires) > this.clock.now();
  }

  /** The value of a `value, expires, stale_at` row, a StaleValue inside its grace, or undefined. */
  private found(rows: unknown[][]): unknown {
    const row = rows[0];
    if (row === undefined || !this.isLive(row[1])) return undefined;
    const value = decode(String(row[0]));
    const staleAt = Number(row[2]);
    return staleAt !== 0 && this.clock.now() >= staleAt ? new StaleValue(value) : value;
  }

  /** Django's _cull: past MAX_ENTRIES, drop the expired entries, then a share of the rest (or all, with CULL_FREQUENCY 0). */
  private async cull(db: Database, s: CacheStatements): Promise<void> {
    const [[count]] = (await db.selectRows(s.count, [])) as [[unknown]];
    const entries = Number(count);
    if (entries <= this.maxEntries) return;
    if (this.cullFrequency === 0) {
      await db.write(s.deleteAll, [], false);
      return;
    }
    const expired = (await db.write(s.deleteAllExpired, [this.clock.now()], false)).rowCount;
    const remaining = entries - expired;
    if (remaining <= this.maxEntries) return;
    const [below] = await db.selectRows(s.keyAtOffset, [Math.floor(remaining / this.cullFrequency)]);
    if (below) await db.write(s.deleteBelow, [below[0]], false);
  }

  /** Internal keys live under the cache's prefix, with a `~` no version number has; long names are hashed to fit the column. */
  private internalKey(kind: string, name: string): string {
    const key = `${this.namespace}~${kind}:${name}`;
    return key.length <= MAX_STORED_KEY ? key : `${this.namespace}~${kind}#${createHash('sha256').update(name).digest('base64url')}`;
  }
}

import type { Database } from '@manouche/orm';

/** The default cache table (Django's createcachetable takes it from LOCATION too). */
export const DEFAULT_CACHE_TABLE = 'manouche_cache';

/**
 * The columns: Django's cache table (`cache_key`, `value`, `expires`) with
 * times as milliseconds since the epoch (the cache's clock), plus the grace
 * period's `stale_at` (0: none) and the entry's `tags`, each between
 * newlines (tags hold no control characters), so one is found with a
 * substring search.
 */
export function createTableSql(db: Database, table: string): string[] {
  const q = db.dialect.quote;
  if (db.vendor === 'mysql') {
    // a binary collation: keys differing only in case are different keys
    return [
      `CREATE TABLE IF NOT EXISTS ${q(table)} (${q('cache_key')} varchar(255) NOT NULL PRIMARY KEY, ${q('value')} longtext NOT NULL, ${q('expires')} bigint NULL, ${q('stale_at')} bigint NOT NULL DEFAULT 0, ${q('tags')} text NULL, INDEX ${q(`${table}_expires`)} (${q('expires')})) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${q(table)} (${q('cache_key')} varchar(255) NOT NULL PRIMARY KEY, ${q('value')} text NOT NULL, ${q('expires')} bigint NULL, ${q('stale_at')} bigint NOT NULL DEFAULT 0, ${q('tags')} text NULL)`,
    `CREATE INDEX IF NOT EXISTS ${q(`${table}_expires`)} ON ${q(table)} (${q('expires')})`,
  ];
}

export function dropTableSql(db: Database, table: string): string[] {
  return [`DROP TABLE IF EXISTS ${db.dialect.quote(table)}`];
}

type Statement = ReturnType<Database['statement']>;

const STATEMENTS = [
  'get',
  'getForUpdate',
  'incrReturning',
  'upsert',
  'insertIfAbsent',
  'deleteExpiredKey',
  'deleteLive',
  'updateValue',
  'touch',
  'deleteIfValue',
  'count',
  'deleteAllExpired',
  'keyAtOffset',
  'deleteBelow',
  'deleteAll',
  'clear',
] as const;

/** The statements the backend runs, compiled once per database (the ORM prepares them on first use). */
export type CacheStatements = Record<(typeof STATEMENTS)[number], Statement>;

export function cacheStatements(db: Database, table: string): CacheStatements {
  const { quote: q, placeholder: p } = db.dialect;
  const t = q(table);
  const [key, value, expires, staleAt, tags] = ['cache_key', 'value', 'expires', 'stale_at', 'tags'].map(q) as [string, string, string, string, string];
  const columns = `(${key}, ${value}, ${expires}, ${staleAt}, ${tags})`;
  const values = `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`;
  const get = `SELECT ${value}, ${expires}, ${staleAt} FROM ${t} WHERE ${key} = ${p(1)}`;
  const live = (n: number) => `(${expires} IS NULL OR ${expires} > ${p(n)})`;
  const vendor = db.vendor;
  const sql: Record<(typeof STATEMENTS)[number], string> = {
    get,
    getForUpdate: `${get} FOR UPDATE`,
    // incr() in one statement where UPDATE … RETURNING exists; only a live integer (JSON digits) is changed
    incrReturning:
      vendor === 'postgresql'
        ? `UPDATE ${t} SET ${value} = CAST(CAST(${value} AS bigint) + ${p(1)} AS text) WHERE ${key} = ${p(2)} AND ${live(3)} AND ${value} ~ '^-?[0-9]{1,18}$' RETURNING ${value}`
        : // the driver binds a JS number as REAL: cast it, or 10 + 1 would be stored as 11.0
          `UPDATE ${t} SET ${value} = CAST(CAST(${value} AS INTEGER) + CAST(${p(1)} AS INTEGER) AS TEXT) WHERE ${key} = ${p(2)} AND ${live(3)} AND CAST(CAST(${value} AS INTEGER) AS TEXT) = ${value} RETURNING ${value}`,
    upsert:
      vendor === 'mysql'
        ? `INSERT INTO ${t} ${columns} VALUES ${values} ON DUPLICATE KEY UPDATE ${value} = VALUES(${value}), ${expires} = VALUES(${expires}), ${staleAt} = VALUES(${staleAt}), ${tags} = VALUES(${tags})`
        : `INSERT INTO ${t} ${columns} VALUES ${values} ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}, ${expires} = excluded.${expires}, ${staleAt} = excluded.${staleAt}, ${tags} = excluded.${tags}`,
    // add(): insert unless the key exists (expired rows were deleted first)
    insertIfAbsent: vendor === 'mysql' ? `INSERT IGNORE INTO ${t} ${columns} VALUES ${values}` : `INSERT INTO ${t} ${columns} VALUES ${values} ON CONFLICT (${key}) DO NOTHING`,
    deleteExpiredKey: `DELETE FROM ${t} WHERE ${key} = ${p(1)} AND ${expires} <= ${p(2)}`,
    deleteLive: `DELETE FROM ${t} WHERE ${key} = ${p(1)} AND ${live(2)}`,
    updateValue: `UPDATE ${t} SET ${value} = ${p(1)} WHERE ${key} = ${p(2)}`,
    touch: `UPDATE ${t} SET ${expires} = ${p(1)} WHERE ${key} = ${p(2)} AND ${live(3)}`,
    deleteIfValue: `DELETE FROM ${t} WHERE ${key} = ${p(1)} AND ${value} = ${p(2)}`,
    count: `SELECT COUNT(*) FROM ${t}`,
    deleteAllExpired: `DELETE FROM ${t} WHERE ${expires} <= ${p(1)}`,
    // Django's cache_key_culling_sql: the key below which a share of the entries goes
    keyAtOffset: `SELECT ${key} FROM ${t} ORDER BY ${key} LIMIT 1 OFFSET ${p(1)}`,
    deleteBelow: `DELETE FROM ${t} WHERE ${key} < ${p(1)}`,
    deleteAll: `DELETE FROM ${t}`,
    clear: `DELETE FROM ${t} WHERE ${key} LIKE ${p(1)} ESCAPE '!'`,
  };
  return Object.fromEntries(STATEMENTS.map((name) => [name, db.statement(sql[name])])) as CacheStatements;
}

// Statements over a list of keys or tags: their placeholders depend on its length.

const placeholders = (db: Database, count: number, from = 1): string => Array.from({ length: count }, (_, i) => db.dialect.placeholder(from + i)).join(', ');

/** `value, expires, stale_at` of `count` keys, each row starting with its key. */
export function selectManySql(db: Database, table: string, count: number): string {
  const q = db.dialect.quote;
  return `SELECT ${q('cache_key')}, ${q('value')}, ${q('expires')}, ${q('stale_at')} FROM ${q(table)} WHERE ${q('cache_key')} IN (${placeholders(db, count)})`;
}

export function deleteManySql(db: Database, table: string, count: number): string {
  const q = db.dialect.quote;
  return `DELETE FROM ${q(table)} WHERE ${q('cache_key')} IN (${placeholders(db, count)})`;
}

/**
 * Delete the live rows under a key prefix (LIKE, parameter 1) holding any of
 * `count` tags (parameters 3…, each `\n<tag>\n`): a substring test of the tags
 * column, so a tag needs no LIKE escaping.
 */
export function deleteTaggedSql(db: Database, table: string, count: number): string {
  const { quote: q, placeholder: p } = db.dialect;
  const tags = q('tags');
  const match = (placeholder: string) => (db.vendor === 'postgresql' ? `strpos(${tags}, ${placeholder}) > 0` : `instr(${tags}, ${placeholder}) > 0`);
  const anyTag = Array.from({ length: count }, (_, i) => match(p(i + 3))).join(' OR ');
  return `DELETE FROM ${q(table)} WHERE ${q('cache_key')} LIKE ${p(1)} ESCAPE '!' AND (${q('expires')} IS NULL OR ${q('expires')} > ${p(2)}) AND (${anyTag})`;
}

/** `text` matched literally by LIKE … ESCAPE '!'. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, '!$&');
}

// The TechEmpower schema: world(id, randomnumber) with 10,000 rows, fortune(id, message) with 12.
import pg from 'pg';
import { cpuTimeMs } from '../lib/process.mjs';

/** Where a contender's queries go: BENCH_DATABASE, which the harness sets per contender (databaseFor). */
export const DB = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  password: process.env.PGPASSWORD ?? undefined,
  database: process.env.BENCH_DATABASE ?? 'manouche_bench',
};

export const DATABASE_URL = `postgres://${encodeURIComponent(DB.user)}${DB.password ? `:${encodeURIComponent(DB.password)}` : ''}@${DB.host}:${DB.port}/${DB.database}`;

export const FORTUNES = [
  [1, 'fortune: No such file or directory'],
  [2, "A computer scientist is someone who fixes things that aren't broken."],
  [3, 'After enough decimal places, nobody gives a damn.'],
  [4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'],
  [5, 'A computer program does what you tell it to do, not what you want it to do.'],
  [6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'],
  [7, 'Any program that runs right is obsolete.'],
  [8, 'A list is only as strong as its weakest link. — Donald Knuth'],
  [9, 'Feature: A bug with seniority.'],
  [10, 'Computers make very fast, very accurate mistakes.'],
  [11, '<script>alert("This should not be displayed in a browser alert box.");</script>'],
  [12, 'フレームワークのベンチマーク'],
];
export const ADDED_FORTUNE = [0, 'Additional fortune added at request time.'];

/**
 * Each contender gets a database of its own (`manouche_bench_raw`…), as TechEmpower runs each
 * framework alone: contenders loaded side by side never wait on each other's row locks (their
 * UPDATE statements lock rows in different orders and would deadlock each other), and the
 * PostgreSQL backends working for each can be told apart by database.
 */
export const databaseFor = (contender) => `${DB.database}_${contender.replace(/[^A-Za-z0-9]+/g, '_')}`;

/** Create each database and its tables if missing, and (re)fill them. */
export async function prepareDatabases(databases, log = console.error) {
  const admin = new pg.Client({ ...DB, database: 'postgres' });
  await admin.connect();
  try {
    for (const database of databases) {
      if (!/^\w+$/.test(database)) throw new Error(`Database name ${JSON.stringify(database)}: letters, digits and _ only`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) {
        log(`creating database ${database}`);
        await admin.query(`CREATE DATABASE "${database}"`);
      }
    }
  } finally {
    await admin.end();
  }
  for (const database of databases) await fill(database, log);
}

async function fill(database, log) {
  const client = new pg.Client({ ...DB, database });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS world (id integer PRIMARY KEY, randomnumber integer NOT NULL DEFAULT 0)');
  await client.query('CREATE TABLE IF NOT EXISTS fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)');
  const { rows } = await client.query('SELECT count(*)::int AS n FROM world');
  if (rows[0].n !== 10000) {
    log(`filling ${database}.world with 10,000 rows`);
    await client.query('TRUNCATE world');
    await client.query('INSERT INTO world (id, randomnumber) SELECT i, 1 + floor(random() * 10000)::int FROM generate_series(1, 10000) AS i');
  }
  await client.query('TRUNCATE fortune');
  for (const [id, message] of FORTUNES) await client.query('INSERT INTO fortune (id, message) VALUES ($1, $2)', [id, message]);
  await client.query('VACUUM ANALYZE world');
  await client.end();
}

export const randomId = () => 1 + Math.floor(Math.random() * 10000);

/** TechEmpower's rule for ?queries=: a number clamped to 1..500; anything else counts as 1. */
export function queryCount(value) {
  const n = Number.parseInt(value ?? '', 10);
  if (Number.isNaN(n) || n < 1) return 1;
  return n > 500 ? 500 : n;
}

/**
 * CPU time used so far by each PostgreSQL backend connected to `database` (other than
 * `client`'s own), as Map<pid, ms>: what a contender's queries cost the database, which a
 * contender sending costlier SQL makes it spend. Needs the server on this machine (Linux).
 */
export async function backendCpu(client, database) {
  const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return new Map(rows.map(({ pid }) => [pid, cpuTimeMs(pid)]).filter(([, ms]) => Number.isFinite(ms)));
}

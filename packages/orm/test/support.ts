import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeWith } from '../../../test-support/services';
import { apps, connect, createTables, type Database, type DatabaseSettings, dropTables } from '../src/index';
import type { AnyModel } from '../src/models/types';

export type Backend = 'sqlite' | 'postgres' | 'mysql';
export const BACKENDS: Backend[] = ['sqlite', 'postgres', 'mysql'];

const PG = { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), user: process.env.PGUSER || 'postgres', password: process.env.PGPASSWORD || '' };
const MY = { host: process.env.MYSQL_HOST || '127.0.0.1', port: Number(process.env.MYSQL_PORT || 3306), user: process.env.MYSQL_USER || 'root', password: process.env.MYSQL_PASSWORD || '' };

/** Settings for a server with a throwaway database name. */
export function serverSettings(backend: Exclude<Backend, 'sqlite'>, name: string): DatabaseSettings {
  const s = backend === 'postgres' ? PG : MY;
  return { ENGINE: backend, NAME: name, HOST: s.host, PORT: s.port, USER: s.user, PASSWORD: s.password, OPTIONS: { connectTimeout: 5 }, POOL: { max: 4 } };
}

async function mysqlAdmin(sql: string): Promise<void> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: MY.host, port: MY.port, user: MY.user, password: MY.password });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file (other engineers' tests share the servers): created now, dropped by `drop()`. */
export async function createTestDatabase(backend: Backend): Promise<{ settings: DatabaseSettings; drop(): Promise<void> }> {
  if (backend === 'sqlite') return { settings: { ENGINE: 'sqlite', NAME: ':memory:' }, drop: async () => undefined };
  const name = `orm_test_${randomBytes(5).toString('hex')}`;
  if (backend === 'postgres') {
    await pgAdmin(`CREATE DATABASE ${name}`);
    return { settings: serverSettings('postgres', name), drop: () => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  await mysqlAdmin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return { settings: serverSettings('mysql', name), drop: () => mysqlAdmin(`DROP DATABASE IF EXISTS ${name}`) };
}

/** `describe` for one backend: SQLite always, the servers through describeWith (skipped with a reason when down, failing in CI). */
export function describeBackend(backend: Backend, name: string, fn: () => void): void {
  const title = `${name} [${backend}]`;
  if (backend === 'sqlite') describe(title, fn);
  else describeWith(backend, title, fn);
}

/** Every model's meta, related and intermediate ones included. */
export function metasOf(models: AnyModel[]): AnyModel['_meta'][] {
  apps.ensureReady();
  const out = new Set<AnyModel>();
  for (const m of models) {
    out.add(m);
    for (const f of m._meta.manyToMany) if (f.throughModel) out.add(f.throughModel);
  }
  return [...out].map((m) => m._meta);
}

/**
 * Run a describe block against each backend: a fresh database with the
 * models' tables, connected as `default`, emptied before each test.
 */
export function eachBackend(name: string, models: AnyModel[], fn: (ctx: { db: () => Database; backend: Backend }) => void): void {
  for (const backend of BACKENDS) {
    describeBackend(backend, name, () => {
      let db: Database;
      let drop: () => Promise<void>;
      beforeAll(async () => {
        const created = await createTestDatabase(backend);
        drop = created.drop;
        db = await connect(created.settings, { models });
        await createTables(db, metasOf(models));
      });
      beforeEach(async () => {
        await flush(db, models);
      });
      afterAll(async () => {
        await db?.close();
        await drop?.();
      });
      fn({ db: () => db, backend });
    });
  }
}

/** Delete every row of these models' tables. */
export async function flush(db: Database, models: AnyModel[]): Promise<void> {
  const metas = metasOf(models);
  const q = db.dialect.quote;
  if (db.vendor === 'postgresql') {
    await db.query(`TRUNCATE ${metas.map((m) => q(m.dbTable)).join(', ')} RESTART IDENTITY CASCADE`);
  } else if (db.vendor === 'mysql') {
    // one connection, so the session setting applies to the deletes
    await db.atomic(async () => {
      await db.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const meta of metas) await db.query(`DELETE FROM ${q(meta.dbTable)}`);
      await db.query('SET FOREIGN_KEY_CHECKS = 1');
    });
  } else {
    await db.query('PRAGMA foreign_keys = OFF');
    for (const meta of metas) await db.query(`DELETE FROM ${q(meta.dbTable)}`);
    await db.query('PRAGMA foreign_keys = ON');
  }
}

export { dropTables };

/**
 * Imports a TypeScript migration file inside Jest (which cannot `import()`
 * at run time): the file has only type imports, so transpiling it to
 * CommonJS and evaluating it is enough.
 */
export async function importTs(file: string): Promise<unknown> {
  const ts = await import('typescript');
  const { readFileSync } = await import('node:fs');
  const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  return module.exports;
}

/** A writable stream collecting what a command prints. */
export function output(): NodeJS.WritableStream & { text: () => string } {
  const { PassThrough } = require('node:stream') as typeof import('node:stream');
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return Object.assign(stream, { text: () => chunks.join('') });
}

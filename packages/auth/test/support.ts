import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Client as PgClient } from 'pg';
import { Application, commonMiddleware, createApp, executeFromCommandLine, type Middleware, type UrlEntry, type UserSettings } from '@manouche/core';
import { type AnyModel, apps, connect, createTables, type Database, type DatabaseSettings } from '@manouche/orm';
import { csrfViewMiddleware } from '@manouche/security';
import { templatesApp } from '@manouche/templates';
import { describeWith } from '../../../test-support/services';
import { authApp, authenticationMiddleware, contextProcessors, Group, messagesMiddleware, Permission, Session, sessionMiddleware, User } from '../src/index';
import { FastHasher, FastSHA1Hasher, SECRET_KEY } from './helpers';

export type Backend = 'sqlite' | 'postgres';

const PG = { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), user: process.env.PGUSER || 'postgres', password: process.env.PGPASSWORD || '' };

async function pgAdmin(sql: string): Promise<void> {
  const client = new PgClient({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own (other engineers' tests share the servers): created now, dropped by `drop()`. */
export async function createTestDatabase(backend: Backend): Promise<{ settings: DatabaseSettings; drop(): Promise<void> }> {
  if (backend === 'sqlite') return { settings: { ENGINE: 'sqlite', NAME: ':memory:' }, drop: async () => undefined };
  const name = `auth_test_${randomBytes(5).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${name}`);
  return {
    settings: { ENGINE: 'postgres', NAME: name, HOST: PG.host, PORT: PG.port, USER: PG.user, PASSWORD: PG.password, OPTIONS: { connectTimeout: 5 }, POOL: { max: 4 } },
    drop: () => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The models and their automatic many-to-many tables. */
export function withThrough(models: readonly AnyModel[]): AnyModel[] {
  apps.ensureReady();
  const out = new Set<AnyModel>();
  for (const model of models) {
    out.add(model);
    for (const field of model._meta.manyToMany) if (field.throughModel) out.add(field.throughModel);
  }
  return [...out];
}

export const AUTH_MODELS = [Permission, Group, User, Session];

/** `describe` against SQLite always, PostgreSQL when it is up (skipped with a reason otherwise, failing in CI). */
export function describeBackend(backend: Backend, name: string, fn: () => void): void {
  if (backend === 'sqlite') describe(`${name} [sqlite]`, fn);
  else describeWith('postgres', `${name} [postgres]`, fn);
}

/** A connected database with the auth tables (and `extra` models), emptied by `flush()`. */
export function useDatabase(backend: Backend, extra: AnyModel[] = []): { db(): Database; flush(): Promise<void> } {
  let db: Database;
  let drop: () => Promise<void>;
  const models = withThrough([...AUTH_MODELS, ...extra]);
  beforeAll(async () => {
    const created = await createTestDatabase(backend);
    drop = created.drop;
    db = await connect(created.settings, { models });
    await createTables(db, models.map((m) => m._meta));
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });
  return {
    db: () => db,
    async flush() {
      const q = db.dialect.quote;
      if (db.vendor === 'postgresql') await db.query(`TRUNCATE ${models.map((m) => q(m._meta.dbTable)).join(', ')} RESTART IDENTITY CASCADE`);
      else for (const m of [...models].reverse()) await db.query(`DELETE FROM ${q(m._meta.dbTable)}`);
    },
  };
}

export const STACK: Middleware[] = [commonMiddleware, sessionMiddleware, csrfViewMiddleware, authenticationMiddleware, messagesMiddleware];

/** An application with auth, templates and the usual middleware, cheap hashers and the memory email backend. */
export function makeApp(urls: readonly UrlEntry[], settings: UserSettings = {}): Application {
  return createApp({
    settings: {
      DEBUG: false,
      SECRET_KEY,
      ALLOWED_HOSTS: ['testserver', 'localhost'],
      INSTALLED_APPS: [templatesApp(), authApp()],
      MIDDLEWARE: STACK,
      PASSWORD_HASHERS: [FastHasher, FastSHA1Hasher],
      EMAIL_BACKEND: 'memory',
      AUTH_LOGIN_THROTTLE: null,
      TEMPLATES: [{ APP_DIRS: true, DIRS: [], OPTIONS: { contextProcessors: [contextProcessors.auth, contextProcessors.messages] } }],
      ...settings,
    },
    urls,
    logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
  });
}

/** A stream collecting what a command prints. */
export function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

/** Run `manouche <argv>` with extra environment variables; its exit code and output. */
export async function runCommand(app: Application, argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await executeFromCommandLine(app, argv, { stdout: out.stream, stderr: err.stream });
    return { code, out: out.text(), err: err.text() };
  } finally {
    process.env = saved;
  }
}

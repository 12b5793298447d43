import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DatabaseAuthenticationError, DatabaseConnectionError, ImproperlyConfiguredError } from '../errors';
import { ForeignKey, ManyToManyField } from '../fields/related';
import { apps } from '../models/model';
import type { AnyModel } from '../models/types';
import { entitySchemaFor } from '../schema/entity-schema';
import { registerConnection } from './connections';
import type { Database } from './database';
import { MysqlDatabase } from './mysql';
import { PostgresDatabase } from './postgres';
import { type DatabaseSettings, type ResolvedSettings, resolveSettings } from './settings';
import { SqliteDatabase } from './sqlite';

export interface ConnectOptions {
  /** The alias in `connections` (default `default`). */
  alias?: string;
  /** Models to give TypeORM as entities (default: every model defined); related models are added. */
  models?: readonly AnyModel[];
  /** Record every query in `db.queries` (Django's DEBUG query log). */
  debug?: boolean;
  /** Make it the connection QuerySets use for this alias (default true). */
  register?: boolean;
}

/** The models and everything they reach through relations (TypeORM needs every relation target). */
function withRelated(models: readonly AnyModel[]): AnyModel[] {
  apps.ensureReady();
  for (const model of models) model._meta.apps.ensureReady();
  const out = new Set<AnyModel>();
  const visit = (model: AnyModel): void => {
    if (out.has(model)) return;
    out.add(model);
    for (const field of model._meta.fields) {
      if (field instanceof ForeignKey) visit(field.relatedModel);
      if (field instanceof ManyToManyField) {
        visit(field.relatedModel);
        visit(field.throughModel!);
      }
    }
    for (const relation of model._meta.relatedObjects) visit(relation.relatedModel);
  };
  for (const model of models) visit(model);
  return [...out];
}

function dataSourceOptions(settings: ResolvedSettings, models: AnyModel[]): DataSourceOptions {
  const entities = models.map((m) => entitySchemaFor(m, settings.vendor));
  const o = settings.options;
  const timeoutMs = Math.round((o.connectTimeout ?? 10) * 1000);
  if (settings.vendor === 'sqlite') {
    const memory = settings.name === ':memory:';
    return {
      type: 'better-sqlite3',
      database: settings.name,
      entities,
      enableWAL: !memory && (o.journalMode ?? 'wal') === 'wal',
      timeout: Math.round((o.timeout ?? 5) * 1000),
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        if (o.journalMode && o.journalMode !== 'wal') db.pragma(`journal_mode = ${o.journalMode}`);
      },
      ...(o.driver ?? {}),
    } as DataSourceOptions;
  }
  if (settings.vendor === 'postgresql') {
    const serverOptions = [o.schema ? `-c search_path=${o.schema}` : '', o.statementTimeout ? `-c statement_timeout=${Math.round(o.statementTimeout * 1000)}` : ''].filter(Boolean).join(' ');
    return {
      type: 'postgres',
      host: settings.host,
      port: settings.port,
      username: settings.user,
      password: settings.password,
      database: settings.name,
      schema: o.schema,
      entities,
      connectTimeoutMS: timeoutMs,
      poolSize: settings.pool.max,
      ssl: o.ssl as boolean | undefined,
      installExtensions: false,
      applicationName: 'manouche',
      extra: { idleTimeoutMillis: settings.pool.idleTimeout * 1000, ...(serverOptions ? { options: serverOptions } : {}), ...(o.driver ?? {}) },
    } as DataSourceOptions;
  }
  return {
    type: 'mysql',
    connectorPackage: 'mysql2',
    host: settings.host,
    port: settings.port,
    username: settings.user,
    password: settings.password,
    database: settings.name,
    entities,
    connectTimeout: timeoutMs,
    poolSize: settings.pool.max,
    charset: 'utf8mb4_unicode_ci',
    // UTC in and out, DATE as 'YYYY-MM-DD', BIGINT as numbers when exact
    timezone: 'Z',
    dateStrings: ['DATE'],
    supportBigNumbers: true,
    bigNumberStrings: false,
    ssl: o.ssl,
    extra: { idleTimeout: settings.pool.idleTimeout * 1000, maxIdle: settings.pool.max, ...(o.driver ?? {}) },
  } as DataSourceOptions;
}

/** A connection failure as a typed error naming the server (never the password) and the cause. */
function connectionError(settings: ResolvedSettings, error: unknown): Error {
  const e = error as { code?: string; errno?: number; message?: string };
  const code = String(e?.code ?? '');
  const message = e?.message ?? String(error);
  const where = settings.description;
  if (code === '28P01' || code === '28000' || e?.errno === 1045 || e?.errno === 1698 || code === 'ER_ACCESS_DENIED_ERROR') {
    return new DatabaseAuthenticationError(`${where}: the server refused the credentials (${message}).`, error);
  }
  if (code === '3D000' || e?.errno === 1049) return new DatabaseConnectionError(`${where}: the database does not exist (${message}). Create it first.`, error);
  if (code === 'ECONNREFUSED') return new DatabaseConnectionError(`${where}: connection refused. Is the server running and listening on that port?`, error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DatabaseConnectionError(`${where}: the host name does not resolve.`, error);
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) {
    return new DatabaseConnectionError(`${where}: no answer within ${settings.options.connectTimeout ?? 10}s (OPTIONS.connectTimeout).`, error);
  }
  if (settings.vendor === 'sqlite') return new DatabaseConnectionError(`${where}: cannot open it (${message}).`, error);
  return new DatabaseConnectionError(`${where}: ${message}`, error);
}

/** Fail fast with the reason when a SQLite file's folder cannot be created (TypeORM would not say). */
function checkSqlitePath(settings: ResolvedSettings): void {
  try {
    mkdirSync(dirname(resolve(settings.name)), { recursive: true });
  } catch (error) {
    throw new DatabaseConnectionError(`${settings.description}: cannot open it (${(error as Error).message}).`, error);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function detectServer(db: Database): Promise<void> {
  if (db.vendor === 'postgresql') {
    const { rows } = await db.query('SHOW server_version');
    db.serverVersion = String(rows[0]?.[0] ?? '');
  } else if (db.vendor === 'mysql') {
    const { rows } = await db.query('SELECT VERSION()');
    db.serverVersion = String(rows[0]?.[0] ?? '');
    db.mariadb = /mariadb/i.test(db.serverVersion);
    db.dialect.mariadb = db.mariadb;
    const [major = 0, minor = 0] = db.serverVersion.split(/[.-]/).map(Number);
    // INSERT … RETURNING arrived in MariaDB 10.5; MySQL has none
    db.dialect.returning = db.mariadb && (major > 10 || (major === 10 && minor >= 5));
  }
}

/**
 * Open a database (Django's DATABASES entry) without a Manouche app:
 *
 * ```ts
 * const db = await connect({ ENGINE: 'sqlite', NAME: ':memory:' }, { models: [Article] });
 * ```
 *
 * TypeORM's DataSource opens the driver and pool; unreachable servers and
 * refused credentials fail with DatabaseConnectionError /
 * DatabaseAuthenticationError within `OPTIONS.connectTimeout` seconds.
 */
export async function connect(settings: DatabaseSettings, options: ConnectOptions = {}): Promise<Database> {
  const alias = options.alias ?? 'default';
  const resolved = resolveSettings(settings, alias);
  const models = withRelated(options.models ?? apps.all());
  if (resolved.vendor === 'sqlite' && resolved.name !== ':memory:') checkSqlitePath(resolved);
  const dataSource = new DataSource(dataSourceOptions(resolved, models));
  const initializing = dataSource.initialize();
  const limit = ((resolved.options.connectTimeout ?? 10) + 2) * 1000;
  try {
    await withTimeout(initializing, limit, () => connectionError(resolved, { code: 'ETIMEDOUT', message: 'timed out' }));
  } catch (error) {
    // a late success must not leave a pool open behind the caller's back
    initializing.then((ds) => ds.destroy(), () => undefined).catch(() => undefined);
    if (error instanceof DatabaseConnectionError) throw error;
    if (error instanceof Error && /Cannot find module|not found.*install/i.test(error.message)) {
      const driver = resolved.vendor === 'sqlite' ? 'better-sqlite3' : resolved.vendor === 'postgresql' ? 'pg' : 'mysql2';
      throw new ImproperlyConfiguredError(`The ${driver} package is needed for ${resolved.description}: npm install ${driver}`);
    }
    throw connectionError(resolved, error);
  }
  const Kind = resolved.vendor === 'sqlite' ? SqliteDatabase : resolved.vendor === 'postgresql' ? PostgresDatabase : MysqlDatabase;
  const db = new Kind(alias, resolved, dataSource);
  try {
    await detectServer(db);
  } catch (error) {
    await db.close();
    throw connectionError(resolved, error);
  }
  db.knownModels = () => [...new Set([...apps.all(), ...models])].map((m) => m._meta);
  db.debug = options.debug ?? false;
  if (options.register ?? true) registerConnection(db);
  return db;
}

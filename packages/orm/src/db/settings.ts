import { ImproperlyConfiguredError } from '../errors';
import type { Vendor } from '../fields/base';

/** One entry of DATABASES (Django's names). */
export interface DatabaseSettings {
  /** `sqlite` (better-sqlite3), `postgres` (pg) or `mysql` (mysql2, MySQL or MariaDB). Django's dotted names work too. */
  ENGINE?: string;
  /** The database name; for SQLite, a file path or `:memory:`. */
  NAME?: string;
  HOST?: string;
  PORT?: number | string;
  USER?: string;
  PASSWORD?: string;
  /** Everything in one URL: `postgres://user:pass@host:5432/name`, `mysql://…`, `sqlite:///path/to/db.sqlite3`. */
  URL?: string;
  OPTIONS?: DatabaseOptions;
  POOL?: PoolSettings;
}

export interface DatabaseOptions {
  /** Seconds to wait for a connection before failing (default 10). */
  connectTimeout?: number;
  /** PostgreSQL: seconds before a statement is cancelled. */
  statementTimeout?: number;
  /** SQLite: journal mode (default `wal` for a file database). */
  journalMode?: 'wal' | 'delete' | 'truncate' | 'persist' | 'memory' | 'off';
  /** SQLite: seconds to wait for a lock (default 5). */
  timeout?: number;
  /** TLS for PostgreSQL/MySQL (passed to the driver). */
  ssl?: boolean | Record<string, unknown>;
  /** PostgreSQL: schema to use (search_path). */
  schema?: string;
  /** Passed to the driver as is. */
  driver?: Record<string, unknown>;
}

export interface PoolSettings {
  /** Most connections open at once (default 10). */
  max?: number;
  /** Seconds an idle connection stays open (default 30). */
  idleTimeout?: number;
  /** Seconds to wait for a free connection (MySQL; default 10). */
  acquireTimeout?: number;
}

/** Django's DATABASES: `{ default: { ENGINE, NAME, … } }`. */
export type DatabasesSetting = Record<string, DatabaseSettings>;

export interface ResolvedSettings {
  vendor: Vendor;
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  options: DatabaseOptions;
  pool: Required<PoolSettings>;
  /** `PostgreSQL at 127.0.0.1:5432/news`, for error messages (never the password). */
  description: string;
}

const ENGINES: Record<string, Vendor> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  'django.db.backends.sqlite3': 'sqlite',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pg: 'postgresql',
  'django.db.backends.postgresql': 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  mysql2: 'mysql',
  'django.db.backends.mysql': 'mysql',
};

const VENDOR_NAMES: Record<Vendor, string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL', mysql: 'MySQL/MariaDB' };

function fromUrl(url: string): DatabaseSettings {
  if (/^sqlite:/i.test(url)) {
    // sqlite:///relative.db, sqlite:////absolute.db, sqlite::memory:
    const rest = url.replace(/^sqlite:(\/\/)?/i, '');
    return { ENGINE: 'sqlite', NAME: rest === ':memory:' || rest === '/:memory:' ? ':memory:' : rest.replace(/^\//, '') || ':memory:' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImproperlyConfiguredError(`DATABASES URL is not a valid URL (expected postgres://user:password@host:port/name or mysql://…).`);
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  const options: DatabaseOptions = {};
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode && sslmode !== 'disable') options.ssl = sslmode === 'require' ? { rejectUnauthorized: false } : true;
  const timeout = parsed.searchParams.get('connect_timeout');
  if (timeout) options.connectTimeout = Number(timeout);
  return {
    ENGINE: scheme,
    NAME: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    HOST: decodeURIComponent(parsed.hostname),
    PORT: parsed.port,
    USER: decodeURIComponent(parsed.username),
    PASSWORD: decodeURIComponent(parsed.password),
    OPTIONS: options,
  };
}

/** Check and normalise one DATABASES entry. */
export function resolveSettings(input: DatabaseSettings, alias = 'default'): ResolvedSettings {
  if (!input || typeof input !== 'object') throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}] must be an object like { ENGINE: 'sqlite', NAME: 'db.sqlite3' }.`);
  const settings: DatabaseSettings = input.URL ? { ...fromUrl(input.URL), ...withoutUrl(input) } : input;
  const engine = String(settings.ENGINE ?? 'sqlite').toLowerCase();
  const vendor = ENGINES[engine];
  if (!vendor) {
    throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].ENGINE ${JSON.stringify(settings.ENGINE)} is not supported. Choices are: sqlite, postgres, mysql.`);
  }
  const options = { ...settings.OPTIONS };
  const pool = {
    max: settings.POOL?.max ?? 10,
    idleTimeout: settings.POOL?.idleTimeout ?? 30,
    acquireTimeout: settings.POOL?.acquireTimeout ?? 10,
  };
  if (!(Number.isInteger(pool.max) && pool.max > 0)) throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].POOL.max must be a positive integer; got ${JSON.stringify(settings.POOL?.max)}.`);
  if (vendor === 'sqlite') {
    const name = settings.NAME ?? '';
    if (!name) throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].NAME must be a file path or ':memory:' for SQLite.`);
    return { vendor, name, host: '', port: 0, user: '', password: '', options, pool, description: `SQLite database ${name}` };
  }
  const host = settings.HOST || '127.0.0.1';
  const port = Number(settings.PORT || (vendor === 'postgresql' ? 5432 : 3306));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].PORT must be a port number; got ${JSON.stringify(settings.PORT)}.`);
  const user = settings.USER ?? (vendor === 'postgresql' ? 'postgres' : 'root');
  const name = settings.NAME ?? '';
  if (!name) throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].NAME (the database name) is required for ${VENDOR_NAMES[vendor]}.`);
  const timeout = options.connectTimeout ?? 10;
  if (!(typeof timeout === 'number' && timeout > 0)) throw new ImproperlyConfiguredError(`DATABASES[${JSON.stringify(alias)}].OPTIONS.connectTimeout must be a positive number of seconds; got ${JSON.stringify(timeout)}.`);
  options.connectTimeout = timeout;
  return {
    vendor,
    name,
    host,
    port,
    user,
    password: settings.PASSWORD ?? '',
    options,
    pool,
    description: `${VENDOR_NAMES[vendor]} at ${host}:${port}/${name} as ${user}`,
  };
}

function withoutUrl(settings: DatabaseSettings): DatabaseSettings {
  const { URL: _url, ...rest } = settings;
  return rest;
}

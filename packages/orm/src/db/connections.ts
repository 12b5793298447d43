import { ImproperlyConfiguredError } from '../errors';
import type { Database } from './database';

const connections = new Map<string, Database>();

/**
 * The open databases by alias (Django's `connections`). `connect()` and
 * `ormApp().ready()` register them; QuerySets use `default` unless told
 * otherwise with `.using()`.
 */
export function getConnection(alias = 'default'): Database {
  const db = connections.get(alias);
  if (db && !db.isClosed) return db;
  const open = [...connections.entries()].filter(([, d]) => !d.isClosed).map(([a]) => a);
  throw new ImproperlyConfiguredError(
    db
      ? `The database ${JSON.stringify(alias)} is closed.`
      : `No database ${JSON.stringify(alias)} is connected${open.length ? ` (open: ${open.join(', ')})` : ''}. Install ormApp() in INSTALLED_APPS with a DATABASES setting, or call connect({ ENGINE: 'sqlite', NAME: 'db.sqlite3' }).`,
  );
}

export function registerConnection(db: Database): void {
  connections.set(db.alias, db);
}

export function unregisterConnection(db: Database): void {
  if (connections.get(db.alias) === db) connections.delete(db.alias);
}

export function allConnections(): Database[] {
  return [...connections.values()].filter((d) => !d.isClosed);
}

/** Resolve `using`: a Database, an alias, or the default. */
export function resolveDatabase(using?: Database | string): Database {
  if (using === undefined) return getConnection('default');
  return typeof using === 'string' ? getConnection(using) : using;
}

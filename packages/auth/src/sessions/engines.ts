import { ImproperlyConfigured } from '@manouche/core';
import type { SessionStoreClass } from './base';
import { CacheSessionStore } from './cache';
import { CachedDatabaseSessionStore } from './cached-db';
import { DatabaseSessionStore } from './db';
import { SignedCookieSessionStore } from './signed-cookies';

/** SESSION_ENGINE: a built-in store by name, or a SessionBase subclass. */
export type SessionEngineSetting = 'db' | 'cache' | 'cached_db' | 'signed_cookies' | SessionStoreClass;

const ENGINES: Record<string, SessionStoreClass> = {
  db: DatabaseSessionStore,
  cache: CacheSessionStore,
  cached_db: CachedDatabaseSessionStore,
  signed_cookies: SignedCookieSessionStore,
};

/** The store class SESSION_ENGINE names. */
export function sessionStoreClass(engine: SessionEngineSetting): SessionStoreClass {
  if (typeof engine === 'function') return engine;
  if (typeof engine === 'string' && Object.hasOwn(ENGINES, engine)) return ENGINES[engine]!;
  throw new ImproperlyConfigured(`SESSION_ENGINE ${JSON.stringify(engine)} is not a session store: use one of ${Object.keys(ENGINES).map((e) => `'${e}'`).join(', ')}, or a SessionBase subclass.`);
}

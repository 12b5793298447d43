import { type Awaitable, isPromise } from '@manouche/core';
import { type Cache, caches } from '@manouche/cache';
import type { AuthSettings } from '../settings';
import { CreateError, SessionBase, type SessionData, UpdateError } from './base';

const PREFIX = 'manouche.sessions.cache';

const asData = (value: unknown): SessionData | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SessionData) : null);

/**
 * Sessions in a cache (`SESSION_ENGINE: 'cache'`): CACHES[SESSION_CACHE_ALIAS],
 * memory or Redis. Fast, but a cache may drop entries (an evicted session
 * logs its user out): use Redis with enough memory, or `cached_db`. A
 * session read from the memory backend is served without a promise.
 */
export class CacheSessionStore extends SessionBase {
  protected readonly cachePrefix: string = PREFIX;

  constructor(sessionKey: string | null = null, settings?: AuthSettings) {
    super(sessionKey, settings);
  }

  protected get store(): Cache {
    return caches.get(this.settings.SESSION_CACHE_ALIAS);
  }

  protected cacheKey(key: string): string {
    return this.cachePrefix + key;
  }

  protected loadData(): Awaitable<SessionData | null> {
    const key = this.sessionKey;
    if (!key) return null;
    const found = this.store.lookup(this.cacheKey(key));
    return isPromise(found) ? found.then(asData) : asData(found);
  }

  async exists(key: string): Promise<boolean> {
    return this.store.has(this.cacheKey(key));
  }

  async save(mustCreate = false): Promise<void> {
    const key = this.sessionKey;
    if (key === null) return this.create();
    const data = this.dataForSave(mustCreate);
    const timeout = this.getExpiryAge();
    if (mustCreate) {
      if (!(await this.store.add(this.cacheKey(key), data, timeout))) throw new CreateError();
      return;
    }
    // a session deleted meanwhile (a logout in another request) must not come back to life
    if ((await this.store.get(this.cacheKey(key))) === undefined) throw new UpdateError();
    await this.store.set(this.cacheKey(key), data, timeout);
  }

  async deleteSession(key: string | null = this.sessionKey): Promise<void> {
    if (key) await this.store.delete(this.cacheKey(key));
  }

  /** Caches expire entries themselves. */
  static async clearExpired(): Promise<number> {
    return 0;
  }
}

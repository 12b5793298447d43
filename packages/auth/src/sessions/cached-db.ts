import { type Cache, caches } from '@manouche/cache';
import type { SessionData } from './base';
import { DatabaseSessionStore } from './db';

const PREFIX = 'manouche.sessions.cached_db';

/**
 * Sessions in the database with a cache in front (`SESSION_ENGINE: 'cached_db'`):
 * reads hit the cache, writes go to both, and a session the cache dropped
 * is read back from the database.
 */
export class CachedDatabaseSessionStore extends DatabaseSessionStore {
  protected get store(): Cache {
    return caches.get(this.settings.SESSION_CACHE_ALIAS);
  }

  protected override async loadData(): Promise<SessionData | null> {
    const key = this.sessionKey;
    if (!key) return null;
    const cached = await this.store.get<SessionData>(PREFIX + key);
    if (cached !== undefined && cached !== null && typeof cached === 'object') return cached;
    const row = await this.fetchRow(key);
    if (!row) return null;
    await this.store.set(PREFIX + key, row.data, this.getExpiryAge({ expiry: row.expireDate }));
    return row.data;
  }

  override async exists(key: string): Promise<boolean> {
    return (await this.store.has(PREFIX + key)) || super.exists(key);
  }

  override async save(mustCreate = false): Promise<void> {
    await super.save(mustCreate);
    if (this.sessionKey) await this.store.set(PREFIX + this.sessionKey, this.dataForSave(mustCreate), this.getExpiryAge());
  }

  override async deleteSession(key: string | null = this.sessionKey): Promise<void> {
    await super.deleteSession(key);
    if (key) await this.store.delete(PREFIX + key);
  }
}

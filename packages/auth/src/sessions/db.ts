import { BadSignature, dumps, loads } from '@manouche/core';
import { DatabaseError, IntegrityError } from '@manouche/orm';
import { CreateError, SessionBase, type SessionData, UpdateError } from './base';
import { Session } from './model';

const SALT = 'manouche.sessions.SessionStore';

/**
 * Sessions in the database (`SESSION_ENGINE: 'db'`, Django's default), in
 * the `sessions.Session` model. The data is signed with SECRET_KEY, so a
 * row edited in the database is refused rather than trusted.
 */
export class DatabaseSessionStore extends SessionBase {
  protected encode(data: SessionData): string {
    return dumps(data, { salt: SALT, compress: true });
  }

  protected decode(text: string): SessionData | null {
    try {
      const data = loads(text, { salt: SALT });
      return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as SessionData) : null;
    } catch (error) {
      if (error instanceof BadSignature) return null;
      throw error;
    }
  }

  /** The row's data and expiry, or null when there is no live row. */
  protected async fetchRow(key: string): Promise<{ data: SessionData; expireDate: Date } | null> {
    const row = await Session.objects.filter({ sessionKey: key, expireDate__gt: new Date() }).first();
    if (!row) return null;
    const data = this.decode(row.sessionData);
    return data ? { data, expireDate: row.expireDate } : null;
  }

  protected async loadData(): Promise<SessionData | null> {
    const key = this.sessionKey;
    return key ? ((await this.fetchRow(key))?.data ?? null) : null;
  }

  async exists(key: string): Promise<boolean> {
    return Session.objects.filter({ sessionKey: key }).exists();
  }

  async save(mustCreate = false): Promise<void> {
    if (this.sessionKey === null) return this.create();
    const data = this.dataForSave(mustCreate);
    const row = new Session({ sessionKey: this.sessionKey, sessionData: this.encode(data), expireDate: this.getExpiryDate() });
    try {
      await row.save(mustCreate ? { forceInsert: true } : { forceUpdate: true });
    } catch (error) {
      if (mustCreate && error instanceof IntegrityError) throw new CreateError();
      if (!mustCreate && error instanceof DatabaseError && !(error instanceof IntegrityError)) throw new UpdateError();
      throw error;
    }
  }

  async deleteSession(key: string | null = this.sessionKey): Promise<void> {
    if (key) await Session.objects.filter({ sessionKey: key }).delete();
  }

  /** Remove expired sessions (what `manouche clearsessions` runs); returns how many. */
  static async clearExpired(): Promise<number> {
    const [count] = await Session.objects.filter({ expireDate__lt: new Date() }).delete();
    return count;
  }
}

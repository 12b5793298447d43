import { BadSignature, dumps, loads } from '@manouche/core';
import type { AuthSettings } from '../settings';
import { SessionBase, type SessionData } from './base';

const SALT = 'manouche.sessions.backends.signed_cookies';

/**
 * Sessions in the cookie itself (`SESSION_ENGINE: 'signed_cookies'`): the
 * data, signed with SECRET_KEY (readable by the client, not forgeable) and
 * refused after SESSION_COOKIE_AGE. Nothing is stored on the server, so a
 * session cannot be revoked before it expires (logging out only clears the
 * browser's copy), and the data must stay small (browsers keep 4 KB per cookie).
 */
export class SignedCookieSessionStore extends SessionBase {
  private signedKey: string | null;

  constructor(sessionKey: string | null = null, settings?: AuthSettings) {
    // the cookie value is the signed data, not a short key: keep it aside from the key check
    super(null, settings);
    this.signedKey = sessionKey;
    if (sessionKey) this.cache = undefined;
  }

  override get sessionKey(): string | null {
    return this.signedKey;
  }

  protected loadData(): SessionData | null {
    if (!this.signedKey) return null;
    try {
      const data = loads(this.signedKey, { salt: SALT, maxAge: this.settings.SESSION_COOKIE_AGE });
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as SessionData;
    } catch (error) {
      if (!(error instanceof BadSignature)) throw error;
    }
    // a bad cookie: start over, and replace it
    this.modified = true;
    this.signedKey = null;
    return null;
  }

  async exists(): Promise<boolean> {
    return false;
  }

  /** The "key" is the signed data: computed when the response sets the cookie. */
  async save(): Promise<void> {
    this.signedKey = dumps(this.dataForSave(false), { salt: SALT, compress: true });
    this.modified = true;
  }

  override async create(): Promise<void> {
    this.modified = true;
  }

  async deleteSession(): Promise<void> {
    this.signedKey = '';
    this.cache = {};
    this.modified = true;
  }

  /** A new cookie value for the same data (a new signature timestamp). */
  override async cycleKey(): Promise<void> {
    await this.save();
  }

  /** Nothing is stored on the server. */
  static async clearExpired(): Promise<number> {
    return 0;
  }
}

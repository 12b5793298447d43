import { type Awaitable, BadRequest, getSettings, ImproperlyConfigured, settingsConfigured } from '@manouche/core';
import { getRandomString } from '../hashers/random';
import { type AuthSettings, authSettings } from '../settings';

/** Characters of session keys (Django's VALID_KEY_CHARS). */
export const VALID_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const VALID_KEY = /^[a-z0-9]{8,40}$/;
const EXPIRY_KEY = '_session_expiry';

/** A new session key could not be stored because it exists (retry with another). */
export class CreateError extends Error {
  constructor(message = 'A session with this key already exists.') {
    super(message);
    this.name = 'CreateError';
  }
}

/** The session to update no longer exists (it was deleted by a concurrent request, a logout for instance). */
export class UpdateError extends Error {
  constructor(message = 'The session no longer exists.') {
    super(message);
    this.name = 'UpdateError';
  }
}

/** Django's SessionInterrupted: a 400 for a request whose session was deleted while it ran. */
export class SessionInterrupted extends BadRequest {
  constructor() {
    super("The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.", 'session_interrupted');
    this.name = 'SessionInterrupted';
  }
}

/** True for a string that can be a session key (what the stores are ever asked about). */
export function isValidSessionKey(key: unknown): key is string {
  return typeof key === 'string' && VALID_KEY.test(key);
}

export type SessionData = Record<string, unknown>;

/**
 * Django's SessionBase: a dictionary kept between requests of one browser,
 * identified by a random key in a cookie. Reading and writing are
 * synchronous once the session is loaded (the session middleware loads it
 * before the view runs); saving is the store's business.
 */
export abstract class SessionBase {
  static readonly TEST_COOKIE_NAME = 'testcookie';
  static readonly TEST_COOKIE_VALUE = 'worked';

  /** Read since loaded: the response varies on the cookie. */
  accessed = false;
  /** Changed since loaded: the middleware saves it. */
  modified = false;
  protected sessionKeyValue: string | null;
  protected cache: SessionData | undefined;
  readonly settings: AuthSettings;

  constructor(sessionKey: string | null = null, settings?: AuthSettings) {
    this.sessionKeyValue = isValidSessionKey(sessionKey) ? sessionKey : null;
    this.settings = settings ?? authSettings(settingsConfigured() ? getSettings() : {});
    // nothing to load without a key: a fresh session is usable at once
    if (this.sessionKeyValue === null) this.cache = {};
  }

  /** The key the cookie holds, or null for a session not saved yet. */
  get sessionKey(): string | null {
    return this.sessionKeyValue;
  }

  /** True once the data is at hand (always, after the middleware ran). */
  get isLoaded(): boolean {
    return this.cache !== undefined;
  }

  /** Read the session from its store (once); a missing, forged or expired one loads as a new, empty session. */
  load(): Awaitable<void> {
    if (this.cache !== undefined) return;
    const data = this.loadData();
    if (data instanceof Promise) return data.then((d) => this.loaded(d));
    this.loaded(data);
  }

  private loaded(data: SessionData | null): void {
    // load() may have raced a write: the first value wins
    if (this.cache !== undefined) return;
    if (data === null) this.sessionKeyValue = null;
    this.cache = data ?? {};
  }

  protected get data(): SessionData {
    this.accessed = true;
    if (this.cache === undefined) {
      throw new ImproperlyConfigured('The session is not loaded yet: await session.load() first (the session middleware does it before the view runs).');
    }
    return this.cache;
  }

  get<T = unknown>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
  get(key: string, defaultValue?: unknown): unknown {
    const data = this.data;
    return Object.hasOwn(data, key) ? data[key] : defaultValue;
  }

  /** Store a JSON-serialisable value. */
  set(key: string, value: unknown): void {
    if (value === undefined) throw new TypeError(`Cannot store undefined in the session under ${JSON.stringify(key)}; use delete().`);
    this.data[key] = value;
    this.modified = true;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.data, key);
  }

  /** Remove a key; true when it was there. */
  delete(key: string): boolean {
    const data = this.data;
    if (!Object.hasOwn(data, key)) return false;
    delete data[key];
    this.modified = true;
    return true;
  }

  /** Remove and return a key's value. */
  pop<T = unknown>(key: string, defaultValue?: T): T | undefined {
    const data = this.data;
    if (!Object.hasOwn(data, key)) return defaultValue;
    const value = data[key] as T;
    delete data[key];
    this.modified = true;
    return value;
  }

  setDefault<T>(key: string, value: T): T {
    const data = this.data;
    if (Object.hasOwn(data, key)) return data[key] as T;
    this.set(key, value);
    return value;
  }

  update(values: SessionData): void {
    for (const [key, value] of Object.entries(values)) this.set(key, value);
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  entries(): Array<[string, unknown]> {
    return Object.entries(this.data);
  }

  /** Remove every key, keeping the session key. */
  clear(): void {
    this.cache = {};
    this.accessed = true;
    this.modified = true;
  }

  /** True for a session that holds nothing and was never saved (no cookie will be set). */
  isEmpty(): boolean {
    return !this.sessionKey && (this.cache === undefined || Object.keys(this.cache).length === 0);
  }

  /** Ask the browser whether it accepts cookies (Django's test cookie). */
  setTestCookie(): void {
    this.set(SessionBase.TEST_COOKIE_NAME, SessionBase.TEST_COOKIE_VALUE);
  }

  testCookieWorked(): boolean {
    return this.get(SessionBase.TEST_COOKIE_NAME) === SessionBase.TEST_COOKIE_VALUE;
  }

  deleteTestCookie(): void {
    this.delete(SessionBase.TEST_COOKIE_NAME);
  }

  /**
   * When the session expires: seconds of inactivity (0: when the browser
   * closes), a Date, or null to follow SESSION_COOKIE_AGE and
   * SESSION_EXPIRE_AT_BROWSER_CLOSE.
   */
  setExpiry(value: number | Date | null): void {
    if (value === null) {
      this.delete(EXPIRY_KEY);
      return;
    }
    if (value instanceof Date) this.set(EXPIRY_KEY, value.toISOString());
    else if (Number.isFinite(value) && value >= 0) this.set(EXPIRY_KEY, Math.floor(value));
    else throw new TypeError(`setExpiry() takes seconds (0 or more), a Date or null; got ${String(value)}.`);
  }

  /** Seconds until the session expires, counted from `modification` (now). */
  getExpiryAge(options: { modification?: Date; expiry?: number | string | Date | null } = {}): number {
    const expiry = options.expiry !== undefined ? options.expiry : (this.get(EXPIRY_KEY) as number | string | undefined);
    if (!expiry) return this.settings.SESSION_COOKIE_AGE;
    if (typeof expiry === 'number') return expiry;
    const until = expiry instanceof Date ? expiry : new Date(expiry);
    return Math.floor((until.getTime() - (options.modification ?? new Date()).getTime()) / 1000);
  }

  getExpiryDate(options: { modification?: Date; expiry?: number | string | Date | null } = {}): Date {
    const expiry = options.expiry !== undefined ? options.expiry : (this.get(EXPIRY_KEY) as number | string | undefined);
    if (expiry instanceof Date) return expiry;
    if (typeof expiry === 'string') return new Date(expiry);
    return new Date((options.modification ?? new Date()).getTime() + (expiry || this.settings.SESSION_COOKIE_AGE) * 1000);
  }

  getExpireAtBrowserClose(): boolean {
    const expiry = this.get(EXPIRY_KEY);
    return expiry === undefined || expiry === null ? this.settings.SESSION_EXPIRE_AT_BROWSER_CLOSE : expiry === 0;
  }

  /** Remove the data and the session itself (logout); the next save starts a new key. */
  async flush(): Promise<void> {
    this.clear();
    await this.deleteSession();
    this.sessionKeyValue = null;
  }

  /** Keep the data under a new key, removing the old one (login does it against session fixation). */
  async cycleKey(): Promise<void> {
    const data = this.data;
    const old = this.sessionKey;
    await this.create();
    this.cache = data;
    if (old) await this.deleteSession(old);
  }

  protected newSessionKey(): string {
    return getRandomString(32, VALID_KEY_CHARS);
  }

  /** Create a new session under a fresh key (retrying on the rare collision). */
  async create(): Promise<void> {
    for (;;) {
      this.sessionKeyValue = this.newSessionKey();
      try {
        await this.save(true);
      } catch (error) {
        if (error instanceof CreateError) continue;
        throw error;
      }
      this.modified = true;
      return;
    }
  }

  /** The data to store (the loaded data; `{}` when creating a session whose data is not loaded). */
  protected dataForSave(mustCreate: boolean): SessionData {
    if (this.cache === undefined && mustCreate) return {};
    return this.data;
  }

  /** Read the data under the current key: null when missing, forged or expired. */
  protected abstract loadData(): Awaitable<SessionData | null>;

  /** Whether a session exists under `key`. */
  abstract exists(key: string): Promise<boolean>;

  /** Store the data: a new session (CreateError when the key is taken) or an existing one (UpdateError when it is gone). */
  abstract save(mustCreate?: boolean): Promise<void>;

  /** Remove the session under `key` (default: this one's). (`delete(name)` removes one value.) */
  abstract deleteSession(key?: string | null): Promise<void>;
}

/** A session store class, as SESSION_ENGINE accepts. */
export type SessionStoreClass = new (sessionKey?: string | null, settings?: AuthSettings) => SessionBase;

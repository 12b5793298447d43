import { type HttpRequest, type HttpResponse, ImproperlyConfigured, TimestampSigner, BadSignature } from '@manouche/core';
import { type AuthSettings, authSettings } from '../settings';
import { DEFAULT_TAGS } from './constants';

/** One flash message. */
export class Message {
  constructor(
    readonly level: number,
    readonly message: string,
    readonly extraTags = '',
    private readonly tagNames: Readonly<Record<number, string>> = DEFAULT_TAGS,
  ) {}

  /** The level's tag and the extra tags (`success`, `warning urgent`), for CSS classes. */
  get tags(): string {
    return [this.extraTags, this.levelTag].filter(Boolean).join(' ');
  }

  get levelTag(): string {
    return this.tagNames[this.level] ?? '';
  }

  toString(): string {
    return this.message;
  }
}

type Stored = [level: number, message: string, extraTags: string];

/**
 * Django's BaseStorage: the messages of a browser, shown once. Iterating
 * them marks them read; at the end of the request the middleware keeps
 * the unread ones and those added meanwhile.
 */
export abstract class MessageStorage implements Iterable<Message> {
  /** Set once the messages were iterated (shown). */
  used = false;
  protected readonly queued: Message[] = [];
  private loadedMessages: Message[] | undefined;
  private levelValue: number | undefined;
  readonly settings: AuthSettings;
  private tagNames: Readonly<Record<number, string>> | undefined;

  constructor(readonly request: HttpRequest) {
    this.settings = authSettings(request.settings);
  }

  /** DEFAULT_TAGS with MESSAGE_TAGS over them, built when a message is first made: most requests make none. */
  private get tags(): Readonly<Record<number, string>> {
    return (this.tagNames ??= { ...DEFAULT_TAGS, ...this.settings.MESSAGE_TAGS });
  }

  /** The minimum level recorded (MESSAGE_LEVEL unless set for this request). */
  get level(): number {
    return this.levelValue ?? this.settings.MESSAGE_LEVEL;
  }

  set level(value: number) {
    this.levelValue = value;
  }

  private get loaded(): Message[] {
    return (this.loadedMessages ??= this.read().map(([level, message, extraTags]) => new Message(level, message, extraTags, this.tags)));
  }

  add(level: number, message: string, extraTags = ''): void {
    if (!message || level < this.level) return;
    this.queued.push(new Message(level, String(message), extraTags, this.tags));
  }

  [Symbol.iterator](): Iterator<Message> {
    this.used = true;
    const all = [...this.loaded, ...this.queued];
    return all[Symbol.iterator]();
  }

  get length(): number {
    return this.loaded.length + this.queued.length;
  }

  /** Store what remains for the next request (the middleware calls it). */
  update(response: HttpResponse): void {
    if (this.loadedMessages === undefined && this.queued.length === 0) return;
    const remaining = this.used ? this.queued : [...this.loaded, ...this.queued];
    this.write(response, remaining.map((m): Stored => [m.level, m.message, m.extraTags]));
  }

  protected abstract read(): Stored[];
  protected abstract write(response: HttpResponse, messages: Stored[]): void;
}

const isStored = (value: unknown): value is Stored[] =>
  Array.isArray(value) && value.every((m) => Array.isArray(m) && typeof m[0] === 'number' && typeof m[1] === 'string' && typeof m[2] === 'string');

/** Messages in the session (`MESSAGE_STORAGE: 'session'`, the default): needs sessionMiddleware. */
export class SessionStorage extends MessageStorage {
  static readonly sessionKey = '_messages';

  private get session(): HttpRequest['session'] {
    const session = (this.request as { session?: HttpRequest['session'] }).session;
    if (!session) throw new ImproperlyConfigured("MESSAGE_STORAGE 'session' requires sessionMiddleware before messagesMiddleware.");
    return session;
  }

  protected read(): Stored[] {
    const value = this.session.get(SessionStorage.sessionKey);
    return isStored(value) ? value : [];
  }

  protected write(_response: HttpResponse, messages: Stored[]): void {
    if (messages.length) this.session.set(SessionStorage.sessionKey, messages);
    else this.session.delete(SessionStorage.sessionKey);
  }
}

/**
 * Messages in a signed cookie (`MESSAGE_STORAGE: 'cookie'`): no session
 * needed; the client can read them but not forge them. Messages past
 * 2 KB of cookie are dropped, oldest first.
 */
export class CookieStorage extends MessageStorage {
  static readonly cookieName = 'messages';
  static readonly maxCookieSize = 2048;

  private signer(): TimestampSigner {
    return new TimestampSigner({ key: this.request.settings.SECRET_KEY, fallbackKeys: this.request.settings.SECRET_KEY_FALLBACKS, salt: 'manouche.messages' });
  }

  protected read(): Stored[] {
    const raw = this.request.cookies[CookieStorage.cookieName];
    if (!raw) return [];
    try {
      const value = this.signer().unsignObject(raw);
      return isStored(value) ? value : [];
    } catch (error) {
      if (error instanceof BadSignature) return [];
      throw error;
    }
  }

  protected write(response: HttpResponse, messages: Stored[]): void {
    const name = CookieStorage.cookieName;
    const s = this.settings;
    if (messages.length === 0) {
      if (this.request.cookies[name] !== undefined) response.deleteCookie(name, { path: s.SESSION_COOKIE_PATH, domain: s.SESSION_COOKIE_DOMAIN ?? undefined, sameSite: s.SESSION_COOKIE_SAMESITE });
      return;
    }
    let kept = messages;
    let value = this.signer().signObject(kept, { compress: true });
    while (value.length > CookieStorage.maxCookieSize && kept.length > 0) {
      kept = kept.slice(1);
      value = this.signer().signObject(kept, { compress: true });
    }
    response.setCookie(name, value, {
      domain: s.SESSION_COOKIE_DOMAIN ?? undefined,
      path: s.SESSION_COOKIE_PATH,
      secure: s.SESSION_COOKIE_SECURE || undefined,
      httpOnly: s.SESSION_COOKIE_HTTPONLY,
      sameSite: s.SESSION_COOKIE_SAMESITE,
    });
  }
}

/** MESSAGE_STORAGE: `session`, `cookie`, or a MessageStorage subclass. */
export type MessageStorageSetting = 'session' | 'cookie' | (new (request: HttpRequest) => MessageStorage);

export function messageStorageClass(setting: MessageStorageSetting): new (request: HttpRequest) => MessageStorage {
  if (setting === 'session') return SessionStorage;
  if (setting === 'cookie') return CookieStorage;
  if (typeof setting === 'function') return setting;
  throw new ImproperlyConfigured(`MESSAGE_STORAGE ${JSON.stringify(setting)} is not a message storage: use 'session', 'cookie', or a MessageStorage subclass.`);
}

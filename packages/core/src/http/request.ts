import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Application } from '../app/application';
import type { Settings } from '../conf/settings';
import { BadRequest, DisallowedHost, type HttpError, UrlTooLong } from '../errors/exceptions';
import { BadSignature } from '../signing/errors';
import { TimestampSigner } from '../signing/signer';
import type { ResolverMatch } from '../urls/resolver-match';
import { parseCookies } from './cookies';
import { DEBUG_ALLOWED_HOSTS, isHostAllowed, splitDomainPort } from './hosts';
import { type MultipartResult, parseMultipart } from './multipart';
import { MultiValueDict } from './multi-value-dict';
import { QueryDict } from './query-dict';
import { ensureUnread, readBody } from './read-body';
import type { UploadedFile } from './uploaded-file';

/** Raised when the body is read raw after the form parser consumed the stream. */
export class RawPostDataException extends Error {
  constructor() {
    super('You cannot access the raw body after reading the request as a multipart form; call request.body() first if you need both.');
    this.name = 'RawPostDataException';
  }
}

/** Where a request comes from: node's IncomingMessage, or the test client. */
export interface RequestInit {
  method: string;
  /** The request target as sent: `/path?query` or absolute-form `http://host/path`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body stream (node) or the whole body (test client). */
  body?: Readable | Buffer | null;
  remoteAddress?: string;
  /** True when the socket is TLS. */
  encrypted?: boolean;
}

const EMPTY_FILES = new MultiValueDict<UploadedFile>();
const DONE: Promise<void> = Promise.resolve();

/**
 * Django's HttpRequest. Everything that costs something (query, cookies, the
 * body, the host check) is computed on first use, so a request that needs
 * none of it costs almost nothing to build.
 */
export class HttpRequest {
  readonly app: Application;
  readonly settings: Settings;
  readonly method: string;
  /** The percent-decoded path, always starting with `/`. */
  readonly path: string;
  /** The path exactly as sent (still percent-encoded). */
  readonly rawPath: string;
  readonly queryString: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  /** The matched URL pattern, set once the URL is resolved. */
  resolverMatch: ResolverMatch | null = null;
  /** Set when the request line cannot be served (bad %-encoding, NUL byte, too long). */
  readonly pathError: HttpError | null = null;
  /**
   * Skip CSRF checks for this request: what the test client sets, like
   * Django's `_dont_enforce_csrf_checks`. Never set from user input.
   */
  dontEnforceCsrfChecks = false;

  private readonly encrypted: boolean;
  private readonly source: Readable | Buffer | null;
  private readonly authorityFromUrl: string | undefined;
  private queryCache: QueryDict | undefined;
  private cookieCache: Record<string, string> | undefined;
  private bodyPromise: Promise<Buffer> | undefined;
  private formPromise: Promise<MultipartResult> | undefined;
  private hostCache: string | undefined;
  private closers: Array<() => unknown> | undefined;

  constructor(app: Application, init: RequestInit) {
    this.app = app;
    this.settings = app.settings;
    this.method = init.method.toUpperCase();
    this.headers = init.headers;
    this.source = init.body ?? null;
    this.remoteAddress = init.remoteAddress ?? '';
    this.encrypted = init.encrypted ?? false;

    let target = init.url;
    if (target.length > this.settings.MAX_URL_LENGTH) {
      this.pathError = new UrlTooLong(this.settings.MAX_URL_LENGTH);
      target = '/';
    }
    if (target.charCodeAt(0) !== 47 /* / */) {
      // absolute-form (`GET http://host/path`): its authority replaces the Host header (RFC 9112 §3.2.2)
      const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
      if (absolute) {
        this.authorityFromUrl = absolute[1];
        target = absolute[2] || '/';
      } else {
        this.pathError = new BadRequest(`Malformed request target ${JSON.stringify(target.slice(0, 100))}`, 'bad_request_target');
        target = '/';
      }
    }
    const q = target.indexOf('?');
    this.rawPath = q === -1 ? target : target.slice(0, q);
    this.queryString = q === -1 ? '' : target.slice(q + 1);
    const hash = this.rawPath.indexOf('#');
    if (hash !== -1) this.rawPath = this.rawPath.slice(0, hash);

    let path = this.rawPath;
    if (path.includes('%')) {
      try {
        path = decodeURIComponent(path);
      } catch {
        this.pathError ??= new BadRequest('The URL path has invalid percent-encoding or is not UTF-8.', 'bad_percent_encoding');
        path = '/';
      }
    }
    if (path.includes('\0')) {
      this.pathError ??= new BadRequest('The URL path contains a NUL byte.', 'nul_in_path');
      path = '/';
    }
    this.path = path;
  }

  /** The query string, parsed (`request.query.get('page')`): Django's `request.GET`. */
  get query(): QueryDict {
    return (this.queryCache ??= QueryDict.parse(this.queryString, this.settings.DATA_UPLOAD_MAX_NUMBER_FIELDS));
  }

  /** Request cookies: Django's `request.COOKIES`. */
  get cookies(): Record<string, string> {
    return (this.cookieCache ??= parseCookies(this.headers.cookie));
  }

  /**
   * Django's `get_signed_cookie`: the value of a cookie set with
   * `setSignedCookie`, or `defaultValue` when it is missing, forged or older
   * than `maxAge` seconds.
   */
  getSignedCookie(name: string, options: { salt?: string; maxAge?: number; defaultValue?: string } = {}): string | undefined {
    const raw = this.cookies[name];
    if (raw === undefined) return options.defaultValue;
    try {
      const signer = new TimestampSigner({ key: this.settings.SECRET_KEY, fallbackKeys: this.settings.SECRET_KEY_FALLBACKS, salt: name + (options.salt ?? '') });
      return signer.unsign(raw, options.maxAge);
    } catch (error) {
      if (error instanceof BadSignature) return options.defaultValue;
      throw error;
    }
  }

  /** A header by lower-case name; repeated headers are joined with ", ". */
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The media type of the body, without parameters (`application/json`). */
  get contentType(): string {
    const raw = this.headers['content-type'];
    if (!raw) return '';
    const semi = raw.indexOf(';');
    return (semi === -1 ? raw : raw.slice(0, semi)).trim().toLowerCase();
  }

  /** True over HTTPS: a TLS socket, or SECURE_PROXY_SSL_HEADER set by a trusted proxy. */
  isSecure(): boolean {
    const proxyHeader = this.settings.SECURE_PROXY_SSL_HEADER;
    if (proxyHeader) {
      const value = this.header(proxyHeader[0].toLowerCase());
      if (value !== undefined) return value.split(',')[0]!.trim() === proxyHeader[1];
    }
    return this.encrypted;
  }

  get scheme(): 'http' | 'https' {
    return this.isSecure() ? 'https' : 'http';
  }

  /**
   * The host the client asked for, checked against ALLOWED_HOSTS; throws
   * DisallowedHost (a 400) otherwise. Never build a URL from the raw header.
   */
  getHost(): string {
    if (this.hostCache !== undefined) return this.hostCache;
    const raw = this.rawHost();
    const known = this.app.allowedHostCache.get(raw);
    if (known !== undefined) return (this.hostCache = known);
    const [domain] = splitDomainPort(raw);
    const allowed = this.settings.DEBUG && this.settings.ALLOWED_HOSTS.length === 0 ? DEBUG_ALLOWED_HOSTS : this.settings.ALLOWED_HOSTS;
    if (domain && isHostAllowed(domain, allowed)) {
      this.hostCache = raw.toLowerCase();
      this.app.allowedHostCache.remember(raw, this.hostCache);
      return this.hostCache;
    }
    const shown = JSON.stringify(raw.slice(0, 255));
    throw new DisallowedHost(
      domain
        ? `Invalid HTTP_HOST header: ${shown}. You may need to add ${JSON.stringify(domain)} to ALLOWED_HOSTS.`
        : `Invalid HTTP_HOST header: ${shown}. The domain name provided is not valid according to RFC 1034/1035.`,
    );
  }

  /** The port the client connected to (X-Forwarded-Port when USE_X_FORWARDED_PORT). */
  getPort(): string {
    if (this.settings.USE_X_FORWARDED_PORT) {
      const forwarded = this.header('x-forwarded-port');
      if (forwarded) return forwarded.split(',')[0]!.trim();
    }
    const [, port] = splitDomainPort(this.rawHost());
    return port || (this.isSecure() ? '443' : '80');
  }

  private rawHost(): string {
    if (this.settings.USE_X_FORWARDED_HOST) {
      const forwarded = this.header('x-forwarded-host');
      if (forwarded) return forwarded.split(',')[0]!.trim();
    }
    return this.authorityFromUrl ?? this.header('host') ?? '';
  }

  /** An absolute URL for `location` (default: this request's URL), on the validated host. */
  buildAbsoluteUri(location?: string): string {
    const base = `${this.scheme}://${this.getHost()}`;
    if (location === undefined) return base + this.getFullPath();
    return new URL(location, base + this.path).toString();
  }

  /** Path plus query string, as sent (Django's `get_full_path()`). */
  getFullPath(): string {
    return this.queryString ? `${this.rawPath}?${this.queryString}` : this.rawPath;
  }

  /** The client's IP: the socket peer, or X-Forwarded-For when the peer is a TRUSTED_PROXY. */
  get clientIp(): string {
    return this.app.clientIp(this);
  }

  /** Whether the client accepts `mediaType` (Django's `accepts()`). */
  accepts(mediaType: string): boolean {
    const accept = this.headers.accept;
    if (!accept) return true;
    const [type] = mediaType.split('/');
    return accept.split(',').some((part) => {
      const range = part.split(';')[0]!.trim().toLowerCase();
      return range === '*/*' || range === mediaType || range === `${type}/*`;
    });
  }

  /** The raw body, read once (at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes). */
  body(): Promise<Buffer> {
    if (this.bodyPromise) return this.bodyPromise;
    if (this.formPromise && !Buffer.isBuffer(this.source)) return Promise.reject(new RawPostDataException());
    const declared = this.headers['content-length'];
    this.bodyPromise = readBody(this.source, declared === undefined ? undefined : Number(declared), this.settings.DATA_UPLOAD_MAX_MEMORY_SIZE);
    return this.bodyPromise;
  }

  async text(): Promise<string> {
    return (await this.body()).toString('utf8');
  }

  /** The body parsed as JSON; malformed JSON is a 400. */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new BadRequest(`Malformed JSON in request body: ${(error as Error).message}`, 'malformed_json');
    }
  }

  /** Form fields of a urlencoded or multipart body: Django's `request.POST`. */
  async form(): Promise<QueryDict> {
    return (await this.parseForm()).fields;
  }

  /** Uploaded files of a multipart body: Django's `request.FILES`. */
  async files(): Promise<MultiValueDict<UploadedFile>> {
    return (await this.parseForm()).files;
  }

  private parseForm(): Promise<MultipartResult> {
    if (this.formPromise) return this.formPromise;
    const type = this.contentType;
    if (type === 'multipart/form-data') {
      const limits = this.app.bodyLimits;
      // if the raw body was already read, parse that copy; otherwise stream it
      const source = this.bodyPromise ?? Promise.resolve(this.source);
      this.formPromise = source.then((body) => {
        if (body && !Buffer.isBuffer(body)) ensureUnread(body);
        return parseMultipart(body ?? Buffer.alloc(0), this.headers, limits);
      });
      this.formPromise.then(
        (result) => {
          for (const [, file] of result.files) this.onClose(() => file.cleanup());
        },
        () => undefined,
      );
    } else if (type === 'application/x-www-form-urlencoded') {
      this.formPromise = this.body().then((body) => ({
        fields: QueryDict.parse(body.toString('utf8'), this.settings.DATA_UPLOAD_MAX_NUMBER_FIELDS),
        files: EMPTY_FILES,
      }));
    } else {
      this.formPromise = Promise.resolve({ fields: new QueryDict(), files: EMPTY_FILES });
    }
    return this.formPromise;
  }

  /** Run `fn` once the response has been sent (temp-file cleanup, logging). */
  onClose(fn: () => unknown): void {
    (this.closers ??= []).push(fn);
  }

  /** Called by the framework after the response is written. */
  close(): Promise<void> {
    const closers = this.closers;
    if (!closers) return DONE;
    this.closers = undefined;
    return Promise.allSettled(closers.map((fn) => fn())).then(() => undefined);
  }
}

import type { Readable } from 'node:stream';
import { DisallowedRedirect } from '../errors/exceptions';
import { TimestampSigner } from '../signing/signer';
import { type Cookie, type CookieOptions, validateCookie } from './cookies';
import { assertSafeHeaderValue, ResponseHeaders } from './headers';
import { iriToUri } from './iri';
import { STATUS_PHRASES } from './status';

export interface ResponseInit {
  status?: number;
  contentType?: string;
  headers?: Record<string, string | number | string[]>;
}

export type StreamingContent = Readable | AsyncIterable<string | Buffer | Uint8Array> | Iterable<string | Buffer | Uint8Array>;

/**
 * Django's HttpResponse: a status, headers, cookies and a body. Build it in a
 * view or middleware; the framework writes it to the socket.
 */
export class HttpResponse {
  status: number;
  readonly headers: ResponseHeaders;
  /** The body. Strings are sent as UTF-8. */
  content: string | Buffer;
  private cookieMap: Map<string, Cookie> | undefined;
  /** False for responses whose body is produced later (template responses). */
  isRendered = true;
  /** The template a view rendered, kept for the test client. */
  templateName?: string | readonly string[];
  /** The context a view rendered with, kept for the test client. */
  context?: Record<string, unknown>;

  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    this.content = content;
    this.headers = new ResponseHeaders(init.headers);
    if (init.contentType !== undefined) this.headers.setTrusted('content-type', assertSafeHeaderValue('content-type', init.contentType));
    else if (!init.headers || !this.headers.has('content-type')) this.headers.setTrusted('content-type', 'text/html; charset=utf-8');
  }

  /** Cookies to set, by name; written as Set-Cookie headers. */
  get cookies(): Map<string, Cookie> {
    return (this.cookieMap ??= new Map());
  }

  /** Whether any cookie is set, without allocating the map. */
  get hasCookies(): boolean {
    return this.cookieMap !== undefined && this.cookieMap.size > 0;
  }

  get streaming(): boolean {
    return false;
  }

  get reasonPhrase(): string {
    return STATUS_PHRASES[this.status] ?? 'Unknown Status Code';
  }

  /** The body as text (decoded as UTF-8). */
  get text(): string {
    return typeof this.content === 'string' ? this.content : this.content.toString('utf8');
  }

  /**
   * Set a cookie. Secure defaults: HttpOnly, SameSite=Lax, and Secure when the
   * request came over HTTPS (unless `secure` is given). A value with CR/LF or
   * another control character is refused (BadHeaderError).
   */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    validateCookie(name, value, options);
    this.cookies.set(name, { name, value, ...options });
    return this;
  }

  /**
   * Django's `set_signed_cookie`: the value is signed (with a timestamp) using
   * SECRET_KEY and `salt`, so the client can read but not forge it.
   */
  setSignedCookie(name: string, value: string, options: CookieOptions & { salt?: string } = {}): this {
    const { salt = '', ...cookieOptions } = options;
    return this.setCookie(name, new TimestampSigner({ salt: name + salt }).sign(value), cookieOptions);
  }

  /** Expire a cookie in the browser; pass the path/domain it was set with. */
  deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain' | 'sameSite' | 'secure'> = {}): this {
    const secure = options.secure ?? (name.startsWith('__Secure-') || name.startsWith('__Host-') ? true : undefined);
    return this.setCookie(name, '', { ...options, secure, maxAge: 0, expires: new Date(0) });
  }

  /** Render a deferred body (template responses override this). */
  async render(): Promise<this> {
    this.isRendered = true;
    return this;
  }
}

/** JSON body with the right content type. */
export class JsonResponse extends HttpResponse {
  constructor(data: unknown, init: ResponseInit & { replacer?: (key: string, value: unknown) => unknown } = {}) {
    const body = JSON.stringify(data, init.replacer as never);
    super(body === undefined ? 'null' : body, init);
    if (init.contentType === undefined && init.headers?.['content-type'] === undefined) this.headers.setTrusted('content-type', 'application/json');
  }
}

const ALLOWED_REDIRECT_SCHEMES = new Set(['http', 'https', 'ftp', 'mailto']);
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A 302 to `url`. Refuses other schemes (`javascript:`) and CR/LF with a 400. */
export class HttpResponseRedirect extends HttpResponse {
  readonly url: string;
  constructor(url: string, init: ResponseInit = {}) {
    super('', { status: 302, ...init });
    if (CONTROL_CHARS.test(url)) {
      throw new DisallowedRedirect(`Refused to redirect to a URL with control characters: ${JSON.stringify(url)}`);
    }
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
    if (scheme && !ALLOWED_REDIRECT_SCHEMES.has(scheme)) {
      throw new DisallowedRedirect(`Unsafe redirect to a URL with scheme ${JSON.stringify(scheme)}`);
    }
    this.url = url;
    try {
      this.headers.set('location', iriToUri(url));
    } catch {
      throw new DisallowedRedirect(`Refused to redirect to a URL that is not valid Unicode: ${JSON.stringify(url)}`);
    }
  }
}

/** A 301 to `url`. */
export class HttpResponsePermanentRedirect extends HttpResponseRedirect {
  constructor(url: string, init: ResponseInit = {}) {
    super(url, { ...init, status: init.status ?? 301 });
  }
}

export class HttpResponseNotModified extends HttpResponse {
  constructor(init: ResponseInit = {}) {
    super('', { ...init, status: 304 });
    this.headers.delete('content-type');
  }
}

export class HttpResponseBadRequest extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 400 });
  }
}

export class HttpResponseForbidden extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 403 });
  }
}

export class HttpResponseNotFound extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 404 });
  }
}

/** A 405 listing the methods the view does accept in `Allow`. */
export class HttpResponseNotAllowed extends HttpResponse {
  constructor(permittedMethods: readonly string[], content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 405 });
    this.headers.set('allow', permittedMethods.join(', '));
  }
}

export class HttpResponseGone extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 410 });
  }
}

export class HttpResponseServerError extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 500 });
  }
}

/** A body produced piece by piece (a stream, an async generator, an array of chunks). */
export class StreamingHttpResponse extends HttpResponse {
  streamingContent: StreamingContent;
  constructor(streamingContent: StreamingContent, init: ResponseInit = {}) {
    super('', init);
    this.streamingContent = streamingContent;
  }
  override get streaming(): boolean {
    return true;
  }
}

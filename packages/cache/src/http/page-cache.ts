import { type Awaitable, conditionalResponse, etagFor, type HttpRequest, type HttpResponse, isPromise, type Settings } from '@manouche/core';
import type { Cache } from '../cache';
import type { CacheHandler } from '../handler';
import { cacheSettings } from '../settings';
import { getMaxAge, patchResponseHeaders, type UrlKeys, UrlKeysCache, varyHeaders } from './cache-keys';
import { pageFromText, pageToText } from './stored-page';

export interface PageCacheOptions {
  /** The CACHES alias (default: CACHE_MIDDLEWARE_ALIAS). */
  cache?: string;
  /** Key prefix, to keep sites sharing a cache apart (default: CACHE_MIDDLEWARE_KEY_PREFIX). */
  keyPrefix?: string;
  /** Seconds, overriding the response's max-age (cachePage's timeout). */
  pageTimeout?: number;
  /** Tags to file each stored page under, for `invalidateTags()`: a list, or computed from the request. */
  tags?: PageTags;
}

/** Tags of a cached page: `['news.article']`, or `(request) => [`news.article:${id}`]`. */
export type PageTags = readonly string[] | ((request: HttpRequest) => readonly string[]);

interface Resolved {
  alias: string;
  defaultTimeout: number;
  sessionCookie: string;
  urls: UrlKeysCache;
}

const NO_HEADERS: string[] = [];

/** Requests the page cache must store after the view ran (a miss), with their URL's keys. */
const pending = new WeakMap<HttpRequest, UrlKeys>();

// a response with these directives is meant for one user, or for nobody to keep
const UNCACHEABLE = /(?:^|,)\s*(?:private|no-store|no-cache)\s*(?:[=,]|$)/i;

// headers a 304 carries over from the full response (RFC 9110 §15.4.5)
const NOT_MODIFIED_HEADERS = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'age'];

/**
 * Django's page cache (UpdateCacheMiddleware/FetchFromCacheMiddleware and
 * cache_page): GET and HEAD responses stored whole, keyed by URL and by the
 * values of the request headers they vary on.
 *
 * Never stored: responses that set cookies; anything but a 200; Cache-Control
 * private, no-store or no-cache; `Vary: *`. Never served from or stored into
 * the cache: requests carrying the session cookie (SESSION_COOKIE_NAME,
 * default `sessionid`) or an Authorization header, so a page cached for an
 * anonymous visitor never reaches a logged-in user, even when a view forgot
 * `Vary: Cookie`.
 */
export class PageCache {
  private lastSettings: Settings | undefined;
  private lastResolved: Resolved | undefined;

  constructor(
    private readonly caches: CacheHandler,
    private readonly options: PageCacheOptions = {},
  ) {}

  /**
   * The cached response for `request`, or undefined: then the view must run
   * and `update()` will store its response. Synchronous on a memory hit.
   */
  fetch(request: HttpRequest): Awaitable<HttpResponse | undefined> {
    const resolved = this.resolve(request.settings);
    if (!isCacheable(request, resolved.sessionCookie)) return undefined;
    const cache = this.caches.get(resolved.alias);
    const keys = resolved.urls.get(request);
    const miss = (): undefined => {
      pending.set(request, keys);
      return undefined;
    };
    const withHeaderList = (names: unknown): Awaitable<HttpResponse | undefined> => {
      if (typeof names !== 'string') return miss();
      const headerList = names === '' ? NO_HEADERS : names.split(',');
      const found = this.lookupPage(cache, request, 'GET', headerList, keys);
      return isPromise(found) ? found.then((page) => this.orHead(cache, request, page, headerList, keys, miss)) : this.orHead(cache, request, found, headerList, keys, miss);
    };
    // stored as a string, which the memory backend hands back without decoding
    const names = cache.lookup(keys.headerListKey);
    if (!isPromise(names)) return withHeaderList(names);
    // a cache that fails (Redis with onError: 'raise') costs a miss, never the page
    return names.then(withHeaderList).catch((error: unknown) => {
      request.app.logger.warn(`The page cache could not read ${request.path}; rendering it.`, { error: error as Error });
      return miss();
    });
  }

  /** Store `response` if `fetch()` missed for this request and it may be cached; may answer a 304 instead. */
  update(request: HttpRequest, response: HttpResponse): HttpResponse {
    const keys = pending.get(request);
    if (keys === undefined) return response;
    pending.delete(request);
    if (!response.isRendered) {
      // a template response renders later, after processTemplateResponse hooks: store it then
      const render = response.render.bind(response);
      response.render = async () => {
        await render();
        this.store(request, response, keys);
        return response;
      };
      return response;
    }
    if (!this.store(request, response, keys)) return response;
    return notModified(request, response) ?? response;
  }

  /** `fetch()`, then on a miss the view and `update()`: cachePage and cacheMiddleware. */
  serve(request: HttpRequest, next: () => Awaitable<HttpResponse>): Awaitable<HttpResponse> {
    const hit = this.fetch(request);
    const respond = (found: HttpResponse | undefined): Awaitable<HttpResponse> => {
      if (found) return found;
      const response = next();
      return isPromise(response) ? response.then((r) => this.update(request, r)) : this.update(request, response);
    };
    return isPromise(hit) ? hit.then(respond) : respond(hit);
  }

  private orHead(cache: Cache, request: HttpRequest, page: HttpResponse | undefined, headerList: string[], keys: UrlKeys, miss: () => undefined): Awaitable<HttpResponse | undefined> {
    if (page) return page;
    // Django: a HEAD may be served from the GET entry, else from its own
    if (request.method !== 'HEAD') return miss();
    const head = this.lookupPage(cache, request, 'HEAD', headerList, keys);
    return isPromise(head) ? head.then((r) => r ?? miss()) : (head ?? miss());
  }

  private lookupPage(cache: Cache, request: HttpRequest, method: string, headerList: string[], keys: UrlKeys): Awaitable<HttpResponse | undefined> {
    const found = cache.lookup<string>(keys.pageKey(request, method, headerList));
    const toResponse = (text: string | undefined): HttpResponse | undefined => {
      const page = typeof text === 'string' ? pageFromText(text, Date.now()) : undefined;
      return page && (notModified(request, page) ?? page);
    };
    return isPromise(found) ? found.then(toResponse) : toResponse(found);
  }

  /** Store the page if it may be cached; true when it was. */
  private store(request: HttpRequest, response: HttpResponse, keys: UrlKeys): boolean {
    if (!mayStore(response)) return false;
    const resolved = this.resolve(request.settings);
    const timeout = this.options.pageTimeout ?? getMaxAge(response) ?? resolved.defaultTimeout;
    if (timeout <= 0) return false;
    patchResponseHeaders(response, timeout);
    if (!response.headers.has('etag')) response.headers.set('etag', etagFor(response.content));
    const page = pageToText(response, Date.now());
    if (page === undefined) return false;
    const headerList = varyHeaders(response);
    const cache = this.caches.get(resolved.alias);
    const tags = this.options.tags;
    const stored = Promise.all([
      cache.set(keys.headerListKey, headerList.join(','), timeout),
      // only the page carries the tags: without it the header list alone is a miss
      cache.set(keys.pageKey(request, request.method, headerList), page, { timeout, tags: typeof tags === 'function' ? tags(request) : tags }),
    ]);
    // the response goes out without waiting for a remote cache; a failed write only costs a later miss
    stored.catch((error: unknown) => request.app.logger.warn(`The page cache could not store ${request.path}.`, { error: error as Error }));
    return true;
  }

  private resolve(settings: Settings): Resolved {
    if (settings === this.lastSettings) return this.lastResolved!;
    const s = cacheSettings(settings);
    const sessionCookie = (settings as { SESSION_COOKIE_NAME?: unknown }).SESSION_COOKIE_NAME;
    this.lastResolved = {
      alias: this.options.cache ?? s.CACHE_MIDDLEWARE_ALIAS,
      defaultTimeout: s.CACHE_MIDDLEWARE_SECONDS,
      sessionCookie: typeof sessionCookie === 'string' ? sessionCookie : 'sessionid',
      urls: new UrlKeysCache(this.options.keyPrefix ?? s.CACHE_MIDDLEWARE_KEY_PREFIX),
    };
    this.lastSettings = settings;
    return this.lastResolved;
  }
}

function isCacheable(request: HttpRequest, sessionCookie: string): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.headers.authorization !== undefined) return false;
  return request.headers.cookie === undefined || request.cookies[sessionCookie] === undefined;
}

function mayStore(response: HttpResponse): boolean {
  if (response.status !== 200 || response.streaming || response.hasCookies) return false;
  const cacheControl = response.headers.get('cache-control');
  if (cacheControl !== undefined && UNCACHEABLE.test(cacheControl)) return false;
  return !varyHeaders(response).includes('*');
}

/** A 304 when the request's validators match the page's ETag/Last-Modified. */
function notModified(request: HttpRequest, response: HttpResponse): HttpResponse | undefined {
  if (request.headers['if-none-match'] === undefined && request.headers['if-modified-since'] === undefined) return undefined;
  const lastModified = response.headers.get('last-modified');
  const conditional = conditionalResponse(request, { etag: response.headers.get('etag'), lastModified: lastModified ? new Date(lastModified) : undefined });
  if (conditional?.status !== 304) return undefined;
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== undefined) conditional.headers.set(name, value);
  }
  return conditional;
}

import { hash } from 'node:crypto';
import { type HttpRequest, type HttpResponse, patchCacheControl } from '@manouche/core';
import { internalize } from '../internalize';

/** The max-age of Cache-Control in seconds, if the response sets one (Django's `get_max_age`). */
export function getMaxAge(response: HttpResponse): number | undefined {
  const header = response.headers.get('cache-control');
  if (!header) return undefined;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(header);
  return match ? Number(match[1]) : undefined;
}

/**
 * Django's `patch_response_headers`: Expires (unless set) and Cache-Control
 * max-age for a page cached `timeout` seconds.
 */
export function patchResponseHeaders(response: HttpResponse, timeout: number): void {
  const seconds = Math.max(0, timeout);
  if (!response.headers.has('expires')) response.headers.set('expires', new Date(Date.now() + seconds * 1000).toUTCString());
  patchCacheControl(response, { maxAge: seconds });
}

/** The header names a response varies on, lower-case, sorted, without duplicates. */
export function varyHeaders(response: HttpResponse): string[] {
  const vary = response.headers.get('vary');
  if (!vary) return [];
  return [...new Set(vary.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))].sort();
}

const digest = (text: string): string => hash('sha256', text, 'base64url');

const NO_VARY = digest('[]');

const URLS_KEPT = 10_000;

/**
 * The cache keys of one URL (Django's `_generate_cache_header_key` and
 * `_generate_cache_key`), built from a SHA-256 of the absolute URL (host
 * included: it was checked against ALLOWED_HOSTS):
 * - `headerListKey`: which request headers the page varies on;
 * - `pageKey()`: the page for a method and this request's values of those
 *   headers. With `Vary: Cookie` the cookies are part of it, so a visitor
 *   never gets a page made for other cookies.
 */
export class UrlKeys {
  readonly headerListKey: string;
  private readonly urlDigest: string;
  private readonly base: string;
  /** Keys of pages without Vary, by method: the same (internalized) strings every time, so lookups hash nothing new. */
  private readonly plain = new Map<string, string>();

  constructor(keyPrefix: string, url: string) {
    this.urlDigest = digest(url);
    this.headerListKey = internalize(`cache_header.${keyPrefix}.${this.urlDigest}`);
    this.base = `cache_page.${keyPrefix}.`;
  }

  pageKey(request: HttpRequest, method: string, headerList: readonly string[]): string {
    if (headerList.length === 0) {
      let key = this.plain.get(method);
      if (key === undefined) this.plain.set(method, (key = internalize(`${this.base}${method}.${this.urlDigest}.${NO_VARY}`)));
      return key;
    }
    const vary = digest(JSON.stringify(headerList.map((name) => request.header(name) ?? null)));
    return `${this.base}${method}.${this.urlDigest}.${vary}`;
  }
}

/** UrlKeys by absolute URL, so a popular page's keys are hashed once, not per request. */
export class UrlKeysCache {
  private readonly byUrl = new Map<string, UrlKeys>();
  constructor(private readonly keyPrefix: string) {}

  get(request: HttpRequest): UrlKeys {
    const url = request.buildAbsoluteUri();
    let keys = this.byUrl.get(url);
    if (keys === undefined) {
      if (this.byUrl.size >= URLS_KEPT) this.byUrl.clear();
      keys = new UrlKeys(this.keyPrefix, url);
      this.byUrl.set(url, keys);
    }
    return keys;
  }
}

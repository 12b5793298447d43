import { addNeverCacheHeaders, type HttpResponse, patchCacheControl, patchVaryHeaders, thenResponse, type ViewFunction } from '@manouche/core';
import { caches } from '../handler';
import { PageCache, type PageTags } from './page-cache';

/** Wrap a view so `fn` adjusts each response it returns, keeping the view's metadata and its synchronous path. */
function eachResponse<V extends ViewFunction>(view: V, fn: (response: HttpResponse) => void): V {
  const wrapped = ((request, params) =>
    thenResponse(view(request, params), (response) => {
      fn(response);
      return response;
    })) as V;
  return Object.assign(wrapped, view);
}

export interface CachePageOptions {
  /** The CACHES alias (default: CACHE_MIDDLEWARE_ALIAS, `default`). */
  cache?: string;
  /** Key prefix (default: CACHE_MIDDLEWARE_KEY_PREFIX). */
  keyPrefix?: string;
  /** Tags to file the stored pages under, so `invalidateTags()` drops them: `['news.article']` or `(request) => […]`. */
  tags?: PageTags;
}

/**
 * Django's `cache_page`: cache the view's GET/HEAD responses for `timeout`
 * seconds (which overrides the response's own max-age), keyed by URL and
 * Vary headers, with the page cache's rules (no cookies set, no private or
 * no-store, no session cookie or Authorization on the request).
 *
 * ```ts
 * path('articles/', cachePage(60 * 15, { tags: ['articles'] })(articleList), { name: 'articles' })
 * ```
 */
export function cachePage(timeout: number, options: CachePageOptions = {}) {
  const pages = new PageCache(caches, { cache: options.cache, keyPrefix: options.keyPrefix, pageTimeout: timeout, tags: options.tags });
  return <V extends ViewFunction>(view: V): V => {
    const wrapped = ((request, params) => pages.serve(request, () => view(request, params))) as V;
    return Object.assign(wrapped, view);
  };
}

/** Django's `vary_on_headers`: add these names to the response's Vary header (the page cache keys on them). */
export function varyOnHeaders(...headers: string[]) {
  return <V extends ViewFunction>(view: V): V => eachResponse(view, (response) => patchVaryHeaders(response, headers));
}

/** Django's `vary_on_cookie`: the response depends on the cookies (a logged-in user's page). */
export function varyOnCookie<V extends ViewFunction>(view: V): V {
  return eachResponse(view, (response) => patchVaryHeaders(response, ['Cookie']));
}

/** Django's `never_cache`: forbid every cache, browsers included, from keeping the response. */
export function neverCache<V extends ViewFunction>(view: V): V {
  return eachResponse(view, addNeverCacheHeaders);
}

/** Cache-Control directives, camelCased: `{ maxAge: 3600, public: true }`, `{ private: true, noStore: true }`. */
export interface CacheControlDirectives {
  maxAge?: number;
  sMaxage?: number;
  public?: boolean;
  private?: boolean;
  noCache?: boolean;
  noStore?: boolean;
  noTransform?: boolean;
  mustRevalidate?: boolean;
  proxyRevalidate?: boolean;
  mustUnderstand?: boolean;
  immutable?: boolean;
  staleWhileRevalidate?: number;
  staleIfError?: number;
}

/** Django's `cache_control`: merge these directives into the response's Cache-Control. */
export function cacheControl(directives: CacheControlDirectives) {
  const entries = Object.entries(directives).filter(([, v]) => v !== undefined) as Array<[string, number | boolean]>;
  const merged = Object.fromEntries(entries);
  return <V extends ViewFunction>(view: V): V => eachResponse(view, (response) => patchCacheControl(response, merged));
}

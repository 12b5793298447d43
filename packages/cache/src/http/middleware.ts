import { isPromise, type Middleware, thenResponse } from '@manouche/core';
import { caches } from '../handler';
import { PageCache } from './page-cache';

/**
 * Django's FetchFromCacheMiddleware: answer GET/HEAD from the page cache.
 * Put it last in MIDDLEWARE (innermost), with `updateCacheMiddleware` first
 * (outermost) so the stored page carries every header the middleware in
 * between added (Vary: Cookie from sessions…). Settings: CACHE_MIDDLEWARE_ALIAS,
 * CACHE_MIDDLEWARE_SECONDS, CACHE_MIDDLEWARE_KEY_PREFIX. A memory hit is answered
 * synchronously.
 */
export const fetchFromCacheMiddleware: Middleware = (getResponse) => {
  const pages = new PageCache(caches);
  return function fetchFromCache(request) {
    const hit = pages.fetch(request);
    if (hit === undefined) return getResponse(request);
    return isPromise(hit) ? hit.then((found) => found ?? getResponse(request)) : hit;
  };
};

/** Django's UpdateCacheMiddleware: store the responses `fetchFromCacheMiddleware` missed. Put it first in MIDDLEWARE. */
export const updateCacheMiddleware: Middleware = (getResponse) => {
  const pages = new PageCache(caches);
  return function updateCache(request) {
    return thenResponse(getResponse(request), (response) => pages.update(request, response));
  };
};

/** Django's CacheMiddleware: fetch and update in one layer, for a site where nothing in between varies the page. */
export const cacheMiddleware: Middleware = (getResponse) => {
  const pages = new PageCache(caches);
  return function cache(request) {
    return pages.serve(request, () => getResponse(request));
  };
};

import { makeTemplateFragmentKey } from '@manouche/core';
import type { Cache } from './cache';
import type { Timeout } from './config';

export interface FragmentOptions {
  /** Values the fragment depends on (a user id, a language…): one cached copy per combination. */
  varyOn?: readonly unknown[];
  /** Seconds (default: the cache's TIMEOUT). */
  timeout?: Timeout;
  /** Tags for `invalidateTags()`. */
  tags?: readonly string[];
}

/**
 * Render a fragment once and serve it from `cache` until it expires:
 * `await cacheFragment(caches.default, 'sidebar', () => renderSidebar(), { varyOn: [user.id], timeout: 300 })`.
 * Concurrent misses render it once (getOrSet's stampede protection).
 */
export function cacheFragment(cache: Cache, fragmentName: string, render: () => string | Promise<string>, options: FragmentOptions = {}): Promise<string> {
  return cache.getOrSet(makeTemplateFragmentKey(fragmentName, options.varyOn), render, { timeout: options.timeout, tags: options.tags });
}

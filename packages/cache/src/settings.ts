import type { CachesSetting } from './config';

declare module '@manouche/core' {
  interface Settings {
    /** Named caches, Django's shape: `{ default: { BACKEND: 'memory' } }`. */
    CACHES: CachesSetting;
    /** The cache the page-cache middleware uses (default `default`). */
    CACHE_MIDDLEWARE_ALIAS: string;
    /** Seconds the page-cache middleware keeps a page when the response sets no max-age (default 600). */
    CACHE_MIDDLEWARE_SECONDS: number;
    /** Prefix of page-cache keys, to keep sites sharing a cache apart (default ''). */
    CACHE_MIDDLEWARE_KEY_PREFIX: string;
  }
}

export interface CacheSettings {
  CACHES: CachesSetting;
  CACHE_MIDDLEWARE_ALIAS: string;
  CACHE_MIDDLEWARE_SECONDS: number;
  CACHE_MIDDLEWARE_KEY_PREFIX: string;
}

/** What `cacheApp()` adds below the project's settings. */
export const cacheDefaults: CacheSettings = {
  CACHES: { default: { BACKEND: 'memory' } },
  CACHE_MIDDLEWARE_ALIAS: 'default',
  CACHE_MIDDLEWARE_SECONDS: 600,
  CACHE_MIDDLEWARE_KEY_PREFIX: '',
};

/** The page-cache settings, whether or not `cacheApp()` is installed. */
export function cacheSettings(settings: object): CacheSettings {
  const s = settings as Partial<CacheSettings>;
  return {
    CACHES: s.CACHES ?? cacheDefaults.CACHES,
    CACHE_MIDDLEWARE_ALIAS: s.CACHE_MIDDLEWARE_ALIAS ?? cacheDefaults.CACHE_MIDDLEWARE_ALIAS,
    CACHE_MIDDLEWARE_SECONDS: s.CACHE_MIDDLEWARE_SECONDS ?? cacheDefaults.CACHE_MIDDLEWARE_SECONDS,
    CACHE_MIDDLEWARE_KEY_PREFIX: s.CACHE_MIDDLEWARE_KEY_PREFIX ?? cacheDefaults.CACHE_MIDDLEWARE_KEY_PREFIX,
  };
}

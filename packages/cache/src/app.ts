import { type AppConfig, type CheckMessage, defineApp, defineCheck } from '@manouche/core';
import type { CacheConfig } from './config';
import { checkConfig } from './config';
import { caches, type CacheHandler, createCache } from './handler';
import { cacheDefaults, cacheSettings } from './settings';

/** The `cache` app: CACHES defaults, checks, and its `caches` for other apps (templates' fragment cache). */
export interface CacheAppConfig extends AppConfig {
  label: 'cache';
  caches: CacheHandler;
}

/** System checks: a `default` cache exists, and every CACHES entry is valid (cache.E001, cache.E002). */
export const cachesCheck = defineCheck((app) => {
  const messages: CheckMessage[] = [];
  const { CACHES } = cacheSettings(app.settings);
  if (!Object.hasOwn(CACHES, 'default')) {
    messages.push({ level: 'ERROR', id: 'cache.E001', msg: "You must define a 'default' cache in your CACHES setting." });
  }
  for (const [alias, config] of Object.entries(CACHES)) {
    try {
      checkConfig(alias, config);
      // constructing a backend validates its OPTIONS without connecting (connections open on first use)
      void createCache(config as CacheConfig, { alias, logger: app.logger }).close();
    } catch (error) {
      messages.push({ level: 'ERROR', id: 'cache.E002', msg: (error as Error).message });
    }
  }
  return messages;
});

/**
 * Put in INSTALLED_APPS to configure caching from settings: CACHES and the
 * page-cache settings get their defaults, `manouche check` validates them,
 * Redis connects at start-up, and connections close at shutdown.
 */
export function cacheApp(): CacheAppConfig {
  return defineApp({
    label: 'cache' as const,
    defaults: cacheDefaults,
    caches,
    checks: [cachesCheck],
    async ready(app) {
      caches.logger = app.logger;
      // connect now, so the first requests do not wait for Redis (a server that is down only logs a warning)
      await Promise.all(caches.aliases().map((alias) => caches.get(alias).backend.ready?.()));
    },
    async close() {
      await caches.close();
    },
  });
}

import { consoleLogger, getSettings, type Logger, settingsConfigured } from '@manouche/core';
import { type CacheBackendClass, type Clock, systemClock } from './backend';
import { DatabaseBackend } from './backends/database';
import { DummyBackend } from './backends/dummy';
import { MemoryBackend } from './backends/memory';
import { RedisBackend } from './backends/redis';
import { TieredBackend } from './backends/tiered';
import { Cache } from './cache';
import { type CacheConfig, type CachesSetting, checkConfig, DEFAULT_CACHES } from './config';
import { InvalidCacheBackendError } from './errors';

// The Redis and database backends are plain classes here; ioredis and
// @manouche/orm are imported only when one of them is first used, so they
// stay optional dependencies.
const BACKENDS: Record<string, CacheBackendClass> = {
  memory: MemoryBackend,
  dummy: DummyBackend,
  redis: RedisBackend,
  tiered: TieredBackend,
  database: DatabaseBackend,
};

function resolveBackend(alias: string, backend: CacheConfig['BACKEND']): CacheBackendClass {
  if (backend === undefined) return MemoryBackend;
  if (typeof backend === 'function') return backend;
  if (typeof backend === 'string' && Object.hasOwn(BACKENDS, backend)) return BACKENDS[backend]!;
  throw new InvalidCacheBackendError(
    `CACHES[${JSON.stringify(alias)}].BACKEND ${JSON.stringify(backend) ?? String(backend)} is not a cache backend: use one of ${Object.keys(BACKENDS).map((b) => `'${b}'`).join(', ')}, or a CacheBackend class.`,
  );
}

/** What a CacheHandler reads CACHES from: the settings, or `{ CACHES }`. */
export interface CachesHolder {
  CACHES?: CachesSetting;
}

export interface CreateCacheOptions {
  /** The name in CACHES (default `default`), used in messages. */
  alias?: string;
  logger?: Logger;
  /** Time source, for tests (default Date.now). */
  clock?: Clock;
}

/** Build one cache from a CACHES entry: `createCache({ BACKEND: 'redis', LOCATION: 'redis://…' })`. */
export function createCache(config: CacheConfig = {}, options: CreateCacheOptions = {}): Cache {
  const alias = options.alias ?? 'default';
  checkConfig(alias, config);
  const Backend = resolveBackend(alias, config.BACKEND);
  const logger = options.logger ?? consoleLogger();
  const clock = options.clock ?? systemClock;
  const keyPrefix = config.KEY_PREFIX ?? '';
  const backend = new Backend({ alias, location: config.LOCATION, options: config.OPTIONS ?? {}, keyPrefix, clock, logger });
  return new Cache({ backend, alias, timeout: config.TIMEOUT, keyPrefix, version: config.VERSION, keyFunction: config.KEY_FUNCTION, clock, logger });
}

/**
 * Django's `caches`: the caches named in CACHES, each created on first use
 * and then shared. When the settings it reads are replaced (another
 * application is configured), the old caches are closed and new ones created.
 */
export class CacheHandler {
  /** Where caches created from now on log (the app's logger once `cacheApp()` is ready). */
  logger: Logger | undefined;
  /** Time source for caches created from now on (tests). */
  clock: Clock | undefined;
  private holder: CachesHolder | undefined;
  private readonly instances = new Map<string, Cache>();
  private readonly source: () => CachesHolder | undefined;

  /**
   * `source` gives the object holding CACHES (the settings): when it returns
   * another object, the caches made from the previous one are closed.
   */
  constructor(source: () => CachesHolder | undefined) {
    this.source = source;
  }

  /** The cache named `alias` in CACHES (Django's `caches[alias]`). */
  get(alias = 'default'): Cache {
    const holder = this.source();
    if (holder !== this.holder) this.reset(holder);
    const config = holder?.CACHES ?? DEFAULT_CACHES;
    const existing = this.instances.get(alias);
    if (existing) return existing;
    if (!Object.hasOwn(config, alias)) {
      throw new InvalidCacheBackendError(`The cache ${JSON.stringify(alias)} is not in CACHES; configured: ${Object.keys(config).map((a) => JSON.stringify(a)).join(', ') || 'none'}.`);
    }
    const cache = createCache(config[alias]!, { alias, logger: this.logger, clock: this.clock });
    this.instances.set(alias, cache);
    return cache;
  }

  /** `caches.default`, the cache most code uses. */
  get default(): Cache {
    return this.get('default');
  }

  /** The aliases configured in CACHES. */
  aliases(): string[] {
    return Object.keys(this.source()?.CACHES ?? DEFAULT_CACHES);
  }

  /** The caches created so far. */
  all(): Cache[] {
    return [...this.instances.values()];
  }

  /** Close every cache created so far; the next `get()` creates fresh ones. */
  async close(): Promise<void> {
    const open = this.all();
    this.instances.clear();
    await Promise.all(open.map((cache) => cache.close()));
  }

  private reset(holder: CachesHolder | undefined): void {
    const old = this.all();
    this.instances.clear();
    this.holder = holder;
    for (const cache of old) {
      cache.close().catch((error: unknown) => (this.logger ?? consoleLogger()).warn(`Closing cache ${JSON.stringify(cache.alias)} failed.`, { error: error as Error }));
    }
  }
}

/** A handler over a CACHES object of your own, for use without an application. */
export function createCaches(config: CachesSetting, options: Pick<CreateCacheOptions, 'logger' | 'clock'> = {}): CacheHandler {
  const holder = { CACHES: config };
  const handler = new CacheHandler(() => holder);
  handler.logger = options.logger;
  handler.clock = options.clock;
  return handler;
}

/**
 * The process-wide caches, from the configured settings' CACHES (or a single
 * memory cache when there are none): `caches.default`, `caches.get('sessions')`.
 */
export const caches = new CacheHandler(() => (settingsConfigured() ? getSettings() : undefined));

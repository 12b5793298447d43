import { describeWith } from '../../../test-support/services';
import type { Cache } from '../src/cache';
import type { CacheConfig } from '../src/config';
import { createCache } from '../src/handler';
import { RedisBackend } from '../src/redis';
import { backendContract, type ContractFixture } from './contract';
import { FakeClock, REDIS_URL, recordingLogger, sleep, uniquePrefix } from './support';

/** Caches on the shared Redis, each run under its own prefix, cleared and closed afterwards. */
function redisFixture(backend: 'redis' | 'tiered'): () => ContractFixture {
  return () => {
    const clock = new FakeClock();
    const made: Cache[] = [];
    return {
      make: (config: Partial<CacheConfig> = {}) => {
        const cache = createCache({ BACKEND: backend, LOCATION: REDIS_URL, KEY_PREFIX: uniquePrefix(backend), ...config }, { clock, logger: recordingLogger() });
        made.push(cache);
        return cache;
      },
      // Redis keeps real time: wait as long as the fake clock moves
      advance: async (ms) => {
        clock.advance(ms);
        await sleep(ms);
      },
      cleanup: async () => {
        for (const cache of made) {
          await cache.clear();
          await cache.close();
        }
      },
    };
  };
}

describeWith('redis', 'Redis', () => {
  backendContract('redis', redisFixture('redis'));

  describe('the redis backend', () => {
    let caches: Cache[] = [];
    const make = (config: Partial<CacheConfig> = {}): Cache => {
      const cache = createCache({ BACKEND: 'redis', LOCATION: REDIS_URL, ...config, KEY_PREFIX: config.KEY_PREFIX ?? uniquePrefix('redis') }, { logger: recordingLogger() });
      caches.push(cache);
      return cache;
    };
    afterEach(async () => {
      for (const cache of caches) {
        await cache.clear();
        await cache.close();
      }
      caches = [];
    });

    it('stores values as JSON text under <KEY_PREFIX>:<VERSION>:<key>, with a millisecond TTL', async () => {
      const cache = make();
      await cache.set('k', { a: 1 }, 30);
      const client = (cache.backend as RedisBackend).client!;
      expect(await client.get(`${cache.keyPrefix}:1:k`)).toBe('{"a":1}');
      const ttl = await client.pttl(`${cache.keyPrefix}:1:k`);
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    });

    it('treats a payload it did not write as a miss, with a warning', async () => {
      const logger = recordingLogger();
      const cache = createCache({ BACKEND: 'redis', LOCATION: REDIS_URL, KEY_PREFIX: uniquePrefix('foreign') }, { logger });
      caches.push(cache);
      await cache.set('k', 1);
      await (cache.backend as RedisBackend).client!.set(`${cache.keyPrefix}:1:k`, 'not json');
      expect(await cache.get('k')).toBeUndefined();
      expect(logger.lines.some(([level, line]) => level === 'warn' && /not a cache payload/.test(line))).toBe(true);
    });

    it('shares entries, tags and counters between two clients (two processes)', async () => {
      const prefix = uniquePrefix('shared');
      const a = make({ KEY_PREFIX: prefix });
      const b = make({ KEY_PREFIX: prefix });
      await a.set('page', 'html', { tags: ['article:1'] });
      expect(await b.get('page')).toBe('html');
      expect(await b.invalidateTags(['article:1'])).toBe(1);
      expect(await a.get('page')).toBeUndefined();
      await a.set('hits', 0);
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).incr('hits')));
      expect(await a.get('hits')).toBe(50);
    });

    it('runs fn once across two clients for 100 concurrent misses (a short Redis lock)', async () => {
      const prefix = uniquePrefix('stampede');
      const a = make({ KEY_PREFIX: prefix });
      const b = make({ KEY_PREFIX: prefix });
      let calls = 0;
      const fn = async (): Promise<string> => {
        calls++;
        await sleep(100);
        return 'expensive';
      };
      const values = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).getOrSet('report', fn, 60)));
      expect(calls).toBe(1);
      expect(values.every((v) => v === 'expensive')).toBe(true);
      const client = (a.backend as RedisBackend).client!;
      expect(await client.exists(`${prefix}:~lock:${prefix}:1:report`)).toBe(0);
    });

    it('lets the waiting process compute when the lock holder fails', async () => {
      const prefix = uniquePrefix('stampede-fail');
      const a = make({ KEY_PREFIX: prefix });
      const b = make({ KEY_PREFIX: prefix });
      const failing = a.getOrSet('k', async () => {
        await sleep(50);
        throw new Error('holder failed');
      });
      await sleep(10);
      const waiting = b.getOrSet('k', async () => 'from b');
      await expect(failing).rejects.toThrow('holder failed');
      expect(await waiting).toBe('from b');
    });

    it('tag sets live as long as their longest-lived entry', async () => {
      const cache = make();
      await cache.set('a', 1, { timeout: 10, tags: ['t'] });
      await cache.set('b', 2, { timeout: 100, tags: ['t'] });
      await cache.set('c', 3, { timeout: 5, tags: ['t'] });
      const client = (cache.backend as RedisBackend).client!;
      const ttl = await client.pttl(`${cache.keyPrefix}:~tag:t`);
      expect(ttl).toBeGreaterThan(99_000);
      await cache.set('d', 4, { timeout: null, tags: ['t'] });
      expect(await client.pttl(`${cache.keyPrefix}:~tag:t`)).toBe(-1);
    });

    it('refuses an ioredis keyPrefix, and a LOCATION list without cluster', () => {
      expect(() => createCache({ BACKEND: 'redis', OPTIONS: { keyPrefix: 'x' } })).toThrow(/set KEY_PREFIX instead/);
      expect(() => createCache({ BACKEND: 'redis', LOCATION: ['redis://a', 'redis://b'] })).toThrow(/OPTIONS.cluster/);
      expect(() => createCache({ BACKEND: 'redis', OPTIONS: { onError: 'ignore' } })).toThrow(/'warn' or 'raise'/);
    });

    it('uses a client it is given, and leaves it open', async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis(REDIS_URL, { enableAutoPipelining: true });
      const cache = make({ OPTIONS: { client } });
      await cache.set('k', 'v');
      expect(await cache.get('k')).toBe('v');
      await cache.clear();
      await cache.close();
      caches = caches.filter((c) => c !== cache);
      expect(await client.ping()).toBe('PONG');
      await client.quit();
    });
  });
});

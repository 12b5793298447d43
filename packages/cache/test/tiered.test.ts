import { isPromise } from '@manouche/core';
import { describeWith } from '../../../test-support/services';
import type { Cache } from '../src/cache';
import type { CacheConfig } from '../src/config';
import { createCache } from '../src/handler';
import type { TieredBackend } from '../src/redis';
import { backendContract } from './contract';
import { FakeClock, REDIS_URL, eventually, recordingLogger, sleep, uniquePrefix } from './support';

describeWith('redis', 'Tiered (memory in front of Redis)', () => {
  backendContract('tiered', () => {
    const clock = new FakeClock();
    const made: Cache[] = [];
    return {
      make: (config: Partial<CacheConfig> = {}) => {
        const cache = createCache({ BACKEND: 'tiered', LOCATION: REDIS_URL, KEY_PREFIX: uniquePrefix('tiered'), ...config }, { clock, logger: recordingLogger() });
        made.push(cache);
        return cache;
      },
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
  });

  describe('two processes sharing one Redis', () => {
    let open: Cache[] = [];
    /** Two tiered caches with the same prefix: what two app processes would have. */
    async function pair(config: Partial<CacheConfig> = {}, clock = new FakeClock()): Promise<[Cache, Cache]> {
      const prefix = uniquePrefix('tiered-pair');
      const make = (): Cache => createCache({ BACKEND: 'tiered', LOCATION: REDIS_URL, KEY_PREFIX: prefix, ...config }, { clock, logger: recordingLogger() });
      const caches: [Cache, Cache] = [make(), make()];
      open.push(...caches);
      await Promise.all(caches.map((c) => c.backend.ready!()));
      return caches;
    }
    afterEach(async () => {
      for (const cache of open) {
        await cache.clear();
        await cache.close();
      }
      open = [];
    });

    it('serves repeated reads from the memory tier, synchronously', async () => {
      const [a, b] = await pair();
      await a.set('k', { v: 1 });
      expect(isPromise(b.lookup('k'))).toBe(true);
      expect(await b.get('k')).toEqual({ v: 1 });
      // once the invalidation a's write announced has passed, b keeps its copy
      await eventually(async () => {
        await b.get('k');
        return !isPromise(b.lookup('k'));
      });
      expect(b.lookup('k')).toEqual({ v: 1 });
    });

    it('drops the other process’s memory copy when a key is set, deleted or incremented', async () => {
      const [a, b] = await pair();
      await a.set('k', 'one');
      expect(await b.get('k')).toBe('one');
      await a.set('k', 'two');
      await eventually(() => b.lookup('k') === undefined || isPromise(b.lookup('k')));
      expect(await b.get('k')).toBe('two');
      await a.delete('k');
      await eventually(() => isPromise(b.lookup('k')));
      expect(await b.get('k')).toBeUndefined();
      await a.set('n', 1);
      expect(await b.get('n')).toBe(1);
      await a.incr('n');
      await eventually(async () => (await b.get('n')) === 2);
    });

    it('invalidates tags and clear() in every process’s memory tier', async () => {
      const [a, b] = await pair();
      await a.set('home', 'home page', { tags: ['articles'] });
      await a.set('about', 'about page');
      expect(await b.get('home')).toBe('home page');
      expect(await b.get('about')).toBe('about page');
      expect(await b.invalidateTags(['articles'])).toBe(1);
      await eventually(() => isPromise(a.lookup('home')));
      expect(await a.get('home')).toBeUndefined();
      expect(a.lookup('about')).toBe('about page');
      await b.clear();
      await eventually(() => isPromise(a.lookup('about')));
      expect(await a.get('about')).toBeUndefined();
    });

    it('keeps a memory copy at most local.TIMEOUT seconds', async () => {
      const clock = new FakeClock();
      const [a] = await pair({ OPTIONS: { local: { TIMEOUT: 1 } } }, clock);
      await a.set('k', 'v', 60);
      const remote = (a.backend as TieredBackend).remote.client!;
      // change Redis behind the cache's back: the memory tier still answers…
      await remote.set(`${a.keyPrefix}:1:k`, '"changed"');
      expect(a.lookup('k')).toBe('v');
      // …until its copy expires
      clock.advance(1001);
      expect(await a.get('k')).toBe('changed');
    });

    it('runs fn once across both processes for 100 concurrent misses', async () => {
      const [a, b] = await pair();
      let calls = 0;
      const values = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).getOrSet('report', async () => {
            calls++;
            await sleep(50);
            return 'computed';
          }),
        ),
      );
      expect(calls).toBe(1);
      expect(new Set(values)).toEqual(new Set(['computed']));
    });

    it('rejects unknown local options', () => {
      expect(() => createCache({ BACKEND: 'tiered', OPTIONS: { local: { SIZE: 1 } } })).toThrow(/OPTIONS has "SIZE", unknown to the tiered \(OPTIONS.local\) backend/);
      expect(() => createCache({ BACKEND: 'tiered', OPTIONS: { local: { TIMEOUT: -1 } } })).toThrow(/local.TIMEOUT must be a number of seconds/);
    });
  });
});

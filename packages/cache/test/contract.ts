// The behaviour every backend shares: one suite, run against memory, Redis
// and tiered (the dummy backend stores nothing, so it has its own tests).
import { Cache } from '../src/cache';
import type { CacheConfig } from '../src/config';
import { CacheValueError, InvalidCacheKey, InvalidCacheTimeout, MissingKeyError } from '../src/errors';
import { eventually } from './support';

export interface ContractFixture {
  /** A fresh cache on this backend, with its own key prefix unless the config gives one. */
  make(config?: Partial<CacheConfig>): Cache;
  /** Let `ms` pass: the fake clock moves, and backends keeping real time (Redis) are waited for. */
  advance(ms: number): Promise<void>;
  /** Close what `make()` created. */
  cleanup(): Promise<void>;
}

export function backendContract(name: string, fixture: () => ContractFixture): void {
  describe(`the ${name} backend (shared contract)`, () => {
    let f: ContractFixture;
    let cache: Cache;

    beforeEach(() => {
      f = fixture();
      cache = f.make();
    });
    afterEach(() => f.cleanup());

    it('misses with undefined and returns what was set', async () => {
      expect(await cache.get('absent')).toBeUndefined();
      await cache.set('greeting', 'hello');
      expect(await cache.get('greeting')).toBe('hello');
      await cache.set('greeting', 'bye');
      expect(await cache.get('greeting')).toBe('bye');
    });

    it('round-trips JSON data, Dates, Buffers, BigInts and non-finite numbers', async () => {
      const value = {
        text: 'élan ✓',
        nul: '\u0000starts with NUL',
        n: 42,
        float: 1.5,
        nan: Number.NaN,
        inf: -Infinity,
        yes: true,
        nothing: null,
        list: [1, 'two', { three: 3 }],
        when: new Date('2024-05-06T07:08:09.010Z'),
        bytes: Buffer.from([0, 1, 2, 254, 255]),
        big: 12345678901234567890n,
      };
      await cache.set('rich', value);
      expect(await cache.get('rich')).toEqual(value);
      for (const scalar of [0, -7, 3.25, '', 'x', false, null, 10n, new Date(0), Buffer.from('hi')]) {
        await cache.set('scalar', scalar);
        expect(await cache.get('scalar')).toEqual(scalar);
      }
    });

    it('hands out copies: mutating a value read or written does not change the cache', async () => {
      const original = { list: [1, 2] };
      await cache.set('obj', original);
      original.list.push(3);
      const read = (await cache.get<{ list: number[] }>('obj'))!;
      read.list.push(4);
      expect(await cache.get('obj')).toEqual({ list: [1, 2] });
    });

    it('refuses values it could not give back faithfully', async () => {
      await expect(cache.set('u', undefined)).rejects.toBeInstanceOf(CacheValueError);
      await expect(cache.set('f', () => 1)).rejects.toBeInstanceOf(CacheValueError);
      await expect(cache.set('m', new Map([[1, 2]]))).rejects.toThrow(/Map/);
      await expect(cache.set('nested', { inner: new Set([1]) })).rejects.toThrow(/property "inner"/);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(cache.set('c', cyclic)).rejects.toBeInstanceOf(CacheValueError);
    });

    it('refuses keys that are too long or hold control characters, naming the key', async () => {
      await expect(cache.get('x'.repeat(300))).rejects.toBeInstanceOf(InvalidCacheKey);
      await expect(cache.set('bad\nkey', 1)).rejects.toThrow(/"[^"]*bad\\nkey" contains a control character/);
      await expect(cache.get(42 as unknown as string)).rejects.toThrow(/is not a string/);
      await expect(cache.set('ok', 1, Number.NaN)).rejects.toBeInstanceOf(InvalidCacheTimeout);
      await expect(cache.set('ok', 1, '60' as unknown as number)).rejects.toBeInstanceOf(InvalidCacheTimeout);
    });

    it('expires entries after their timeout; null never expires', async () => {
      await cache.set('short', 'a', 0.2);
      await cache.set('forever', 'b', null);
      await f.advance(100);
      expect(await cache.get('short')).toBe('a');
      await f.advance(150);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.has('short')).toBe(false);
      expect(await cache.get('forever')).toBe('b');
    });

    it('uses TIMEOUT when set() gets none, and a timeout of 0 stores nothing and deletes', async () => {
      const quick = f.make({ TIMEOUT: 0.2 });
      await quick.set('k', 1);
      await f.advance(250);
      expect(await quick.get('k')).toBeUndefined();
      await cache.set('k', 'old');
      await cache.set('k', 'new', 0);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.add('k', 'v', 0)).toBe(false);
      expect(await cache.get('k')).toBeUndefined();
    });

    it('add() stores only when absent (or expired)', async () => {
      expect(await cache.add('a', 1, 0.2)).toBe(true);
      expect(await cache.add('a', 2)).toBe(false);
      expect(await cache.get('a')).toBe(1);
      await f.advance(250);
      expect(await cache.add('a', 3)).toBe(true);
      expect(await cache.get('a')).toBe(3);
    });

    it('getOrSet() computes on a miss and stores, and serves hits without calling fn', async () => {
      const fn = jest.fn(async () => ({ computed: true }));
      expect(await cache.getOrSet('g', fn, 60)).toEqual({ computed: true });
      expect(await cache.getOrSet('g', fn, 60)).toEqual({ computed: true });
      expect(fn).toHaveBeenCalledTimes(1);
      expect(await cache.get('g')).toEqual({ computed: true });
      await expect(cache.getOrSet('bad', () => undefined)).rejects.toBeInstanceOf(CacheValueError);
    });

    it('getMany/setMany/deleteMany work on several keys at once', async () => {
      expect(await cache.setMany({ a: 1, b: 'two', c: [3] })).toEqual([]);
      await cache.setMany(new Map([['d', 4]]));
      const found = await cache.getMany(['a', 'b', 'c', 'd', 'missing']);
      expect([...found]).toEqual([['a', 1], ['b', 'two'], ['c', [3]], ['d', 4]]);
      await cache.deleteMany(['a', 'b']);
      expect([...(await cache.getMany(['a', 'b', 'c']))]).toEqual([['c', [3]]]);
      await cache.setMany({ c: 1 }, 0);
      expect(await cache.has('c')).toBe(false);
    });

    it('delete() and has() say whether the key was there', async () => {
      await cache.set('d', null);
      expect(await cache.has('d')).toBe(true);
      expect(await cache.delete('d')).toBe(true);
      expect(await cache.delete('d')).toBe(false);
      expect(await cache.has('d')).toBe(false);
    });

    it('incr()/decr() change integers, keep the timeout, and refuse missing keys and non-integers', async () => {
      await cache.set('n', 10, 0.3);
      expect(await cache.incr('n')).toBe(11);
      expect(await cache.incr('n', 5)).toBe(16);
      expect(await cache.decr('n', 20)).toBe(-4);
      expect(await cache.get('n')).toBe(-4);
      await f.advance(350);
      expect(await cache.get('n')).toBeUndefined();
      await expect(cache.incr('n')).rejects.toBeInstanceOf(MissingKeyError);
      await cache.set('s', 'text');
      await expect(cache.incr('s')).rejects.toBeInstanceOf(CacheValueError);
      await expect(cache.incr('s', 1.5)).rejects.toBeInstanceOf(CacheValueError);
    });

    it('incr() is atomic: 100 concurrent increments add 100', async () => {
      await cache.set('counter', 0);
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.incr('counter')));
      expect(await cache.get('counter')).toBe(100);
      expect(new Set(results).size).toBe(100);
    });

    it('touch() gives an entry a new life; false for a missing key; 0 deletes', async () => {
      await cache.set('t', 'v', 0.2);
      expect(await cache.touch('t', 0.5)).toBe(true);
      await f.advance(300);
      expect(await cache.get('t')).toBe('v');
      expect(await cache.touch('t', null)).toBe(true);
      await f.advance(300);
      expect(await cache.get('t')).toBe('v');
      expect(await cache.touch('missing', 10)).toBe(false);
      expect(await cache.touch('t', 0)).toBe(true);
      expect(await cache.get('t')).toBeUndefined();
    });

    it('keeps versions apart and moves a key between them', async () => {
      await cache.set('v', 'one');
      await cache.set('v', 'two', { version: 2 });
      expect(await cache.get('v')).toBe('one');
      expect(await cache.get('v', { version: 2 })).toBe('two');
      expect(await cache.incrVersion('v', 2)).toBe(3);
      expect(await cache.get('v')).toBeUndefined();
      expect(await cache.get('v', { version: 3 })).toBe('one');
      // VERSION sets the default version
      const v2 = new Cache({ backend: cache.backend, keyPrefix: cache.keyPrefix, version: 2 });
      expect(await v2.get('v')).toBe('two');
      await expect(cache.incrVersion('nothing')).rejects.toBeInstanceOf(MissingKeyError);
    });

    it('clear() empties this cache but not another KEY_PREFIX on the same store', async () => {
      const other = f.make();
      await cache.set('a', 1);
      await cache.set('b', 2, { tags: ['t'] });
      await other.set('a', 'other');
      await cache.clear();
      expect(await cache.get('a')).toBeUndefined();
      expect(await cache.get('b')).toBeUndefined();
      expect(await other.get('a')).toBe('other');
    });

    it('invalidateTags() deletes the entries filed under a tag, and only those', async () => {
      await cache.set('article:3', { title: 'Three' }, { tags: ['article:3', 'articles'] });
      await cache.set('home', '<h1>Home</h1>', { timeout: 60, tags: ['articles'] });
      await cache.set('about', 'About');
      expect(await cache.invalidateTags(['article:3'])).toBe(1);
      expect(await cache.get('article:3')).toBeUndefined();
      expect(await cache.get('home')).toBe('<h1>Home</h1>');
      expect(await cache.invalidateTags('articles')).toBe(1);
      expect(await cache.get('home')).toBeUndefined();
      expect(await cache.get('about')).toBe('About');
      expect(await cache.invalidateTags(['never-used'])).toBe(0);
      await cache.set('home', 'again', { tags: ['articles'] });
      expect(await cache.get('home')).toBe('again');
      await expect(cache.set('x', 1, { tags: ['bad\ntag'] })).rejects.toBeInstanceOf(CacheValueError);
    });

    it('getOrSet() does not store a value computed while one of its tags was invalidated', async () => {
      let started = false;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const pending = cache.getOrSet(
        'article:7',
        async () => {
          started = true;
          await gate;
          return 'read before the edit';
        },
        { timeout: 60, tags: ['article:7'] },
      );
      while (!started) await new Promise((resolve) => setTimeout(resolve, 1));
      await cache.invalidateTags(['article:7']);
      release();
      expect(await pending).toBe('read before the edit');
      expect(await cache.get('article:7')).toBeUndefined();
      expect(await cache.getOrSet('article:7', () => 'after the edit', { timeout: 60, tags: ['article:7'] })).toBe('after the edit');
      expect(await cache.get('article:7')).toBe('after the edit');
    });

    it('getOrSet() runs fn once for 100 concurrent misses', async () => {
      let calls = 0;
      const fn = async (): Promise<string> => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 'computed';
      };
      const values = await Promise.all(Array.from({ length: 100 }, () => cache.getOrSet('hot', fn, 60)));
      expect(calls).toBe(1);
      expect(values.every((v) => v === 'computed')).toBe(true);
    });

    it('getOrSet() gives each concurrent caller its own copy', async () => {
      const [a, b] = await Promise.all([cache.getOrSet('shared', () => ({ n: [1] }), 60), cache.getOrSet('shared', () => ({ n: [1] }), 60)]);
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
    });

    it('getOrSet() lets every waiter see the error when fn fails, and stores nothing', async () => {
      const fn = jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('boom');
      });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.getOrSet('fails', fn, 60)));
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(await cache.get('fails')).toBeUndefined();
    });

    it('with grace, serves the stale value while one caller refreshes it', async () => {
      let version = 0;
      const fn = jest.fn(async () => {
        version++;
        return `v${version}`;
      });
      expect(await cache.getOrSet('swr', fn, { timeout: 0.2, grace: 5 })).toBe('v1');
      await f.advance(250);
      // stale: get() misses, getOrSet() serves v1 and refreshes in the background, once
      expect(await cache.get('swr')).toBeUndefined();
      const stale = await Promise.all([cache.getOrSet('swr', fn, { timeout: 0.2, grace: 5 }), cache.getOrSet('swr', fn, { timeout: 0.2, grace: 5 })]);
      expect(stale).toEqual(['v1', 'v1']);
      // the refresh runs in the background: wait for its value (a busy database takes a while)
      await eventually(async () => (await cache.get('swr')) === 'v2');
      expect(fn).toHaveBeenCalledTimes(2);
      expect(await cache.getOrSet('swr', fn, { timeout: 0.2, grace: 5 })).toBe('v2');
    });
  });
}

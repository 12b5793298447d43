import { Cache } from '../src/cache';
import { createCache, createCaches } from '../src/handler';
import { DummyBackend } from '../src/backends/dummy';
import { MemoryBackend } from '../src/backends/memory';
import { CacheValueError, InvalidCacheBackendError, InvalidCacheKey, MissingKeyError } from '../src/errors';
import { MAX_KEY_LENGTH } from '../src/keys';
import { decode, encode } from '../src/serializer';
import { FakeClock } from './support';

describe('keys', () => {
  it("follow Django's <KEY_PREFIX>:<VERSION>:<key> format", () => {
    const cache = createCache({ KEY_PREFIX: 'site', VERSION: 3 });
    expect(cache.makeKey('user:1')).toBe('site:3:user:1');
    expect(cache.makeKey('user:1', 7)).toBe('site:7:user:1');
    expect(createCache().makeKey('k')).toBe(':1:k');
  });

  it('use KEY_FUNCTION when given', async () => {
    const cache = createCache({ KEY_PREFIX: 'p', KEY_FUNCTION: (key, prefix, version) => `${prefix}/${version}/${key.toUpperCase()}` });
    expect(cache.makeKey('abc')).toBe('p/1/ABC');
    await cache.set('abc', 1);
    expect(await cache.get('ABC')).toBe(1);
  });

  it('are limited to 250 characters, prefix included, without control characters', () => {
    const cache = createCache({ KEY_PREFIX: 'pre' });
    const longest = 'k'.repeat(MAX_KEY_LENGTH - ':1:'.length - 'pre'.length);
    expect(cache.makeKey(longest)).toHaveLength(MAX_KEY_LENGTH);
    expect(() => cache.makeKey(`${longest}k`)).toThrow(InvalidCacheKey);
    expect(() => cache.makeKey(`${longest}k`)).toThrow(/is 251 characters long; the maximum is 250/);
    for (const bad of ['a\u0000b', 'tab\there', 'del\u007f', 'cr\r']) expect(() => cache.makeKey(bad)).toThrow(/control character/);
    expect(cache.makeKey('spaces and ünïcödé are fine')).toBe('pre:1:spaces and ünïcödé are fine');
  });

  it('carry a stable error code', () => {
    let caught: unknown;
    try {
      createCache().makeKey('\n');
    } catch (error) {
      caught = error;
    }
    expect((caught as InvalidCacheKey).code).toBe('invalid_cache_key');
  });
});

describe('the serializer', () => {
  it('writes plain JSON when it can, and tags what JSON cannot carry', () => {
    expect(encode({ a: [1, 'x', null] })).toBe('{"a":[1,"x",null]}');
    expect(encode('hello')).toBe('"hello"');
    expect(encode(5)).toBe('5');
    expect(encode(new Date(0))).toBe('"\\u0000D0"');
    expect(encode(10n)).toBe('"\\u0000B10"');
    expect(encode(Buffer.from('hi'))).toBe('"\\u0000XaGk="');
    expect(encode('\u0000x')).toBe('"\\u0000S\\u0000x"');
  });

  it('never evaluates anything: a payload is data', () => {
    expect(decode('{"__proto__":{"polluted":true},"constructor":"x"}')).toEqual(JSON.parse('{"__proto__":{"polluted":true},"constructor":"x"}'));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(() => decode('"\\u0000Qunknown"')).toThrow(CacheValueError);
    expect(() => decode('"\\u0000B1; process.exit()"')).toThrow(SyntaxError);
  });

  it('turns class instances into plain data (their toJSON when they have one)', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    class Money {
      toJSON(): string {
        return '3.50 EUR';
      }
    }
    expect(decode(encode({ p: new Point(1, 2), m: new Money() }))).toEqual({ p: { x: 1, y: 2 }, m: '3.50 EUR' });
    expect(decode(encode([new Date(5), undefined]))).toEqual([new Date(5), null]);
    expect(decode(encode(new Uint8Array([1, 2])))).toEqual(Buffer.from([1, 2]));
    expect(() => encode(new Float64Array(2))).toThrow(/Float64Array/);
  });
});

describe('the Cache API', () => {
  it('accepts a timeout or an options object as the third argument', async () => {
    const clock = new FakeClock();
    const cache = createCache({ TIMEOUT: 10 }, { clock });
    await cache.set('a', 1, 1);
    await cache.set('b', 1, { timeout: 1 });
    await cache.set('c', 1);
    clock.advance(1001);
    expect([...(await cache.getMany(['a', 'b', 'c']))]).toEqual([['c', 1]]);
    clock.advance(9000);
    expect(await cache.has('c')).toBe(false);
  });

  it('validates its configuration with messages naming the setting', () => {
    expect(() => createCache({ TIMEOUT: '300' as unknown as number })).toThrow('CACHES["default"].TIMEOUT must be a number of seconds or null (never expire); got "300".');
    expect(() => createCache({ VERSION: 1.5 })).toThrow(/VERSION must be a whole number/);
    expect(() => createCache({ KEY_PREFIX: 3 as unknown as string })).toThrow(/KEY_PREFIX must be a string/);
    expect(() => createCache({ BACKEND: 'memcached' as 'memory' })).toThrow(`CACHES["default"].BACKEND "memcached" is not a cache backend: use one of 'memory', 'dummy', 'redis', 'tiered', 'database', or a CacheBackend class.`);
    expect(() => createCache({ TIMOUT: 3 } as never)).toThrow(/has "TIMOUT"; the valid keys are BACKEND, LOCATION/);
    expect(() => createCache({ BACKEND: 'memory', OPTIONS: [] as never })).toThrow(InvalidCacheBackendError);
    expect(() => createCache({ KEY_FUNCTION: 'f' as never })).toThrow(/KEY_FUNCTION must be a function/);
  });

  it('accepts a backend class in BACKEND, and can be built directly', async () => {
    class Recording extends MemoryBackend {
      writes = 0;
      override set(...args: Parameters<MemoryBackend['set']>): boolean {
        this.writes++;
        return super.set(...args);
      }
    }
    const cache = createCache({ BACKEND: Recording });
    await cache.set('k', 1);
    expect((cache.backend as Recording).writes).toBe(1);
    const direct = new Cache({ backend: new DummyBackend({ alias: 'x', location: undefined, options: {}, keyPrefix: '', clock: new FakeClock(), logger: console }) });
    expect(await direct.get('k')).toBeUndefined();
  });

  it('rejects a bad grace or delta', async () => {
    const cache = createCache();
    await expect(cache.getOrSet('k', () => 1, { grace: -1 })).rejects.toThrow(/grace must be a number of seconds/);
    await cache.set('n', 1);
    await expect(cache.incr('n', Number.NaN)).rejects.toThrow(/delta must be a whole number/);
  });

  it('logs a failed background refresh and keeps serving the stale value', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const cache = createCache({}, { clock, logger });
    await cache.getOrSet('k', () => 'v1', { timeout: 1, grace: 10 });
    clock.advance(1500);
    expect(await cache.getOrSet('k', () => Promise.reject(new Error('db down')), { timeout: 1, grace: 10 })).toBe('v1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(warnings).toEqual(['Cache "default": refreshing the stale value of "k" failed; the stale value stays until its grace ends.']);
    expect(await cache.getOrSet('k', () => 'v2', { timeout: 1, grace: 10 })).toBe('v1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await cache.get('k')).toBe('v2');
    clock.advance(20_000);
    expect(await cache.getOrSet('k', () => 'v3', 1)).toBe('v3');
  });
});

describe('the dummy backend', () => {
  it('stores nothing but checks what it is given', async () => {
    const cache = createCache({ BACKEND: 'dummy' });
    await cache.set('k', 1);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.add('k', 1)).toBe(true);
    expect(await cache.has('k')).toBe(false);
    expect(await cache.delete('k')).toBe(false);
    expect(await cache.touch('k')).toBe(false);
    expect([...(await cache.getMany(['k']))]).toEqual([]);
    expect(await cache.setMany({ a: 1 })).toEqual([]);
    expect(await cache.invalidateTags(['t'])).toBe(0);
    await expect(cache.incr('k')).rejects.toBeInstanceOf(MissingKeyError);
    await expect(cache.set('k', () => 1)).rejects.toBeInstanceOf(CacheValueError);
    let calls = 0;
    expect(await cache.getOrSet('k', () => ++calls)).toBe(1);
    expect(await cache.getOrSet('k', () => ++calls)).toBe(2);
    await cache.clear();
    expect(() => createCache({ BACKEND: 'dummy', OPTIONS: { x: 1 } })).toThrow(/unknown to the dummy backend/);
  });
});

describe('createCaches()', () => {
  it('creates each named cache once, on first use', async () => {
    const handler = createCaches({ default: { BACKEND: 'memory' }, sessions: { BACKEND: 'memory', TIMEOUT: null } });
    expect(handler.default).toBe(handler.get('default'));
    expect(handler.get('sessions').defaultTimeout).toBeNull();
    await handler.default.set('k', 1);
    expect(await handler.get('default').get('k')).toBe(1);
    expect(() => handler.get('nope')).toThrow('The cache "nope" is not in CACHES; configured: "default", "sessions".');
    expect(() => handler.get('__proto__')).toThrow(InvalidCacheBackendError);
    await handler.close();
    expect(handler.all()).toEqual([]);
    expect(await handler.default.get('k')).toBeUndefined();
  });
});

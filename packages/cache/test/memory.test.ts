import { Cache } from '../src/cache';
import { createCache } from '../src/handler';
import { InvalidCacheBackendError, InvalidCacheKey } from '../src/errors';
import { MemoryBackend } from '../src/backends/memory';
import { backendContract } from './contract';
import { FakeClock, uniquePrefix } from './support';

backendContract('memory', () => {
  const clock = new FakeClock();
  return {
    make: (config = {}) => createCache({ BACKEND: 'memory', KEY_PREFIX: uniquePrefix('memory'), ...config }, { clock }),
    advance: async (ms) => clock.advance(ms),
    cleanup: async () => undefined,
  };
});

describe('the memory backend', () => {
  it('evicts the least recently used entry beyond MAX_ENTRIES', async () => {
    const cache = createCache({ OPTIONS: { MAX_ENTRIES: 2 } });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a');
    await cache.set('c', 3);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
  });

  it('keeps within MAX_SIZE bytes, refusing a value larger than the whole cache', async () => {
    const cache = createCache({ OPTIONS: { MAX_SIZE: 1000 } });
    await cache.set('a', 'x'.repeat(450));
    await cache.set('b', 'y'.repeat(450));
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe('y'.repeat(450));
    await cache.set('huge', 'z'.repeat(2000));
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.setMany({ ok: 1, huge: 'z'.repeat(2000) })).toEqual(['huge']);
  });

  it('drops expired entries lazily, when they are read', async () => {
    const clock = new FakeClock();
    const cache = createCache({}, { clock });
    await cache.set('k', 'v', 1);
    const backend = cache.backend as MemoryBackend;
    clock.advance(1001);
    expect(backend.size).toBe(1);
    expect(await cache.get('k')).toBeUndefined();
    expect(backend.size).toBe(0);
  });

  it('answers lookup() synchronously', async () => {
    const cache = createCache();
    await cache.set('k', { a: 1 });
    expect(cache.lookup('k')).toEqual({ a: 1 });
    expect(cache.lookup('missing')).toBeUndefined();
  });

  it('forgets a tag when the entry filed under it is overwritten or evicted', async () => {
    const cache = createCache({ OPTIONS: { MAX_ENTRIES: 1 } });
    await cache.set('a', 1, { tags: ['t'] });
    await cache.set('a', 2);
    expect(await cache.invalidateTags(['t'])).toBe(0);
    expect(await cache.get('a')).toBe(2);
    await cache.set('b', 3, { tags: ['u'] });
    await cache.set('c', 4);
    expect(await cache.invalidateTags(['u'])).toBe(0);
  });

  it('rejects unknown or invalid OPTIONS, naming the cache and the choices', () => {
    expect(() => createCache({ OPTIONS: { MAX_ENTRIES: 0 } }, { alias: 'pages' })).toThrow('CACHES["pages"].OPTIONS.MAX_ENTRIES must be a whole number greater than 0; got 0.');
    expect(() => createCache({ OPTIONS: { max_entries: 5 } })).toThrow(InvalidCacheBackendError);
    expect(() => createCache({ OPTIONS: { max_entries: 5 } })).toThrow(/accepts MAX_ENTRIES, MAX_SIZE/);
  });
});

describe('the memory backend owned by its cache', () => {
  it('reads the owner’s keys directly and keeps other namespaces on the same backend apart', async () => {
    const owner = createCache({ KEY_PREFIX: 'site' });
    const backend = owner.backend as MemoryBackend;
    // another Cache on the backend (version 2, or another prefix) goes through made keys
    const v2 = new Cache({ backend, keyPrefix: 'site', version: 2 });
    const other = new Cache({ backend, keyPrefix: 'other' });
    await owner.set('k', 'v1');
    await v2.set('k', 'v2');
    await other.set('k', 'other');
    expect([await owner.get('k'), await v2.get('k'), await other.get('k'), await owner.get('k', { version: 2 }), await v2.get('k', { version: 1 })]).toEqual(['v1', 'v2', 'other', 'v2', 'v1']);
    expect(owner.lookup('k')).toBe('v1');
    expect(backend.get('site:1:k')).toBe('v1');
    expect(backend.get('other:1:k')).toBe('other');
    // a key that is not valid still raises on a read, and cannot reach another namespace's entries
    await expect(owner.get('\u0000other:1:k')).rejects.toBeInstanceOf(InvalidCacheKey);
    await expect(owner.get('x'.repeat(300))).rejects.toBeInstanceOf(InvalidCacheKey);
    expect(await other.delete('k')).toBe(true);
    expect([await owner.get('k'), await other.get('k')]).toEqual(['v1', undefined]);
    expect(await owner.invalidateTags('none')).toBe(0);
  });

  it('is owned only while empty, and by one namespace', async () => {
    const backend = createCache({ KEY_PREFIX: 'a' }).backend as MemoryBackend;
    expect(backend.own('a:1:')).toBe(true);
    expect(backend.own('b:1:')).toBe(false);
    const unowned = new MemoryBackend({ alias: 'x', location: undefined, options: {}, keyPrefix: '', clock: { now: () => 0 }, logger: console });
    unowned.set('made:1:k', 1, null);
    expect(unowned.own('made:1:')).toBe(false);
    expect(unowned.get('made:1:k')).toBe(1);
  });
});

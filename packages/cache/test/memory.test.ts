import { createCache } from '../src/handler';
import { InvalidCacheBackendError } from '../src/errors';
import type { MemoryBackend } from '../src/backends/memory';
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

import { createCache } from '../src/handler';
import { InvalidCacheBackendError } from '../src/errors';

// a project that configured Redis but did not install the optional ioredis
jest.mock('ioredis', () => {
  throw new Error("Cannot find module 'ioredis'");
});

describe('a Redis backend without ioredis installed', () => {
  it('says what to install, on first use', async () => {
    const cache = createCache({ BACKEND: 'redis', LOCATION: 'redis://127.0.0.1:6379' });
    await expect(cache.get('k')).rejects.toBeInstanceOf(InvalidCacheBackendError);
    await expect(cache.get('k')).rejects.toThrow(/uses a Redis backend, which needs the ioredis package: npm install ioredis/);
    await cache.close();
  });

  it('leaves memory caches alone', async () => {
    const cache = createCache();
    await cache.set('k', 1);
    expect(await cache.get('k')).toBe(1);
  });
});

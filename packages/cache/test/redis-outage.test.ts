import { Client, createApp, HttpResponse, path } from '@manouche/core';
import { describeWith } from '../../../test-support/services';
import type { Cache } from '../src/cache';
import { CacheUnavailableError, MissingKeyError } from '../src/errors';
import { cacheApp } from '../src/app';
import { caches, createCache } from '../src/handler';
import { cachePage } from '../src/http/decorators';
import type { TieredBackend } from '../src/redis';
import { eventually, PrivateRedis, recordingLogger, redisServerInstalled, TEST_SECRET, uniquePrefix } from './support';

const warnings = (logger: ReturnType<typeof recordingLogger>): string[] => logger.lines.filter(([level]) => level === 'warn').map(([, line]) => line);

/** Every call must settle quickly while Redis is down: misses, not hangs. */
async function quickly<T>(operation: Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await operation;
  expect(Date.now() - started).toBeLessThan(1000);
  return result;
}

// A private redis-server on a random port, stopped and restarted by the tests
// (the shared server on 6379 is never touched): it needs the redis-server binary.
const installed = redisServerInstalled();
if (!installed) {
  if (process.env.CI === 'true' || process.env.CI === '1') {
    it('needs the redis-server binary', () => {
      throw new Error('redis-server is not on the PATH: the Redis outage tests start their own (apt-get install redis-server).');
    });
  } else {
    console.warn('Skipped "Redis going away mid-test": no redis-server binary on the PATH.');
  }
}
(installed ? describeWith : () => undefined)('redis', 'Redis going away mid-test', () => {
  let server: PrivateRedis;
  const open: Cache[] = [];
  beforeEach(async () => {
    server = await PrivateRedis.start();
  });
  afterEach(async () => {
    for (const cache of open.splice(0)) await cache.close();
    await server.stop();
  });

  it('degrades to misses with one warning, never hangs, and recovers by itself', async () => {
    const logger = recordingLogger();
    const cache = createCache({ BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('outage') }, { logger });
    open.push(cache);
    await cache.set('k', 'before');
    expect(await cache.get('k')).toBe('before');

    await server.stop();
    expect(await quickly(cache.get('k'))).toBeUndefined();
    await quickly(cache.set('k', 'during'));
    expect(await quickly(cache.add('new', 1))).toBe(false);
    expect(await quickly(cache.has('k'))).toBe(false);
    expect(await quickly(cache.delete('k'))).toBe(false);
    expect([...(await quickly(cache.getMany(['k', 'j'])))]).toEqual([]);
    expect(await quickly(cache.setMany({ a: 1, b: 2 }))).toEqual(['a', 'b']);
    expect(await quickly(cache.getOrSet('computed', () => 'still answers'))).toBe('still answers');
    await expect(quickly(cache.incr('counter'))).rejects.toBeInstanceOf(MissingKeyError);
    expect(await quickly(cache.invalidateTags(['t']))).toBe(0);
    await quickly(cache.clear());
    expect(warnings(logger)).toHaveLength(1);
    expect(warnings(logger)[0]).toMatch(/Cache "default": Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable .*reads miss and writes are dropped/);

    await server.start();
    await eventually(async () => {
      await cache.set('k', 'after');
      return (await cache.get('k')) === 'after';
    });
    expect(logger.lines.some(([level, line]) => level === 'info' && /reachable again/.test(line))).toBe(true);

    // a second outage is reported again, once
    await server.stop();
    expect(await quickly(cache.get('k'))).toBeUndefined();
    expect(await quickly(cache.get('k'))).toBeUndefined();
    expect(warnings(logger)).toHaveLength(2);
  }, 30_000);

  it('gives up on a server that stops answering (frozen, connection open) within a second', async () => {
    const logger = recordingLogger();
    const cache = createCache({ BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('frozen') }, { logger });
    open.push(cache);
    await cache.set('k', 'v');
    server.pause();
    expect(await quickly(cache.get('k'))).toBeUndefined();
    expect(await quickly(cache.getOrSet('other', () => 'computed'))).toBe('computed');
    expect(warnings(logger)).toHaveLength(1);
    server.resume();
    await eventually(async () => (await cache.get('k')) === 'v');
  }, 30_000);

  it("raises CacheUnavailableError instead when OPTIONS.onError is 'raise'", async () => {
    const cache = createCache({ BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('raise'), OPTIONS: { onError: 'raise' } }, { logger: recordingLogger() });
    open.push(cache);
    await cache.set('k', 1);
    await server.stop();
    await expect(quickly(cache.get('k'))).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.set('k', 2)).rejects.toThrow(/Cache "default": Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });

  it('answers misses at once when Redis is down from the start', async () => {
    await server.stop();
    const logger = recordingLogger();
    const cache = createCache({ BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('down') }, { logger });
    open.push(cache);
    expect(await quickly(cache.get('k'))).toBeUndefined();
    expect(await quickly(cache.get('k'))).toBeUndefined();
    expect(warnings(logger)).toHaveLength(1);
    await server.start();
    await eventually(async () => {
      await cache.set('k', 'up');
      return (await cache.get('k')) === 'up';
    });
  }, 30_000);

  it('keeps serving pages (never a 500) while the page cache is unreachable', async () => {
    let renders = 0;
    const view = cachePage(60)(() => new HttpResponse(`render ${++renders}`));
    const app = createApp({
      settings: {
        SECRET_KEY: TEST_SECRET,
        ALLOWED_HOSTS: ['testserver'],
        INSTALLED_APPS: [cacheApp()],
        CACHES: { default: { BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('pages') } },
      },
      urls: [path('', view)],
      logger: recordingLogger(),
      env: {},
    });
    const client = new Client(app);
    expect((await client.get('/')).text).toBe('render 1');
    expect((await client.get('/')).text).toBe('render 1');
    await server.stop();
    const during = await client.get('/');
    expect(during.status).toBe(200);
    expect(during.text).toBe('render 2');
    await server.start();
    await eventually(async () => (await client.get('/')).text === (await client.get('/')).text);
    await app.close();
    expect(caches.all()).toEqual([]);
  }, 30_000);

  it("keeps serving pages even when the cache is set to raise (onError: 'raise')", async () => {
    await server.stop();
    const logger = recordingLogger();
    const app = createApp({
      settings: {
        SECRET_KEY: TEST_SECRET,
        ALLOWED_HOSTS: ['testserver'],
        CACHES: { default: { BACKEND: 'redis', LOCATION: server.url, KEY_PREFIX: uniquePrefix('raise-pages'), OPTIONS: { onError: 'raise' } } },
      },
      urls: [path('', cachePage(60)(() => new HttpResponse('rendered')))],
      logger,
      env: {},
    });
    const response = await new Client(app).get('/');
    expect([response.status, response.text]).toEqual([200, 'rendered']);
    expect(logger.lines.some(([level, line]) => level === 'warn' && /The page cache could not read \/; rendering it/.test(line))).toBe(true);
    await caches.close();
  });

  it('tiered: drops its memory tier while it cannot hear invalidations, then resumes', async () => {
    const logger = recordingLogger();
    const cache = createCache({ BACKEND: 'tiered', LOCATION: server.url, KEY_PREFIX: uniquePrefix('tiered-outage') }, { logger });
    open.push(cache);
    const backend = cache.backend as TieredBackend;
    await backend.ready();
    await cache.set('k', 'v');
    expect(cache.lookup('k')).toBe('v');
    await server.stop();
    await eventually(() => !backend.subscribed);
    expect(cache.lookup('k')).not.toBe('v');
    expect(await quickly(cache.get('k'))).toBeUndefined();
    await quickly(cache.set('k', 'during'));
    expect(await cache.get('k')).toBeUndefined();
    await server.start();
    await eventually(() => backend.subscribed);
    await eventually(async () => {
      await cache.set('k', 'after');
      return cache.lookup('k') === 'after';
    });
  }, 30_000);
});

import { Client, createApp, HttpResponse, path, runChecks, type UserSettings } from '@manouche/core';
import { type CacheAppConfig, cacheApp } from '../src/app';
import { DummyBackend } from '../src/backends/dummy';
import { caches } from '../src/handler';
import { cacheFragment, makeTemplateFragmentKey } from '../src/index';
import { TEST_SECRET } from './support';

const makeApp = (settings: UserSettings = {}, env: Record<string, string> = {}) =>
  createApp({ settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['testserver'], INSTALLED_APPS: [cacheApp()], ...settings }, urls: [path('', () => new HttpResponse('ok'))], env });

afterEach(() => caches.close());

describe('cacheApp()', () => {
  it("gives the 'cache' app a `caches` whose default has the get/set(key, value, ttl) shape templates rely on", async () => {
    const app = makeApp();
    await app.ready();
    const cacheConfig = app.getAppConfig<CacheAppConfig>('cache')!;
    expect(cacheConfig.label).toBe('cache');
    expect(cacheConfig.caches).toBe(caches);
    const fragments: { get(key: string): Promise<unknown>; set(key: string, value: unknown, ttl: number): Promise<void> } = cacheConfig.caches.default;
    await fragments.set('fragment', '<p>hi</p>', 60);
    expect(await fragments.get('fragment')).toBe('<p>hi</p>');
    expect(await fragments.get('other')).toBeUndefined();
    expect(app.settings.CACHES).toEqual({ default: { BACKEND: 'memory' } });
    expect(app.settings.CACHE_MIDDLEWARE_SECONDS).toBe(600);
  });

  it('reads CACHES from the settings, or from MANOUCHE_CACHES', async () => {
    makeApp({ CACHES: { default: { BACKEND: 'memory', TIMEOUT: 5 }, sessions: { BACKEND: 'dummy' } } });
    expect(caches.default.defaultTimeout).toBe(5);
    expect(caches.get('sessions').backend).toBeInstanceOf(DummyBackend);
    makeApp({}, { MANOUCHE_CACHES: '{"default":{"BACKEND":"dummy","KEY_PREFIX":"env"}}' });
    expect(caches.default.backend).toBeInstanceOf(DummyBackend);
    expect(caches.default.keyPrefix).toBe('env');
  });

  it('closes the caches of settings that were replaced, and at shutdown', async () => {
    makeApp();
    const first = caches.default;
    await first.set('k', 1);
    const app = makeApp();
    expect(caches.default).not.toBe(first);
    expect(await first.get('k')).toBeUndefined();
    await caches.default.set('k', 2);
    await app.close();
    expect(caches.all()).toEqual([]);
  });

  it('reports CACHES problems as system checks', async () => {
    const messages = await runChecks(makeApp({ CACHES: { pages: { BACKEND: 'memcached' as 'memory' }, other: { OPTIONS: { MAX_ENTRIES: -1 } } } }), { deploy: false });
    const ours = messages.filter((m) => m.id.startsWith('cache.'));
    expect(ours.map((m) => m.id)).toEqual(['cache.E001', 'cache.E002', 'cache.E002']);
    expect(ours[1]!.msg).toMatch(/CACHES\["pages"\].BACKEND "memcached" is not a cache backend/);
    expect(ours[2]!.msg).toMatch(/CACHES\["other"\].OPTIONS.MAX_ENTRIES must be a whole number/);
    expect((await runChecks(makeApp(), { deploy: false })).filter((m) => m.id.startsWith('cache.'))).toEqual([]);
  });

  it('works with the test client end to end', async () => {
    const response = await new Client(makeApp()).get('/');
    expect(response.text).toBe('ok');
  });
});

describe('fragments', () => {
  it("makes Django's template fragment keys", () => {
    expect(makeTemplateFragmentKey('a.fragment')).toBe('template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e');
    expect(makeTemplateFragmentKey('fragment', ['abc', 'def'])).toBe('template.cache.fragment.17c1a507a0cb58384f4c639067a93520');
    // as the templates package's cache(): null and undefined count as ''
    expect(makeTemplateFragmentKey('f', [42, null])).toBe('template.cache.f.23cc96b78113b236ad27327560f239be');
    // objects by content, not all as "[object Object]"
    expect(makeTemplateFragmentKey('f', [{ id: 1 }])).not.toBe(makeTemplateFragmentKey('f', [{ id: 2 }]));
  });

  it('caches a rendered fragment per vary-on values, rendering it once', async () => {
    let renders = 0;
    const render = (user: number) => () => `<nav>user ${user} #${++renders}</nav>`;
    const cache = caches.default;
    expect(await cacheFragment(cache, 'nav', render(1), { varyOn: [1], timeout: 60 })).toBe('<nav>user 1 #1</nav>');
    expect(await cacheFragment(cache, 'nav', render(1), { varyOn: [1], timeout: 60 })).toBe('<nav>user 1 #1</nav>');
    expect(await cacheFragment(cache, 'nav', render(2), { varyOn: [2], timeout: 60 })).toBe('<nav>user 2 #2</nav>');
    await cache.delete(makeTemplateFragmentKey('nav', [1]));
    expect(await cacheFragment(cache, 'nav', render(1), { varyOn: [1], tags: ['nav'] })).toBe('<nav>user 1 #3</nav>');
    await cache.invalidateTags('nav');
    expect(await cacheFragment(cache, 'nav', render(1), { varyOn: [1] })).toBe('<nav>user 1 #4</nav>');
  });
});

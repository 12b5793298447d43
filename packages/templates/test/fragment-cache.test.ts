import { createApp, defineApp, type Logger } from '@manouche/core';
import { Engine, engines, makeTemplateFragmentKey, templatesApp, type FragmentCache } from '../src/index';
import { cacheApp, caches } from '@manouche/cache';
import { templateDir } from './helpers';

/** The duck-typed shape @manouche/cache provides. */
function memoryCache(): FragmentCache & { store: Map<string, unknown>; sets: Array<[string, unknown, unknown]> } {
  const store = new Map<string, unknown>();
  const sets: Array<[string, unknown, unknown]> = [];
  return {
    store,
    sets,
    async get(key) {
      return store.get(key);
    },
    async set(key, value, ttl) {
      sets.push([key, value, ttl]);
      store.set(key, value);
    },
  };
}

const dir = templateDir({
  'page.eta': '[<%~ cache("sidebar", 300, () => { %><%= tick() %>:<%~ include("part") %><% }) %>]',
  'vary.eta': '<%~ cache("user", null, () => { %><%= tick() %><% }, [it.user, "en"]) %>',
  'part.eta': 'part <%= it.name %>',
});

function counter() {
  let n = 0;
  return { tick: () => ++n };
}

describe('cache() fragment caching', () => {
  it("uses Django's fragment key", () => {
    expect(makeTemplateFragmentKey('sidebar', [])).toBe('template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e');
    expect(makeTemplateFragmentKey('user', ['ann', 'en'])).toBe(`template.cache.user.${require('node:crypto').createHash('md5').update('ann:en:').digest('hex')}`);
  });

  it("stores a fragment in the engine's fragmentCache and serves it next time", async () => {
    const cache = memoryCache();
    const engine = new Engine({ dirs: [dir], fragmentCache: cache, globals: counter() });
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(await engine.renderAsync('page.eta', { name: 'b' })).toBe('[1:part a]');
    expect(cache.sets).toEqual([['template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e', '1:part a', 300]]);
  });

  it('varies the key on the given values', async () => {
    const cache = memoryCache();
    const engine = new Engine({ dirs: [dir], fragmentCache: cache, globals: counter() });
    expect(await engine.renderAsync('vary.eta', { user: 'ann' })).toBe('1');
    expect(await engine.renderAsync('vary.eta', { user: 'bob' })).toBe('2');
    expect(await engine.renderAsync('vary.eta', { user: 'ann' })).toBe('1');
    expect(cache.sets.map(([, , ttl]) => ttl)).toEqual([null, null]);
  });

  it("falls back to the cache app's default cache", async () => {
    const cache = memoryCache();
    const app = createApp({
      settings: { SECRET_KEY: 'fragment-cache-tests-secret-key-0123456789-abcdefghijklmnop', INSTALLED_APPS: [templatesApp(), defineApp({ label: 'cache', caches: { default: cache } })], TEMPLATES: [{ DIRS: [dir], OPTIONS: { globals: counter() } }] },
      urls: [],
      global: false,
    });
    await app.ready();
    const engine = engines(app).engine();
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(cache.store.size).toBe(1);
  });

  it('stores fragments in the real @manouche/cache when its app is installed', async () => {
    const app = createApp({
      settings: {
        SECRET_KEY: 'fragment-cache-tests-secret-key-0123456789-abcdefghijklmnop',
        INSTALLED_APPS: [templatesApp(), cacheApp()],
        CACHES: { default: { BACKEND: 'memory', KEY_PREFIX: 'fragments' } },
        TEMPLATES: [{ DIRS: [dir], OPTIONS: { globals: counter() } }],
      },
      urls: [],
      global: false,
    });
    await app.ready();
    try {
      const engine = engines(app).engine();
      expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
      expect(await engine.renderAsync('page.eta', { name: 'b' })).toBe('[1:part a]');
      const key = makeTemplateFragmentKey('sidebar', []);
      expect(await caches.default.get(key)).toBe('1:part a');
      await caches.default.delete(key);
      expect(await engine.renderAsync('page.eta', { name: 'b' })).toBe('[2:part b]');
    } finally {
      await app.close();
    }
  });

  it('is a no-op without a cache, and in a synchronous render', async () => {
    const engine = new Engine({ dirs: [dir], globals: counter() });
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[2:part a]');
    const cached = new Engine({ dirs: [dir], fragmentCache: memoryCache(), globals: counter() });
    expect(cached.render('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(cached.render('page.eta', { name: 'a' })).toBe('[2:part a]');
  });

  it('renders the fragment when the cache fails, and logs a warning', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) };
    const app = createApp({ settings: { SECRET_KEY: 'fragment-cache-tests-secret-key-0123456789-abcdefghijklmnop' }, urls: [], logger, global: false });
    const broken: FragmentCache = { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) };
    const engine = new Engine({ dirs: [dir], fragmentCache: broken, globals: counter(), app });
    expect(await engine.renderAsync('page.eta', { name: 'a' })).toBe('[1:part a]');
    expect(warnings).toEqual([
      'Fragment cache read failed for template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e',
      'Fragment cache write failed for template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e',
    ]);
  });

  it('checks its arguments', async () => {
    const engine = new Engine({ fragmentCache: memoryCache() });
    await expect(engine.renderStringAsync('<%~ cache("", 1, () => {}) %>')).rejects.toThrow(/fragment name/);
    await expect(engine.renderStringAsync('<%~ cache("x", "soon", () => {}) %>')).rejects.toThrow(/ttl must be a number/);
  });
});

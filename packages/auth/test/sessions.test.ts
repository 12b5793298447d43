import { randomBytes } from 'node:crypto';
import { Client, commonMiddleware, HttpResponse, JsonResponse, path, serializeCookie, type UserSettings } from '@manouche/core';
import { Cache, caches } from '@manouche/cache';
import { captureQueries } from '@manouche/orm';
import { csrfViewMiddleware, getToken } from '@manouche/security';
import { describeWith } from '../../../test-support/services';
import {
  authenticationMiddleware,
  CacheSessionStore,
  DatabaseSessionStore,
  getMessages,
  login,
  messagesMiddleware,
  Session,
  sessionMiddleware,
  SignedCookieSessionStore,
  User,
} from '../src/index';
import { describeBackend, makeApp, useDatabase } from './support';

let gate: Promise<void> | undefined;

const urls = [
  path('set/<str:value>/', (request, { value }) => {
    request.session.set('value', value);
    return new HttpResponse('ok');
  }),
  path('get/', (request) => new JsonResponse({ value: request.session.get('value') ?? null, key: request.session.sessionKey })),
  path('none/', () => new HttpResponse('nothing')),
  path('whoami/', async (request) => {
    const user = await request.auser();
    return new HttpResponse(`${user.isAuthenticated ? user.getUsername() : 'anonymous'}, ${[...getMessages(request)].length} messages`);
  }),
  path('expire/<int:seconds>/', (request, { seconds }) => {
    request.session.setExpiry(seconds);
    request.session.set('short', true);
    return new HttpResponse('ok');
  }),
  path('cycle/', async (request) => {
    await request.session.cycleKey();
    return new HttpResponse('cycled');
  }),
  path('flush/', async (request) => {
    await request.session.flush();
    return new HttpResponse('flushed');
  }),
  path('slow/<str:value>/', async (request, { value }) => {
    request.session.set('value', value);
    await gate;
    return new HttpResponse('slow');
  }),
];

function redisCaches(): UserSettings['CACHES'] {
  return { default: { BACKEND: 'redis', LOCATION: process.env.REDIS_URL || 'redis://127.0.0.1:6379', KEY_PREFIX: `auth-test-${randomBytes(4).toString('hex')}` } };
}

interface Case {
  name: string;
  services: Array<'postgres' | 'redis'>;
  backend: 'sqlite' | 'postgres';
  settings: () => UserSettings;
  serverSide: boolean;
}

const CASES: Case[] = [
  { name: 'db', services: [], backend: 'sqlite', settings: () => ({ SESSION_ENGINE: 'db' }), serverSide: true },
  { name: 'db', services: ['postgres'], backend: 'postgres', settings: () => ({ SESSION_ENGINE: 'db' }), serverSide: true },
  { name: 'cache (memory)', services: [], backend: 'sqlite', settings: () => ({ SESSION_ENGINE: 'cache', CACHES: { default: { BACKEND: 'memory' } } }), serverSide: true },
  { name: 'cache (redis)', services: ['redis'], backend: 'sqlite', settings: () => ({ SESSION_ENGINE: 'cache', CACHES: redisCaches() }), serverSide: true },
  { name: 'cached_db (memory + sqlite)', services: [], backend: 'sqlite', settings: () => ({ SESSION_ENGINE: 'cached_db', CACHES: { default: { BACKEND: 'memory' } } }), serverSide: true },
  { name: 'cached_db (redis + postgres)', services: ['postgres', 'redis'], backend: 'postgres', settings: () => ({ SESSION_ENGINE: 'cached_db', CACHES: redisCaches() }), serverSide: true },
  { name: 'signed_cookies', services: [], backend: 'sqlite', settings: () => ({ SESSION_ENGINE: 'signed_cookies' }), serverSide: false },
];

for (const c of CASES) {
  const run = c.services.length ? (name: string, fn: () => void) => describeWith(c.services, name, fn) : describe;
  run(`session store: ${c.name}`, () => {
    const database = useDatabase(c.backend);
    let app: ReturnType<typeof makeApp>;
    beforeAll(() => {
      app = makeApp(urls, c.settings());
    });
    afterAll(async () => {
      await caches.close();
    });
    beforeEach(() => database.flush());

    it('keeps values between requests; the cookie holds only a key (or signed data)', async () => {
      const client = new Client(app);
      await client.get('/set/blue/');
      const cookie = client.cookies.get('sessionid')!;
      if (c.serverSide) expect(cookie).toMatch(/^[a-z0-9]{32}$/);
      else expect(cookie).not.toContain('blue');
      expect((await client.get('/get/')).json()).toMatchObject({ value: 'blue' });
    });

    it('sets the cookie HttpOnly, SameSite=Lax, for two weeks, and Secure over HTTPS', async () => {
      const response = await new Client(app).get('/set/x/', undefined, { secure: true });
      const cookie = response.response.cookies.get('sessionid')!;
      const header = serializeCookie(cookie, true);
      expect(header).toMatch(/; Max-Age=1209600; /);
      expect(header).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
      expect(serializeCookie((await new Client(app).get('/set/x/')).response.cookies.get('sessionid')!, false)).not.toContain('Secure');
      expect(response.headers.get('vary')).toMatch(/Cookie/);
    });

    it('sets no cookie and touches no store for a request that does not use the session', async () => {
      const response = await new Client(app).get('/none/');
      expect(response.response.hasCookies).toBe(false);
      expect(response.headers.get('vary')).toBeUndefined();
    });

    it('costs a visitor without a cookie no store read and no query, even when the view asks for the user and the messages', async () => {
      const reads = [jest.spyOn(Cache.prototype, 'get'), jest.spyOn(Cache.prototype, 'lookup')];
      try {
        const { result: response, queries } = await captureQueries(() => new Client(app).get('/whoami/'));
        expect(response.text).toBe('anonymous, 0 messages');
        expect(queries).toEqual([]);
        for (const spy of reads) expect(spy).not.toHaveBeenCalled();
        expect(response.response.hasCookies).toBe(false);
      } finally {
        for (const spy of reads) spy.mockRestore();
      }
    });

    it('starts a fresh, empty session for a forged, malformed or unknown cookie', async () => {
      for (const forged of ['a'.repeat(32), 'not a key!', `${'z'.repeat(20)}:forged`, '..', randomBytes(300).toString('base64url')]) {
        const client = new Client(app);
        client.cookies.set('sessionid', forged);
        expect((await client.get('/get/')).json()).toMatchObject({ value: null });
        await client.get('/set/fresh/');
        expect(client.cookies.get('sessionid')).not.toBe(forged);
        expect((await client.get('/get/')).json()).toMatchObject({ value: 'fresh' });
      }
    });

    it('changes the key on cycleKey(), keeping the data', async () => {
      const client = new Client(app);
      await client.get('/set/kept/');
      const before = client.cookies.get('sessionid');
      await client.get('/cycle/');
      // a signed cookie is re-signed: the same value within one second
      if (c.serverSide) expect(client.cookies.get('sessionid')).not.toBe(before);
      expect((await client.get('/get/')).json()).toMatchObject({ value: 'kept' });
      if (c.serverSide) {
        const old = new Client(app);
        old.cookies.set('sessionid', before!);
        expect((await old.get('/get/')).json()).toMatchObject({ value: null });
      }
    });

    it('forgets everything on flush() and deletes the cookie', async () => {
      const client = new Client(app);
      await client.get('/set/gone/');
      const before = client.cookies.get('sessionid')!;
      const response = await client.get('/flush/');
      expect(response.response.cookies.get('sessionid')).toMatchObject({ value: '', maxAge: 0 });
      if (c.serverSide) {
        const replay = new Client(app);
        replay.cookies.set('sessionid', before);
        expect((await replay.get('/get/')).json()).toMatchObject({ value: null });
      }
    });

    it('expires with setExpiry(0) at browser close (no Max-Age)', async () => {
      const response = await new Client(app).get('/expire/0/');
      const cookie = response.response.cookies.get('sessionid')!;
      expect(cookie.maxAge).toBeUndefined();
    });

    if (c.serverSide) {
      it('answers 400 instead of resurrecting a session deleted by a concurrent logout', async () => {
        const client = new Client(app);
        await client.get('/set/first/');
        let open!: () => void;
        gate = new Promise((resolve) => (open = resolve));
        const slow = client.get('/slow/second/');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const other = new Client(app);
        other.cookies.set('sessionid', client.cookies.get('sessionid')!);
        await other.get('/flush/');
        open();
        expect((await slow).status).toBe(400);
        gate = undefined;
      });
    }
  });
}

describeBackend('sqlite', 'session expiry and clearsessions', () => {
  const database = useDatabase('sqlite');
  const app = makeApp(urls, { SESSION_ENGINE: 'db' });
  beforeEach(() => database.flush());

  it('treats an expired database session as a fresh one, and clearExpired() deletes it', async () => {
    const client = new Client(app);
    await client.get('/set/old/');
    await Session.objects.update({ expireDate: new Date(Date.now() - 1000) });
    expect((await client.get('/get/')).json()).toMatchObject({ value: null });
    await new Client(app).get('/set/live/');
    expect(await DatabaseSessionStore.clearExpired()).toBe(1);
    expect(await Session.objects.count()).toBe(1);
  });

  it('stores the expiry date from setExpiry()', async () => {
    const client = new Client(app);
    const started = Date.now();
    await client.get('/expire/60/');
    const row = await Session.objects.get({ sessionKey: client.cookies.get('sessionid')! });
    expect(row.expireDate.getTime()).toBeGreaterThanOrEqual(started + 59_000);
    expect(row.expireDate.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  it('refuses a signed cookie older than SESSION_COOKIE_AGE', async () => {
    const signed = makeApp(urls, { SESSION_ENGINE: 'signed_cookies', SESSION_COOKIE_AGE: 60 });
    const client = new Client(signed);
    await client.get('/set/soon-stale/');
    expect((await client.get('/get/')).json()).toMatchObject({ value: 'soon-stale' });
    jest.useFakeTimers({ now: Date.now() + 61_000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      expect((await client.get('/get/')).json()).toMatchObject({ value: null });
    } finally {
      jest.useRealTimers();
    }
    expect(new SignedCookieSessionStore('garbage').isLoaded).toBe(false);
  });

  it('works standalone: load(), then synchronous access', async () => {
    const store = new CacheSessionStore();
    store.set('a', 1);
    await store.save();
    const again = new CacheSessionStore(store.sessionKey);
    expect(() => again.get('a')).toThrow(/not loaded/);
    await again.load();
    expect(again.get('a')).toBe(1);
    expect(() => again.set('b', undefined)).toThrow(/undefined/);
  });
});

describeBackend('sqlite', 'CSRF_USE_SESSIONS', () => {
  const database = useDatabase('sqlite');
  beforeEach(() => database.flush());

  it('keeps the CSRF secret in the loaded session, and rotates it at login', async () => {
    await User.objects.createUser('ann', null, 'pw');
    const app = makeApp(
      [
        path('form/', (request) => new HttpResponse(getToken(request))),
        path('post/', () => new HttpResponse('accepted')),
        path('login/', async (request) => {
          await login(request, await User.objects.get({ username: 'ann' }));
          return new HttpResponse(getToken(request));
        }),
      ],
      { CSRF_USE_SESSIONS: true, MIDDLEWARE: [commonMiddleware, sessionMiddleware, csrfViewMiddleware, authenticationMiddleware, messagesMiddleware] },
    );
    const client = new Client(app, { enforceCsrfChecks: true });
    const token = (await client.get('/form/')).text;
    expect(client.cookies.has('csrftoken')).toBe(false);
    expect((await client.post('/post/', { csrfmiddlewaretoken: token })).status).toBe(200);
    expect((await client.post('/post/', { csrfmiddlewaretoken: 'x'.repeat(64) })).status).toBe(403);
    const afterLogin = (await client.post('/login/', { csrfmiddlewaretoken: token })).text;
    expect((await client.post('/post/', { csrfmiddlewaretoken: token })).status).toBe(403);
    expect((await client.post('/post/', { csrfmiddlewaretoken: afterLogin })).status).toBe(200);
  });
});

import { type Application, Client, createApp, etagFor, type HttpRequest, HttpResponse, isPromise, type Middleware, patchVaryHeaders, path, requireGET, type UrlEntry, type UserSettings } from '@manouche/core';
import { cacheApp } from '../src/app';
import { caches } from '../src/handler';
import { cacheControl, cachePage, neverCache, varyOnCookie, varyOnHeaders } from '../src/http/decorators';
import { cacheMiddleware, fetchFromCacheMiddleware, updateCacheMiddleware } from '../src/http/middleware';
import { getMaxAge } from '../src/http/cache-keys';
import { TEST_SECRET } from './support';

function makeApp(urls: readonly UrlEntry[], settings: UserSettings = {}): Application {
  return createApp({
    settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['testserver'], INSTALLED_APPS: [cacheApp()], MIDDLEWARE: [], ...settings },
    urls,
    env: {},
  });
}

/**
 * What an auth session middleware does (the auth package is written in
 * parallel): a view that reads the session makes the response vary on Cookie.
 */
const sessionMiddleware: Middleware = (getResponse) => (request) => {
  const response = getResponse(request);
  const patch = (r: HttpResponse): HttpResponse => {
    if (sessionRead.has(request)) patchVaryHeaders(r, ['Cookie']);
    return r;
  };
  return isPromise(response) ? response.then(patch) : patch(response);
};
const sessionRead = new WeakSet<HttpRequest>();
function currentUser(request: HttpRequest): string | undefined {
  sessionRead.add(request);
  const session = request.cookies.sessionid;
  return session ? `user-${session}` : undefined;
}

afterEach(() => caches.close());

describe('cachePage()', () => {
  let renders: number;
  const counted = (body = 'page'): (() => HttpResponse) => () => new HttpResponse(`${body} ${++renders}`);
  beforeEach(() => {
    renders = 0;
  });

  it('serves the second GET from the cache, with Expires, max-age, Age and an ETag', async () => {
    const client = new Client(makeApp([path('', cachePage(60)(counted()))]));
    const first = await client.get('/');
    const second = await client.get('/');
    expect(first.text).toBe('page 1');
    expect(second.text).toBe('page 1');
    expect(renders).toBe(1);
    expect(second.headers.get('cache-control')).toBe('max-age=60');
    const expires = Date.parse(second.headers.get('expires')!);
    expect(expires - Date.now()).toBeGreaterThan(55_000);
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers a matching If-None-Match with a 304, on a miss and on a hit', async () => {
    const client = new Client(makeApp([path('', cachePage(60)(counted()))]));
    const first = await client.get('/');
    const etag = first.headers.get('etag')!;
    const hit = await client.get('/', undefined, { headers: { 'if-none-match': etag } });
    expect(hit.status).toBe(304);
    expect(hit.text).toBe('');
    expect(hit.headers.get('cache-control')).toBe('max-age=60');
    const other = await client.get('/', undefined, { headers: { 'if-none-match': 'W/"other"' } });
    expect(other.status).toBe(200);
    // on a miss: the view runs, its page is stored, and the client still gets its 304
    await caches.default.clear();
    renders = 0;
    const miss = await client.get('/', undefined, { headers: { 'if-none-match': etagFor('page 1') } });
    expect([miss.status, renders]).toEqual([304, 1]);
    expect((await client.get('/')).text).toBe('page 1');
  });

  it('keys on the full URL, query string included', async () => {
    const client = new Client(makeApp([path('', cachePage(60)((request) => new HttpResponse(`q=${request.query.get('q')} ${++renders}`)))]));
    expect((await client.get('/?q=a')).text).toBe('q=a 1');
    expect((await client.get('/?q=b')).text).toBe('q=b 2');
    expect((await client.get('/?q=a')).text).toBe('q=a 1');
  });

  it('caches GET and HEAD only; a HEAD is served from the GET entry', async () => {
    const client = new Client(makeApp([path('', cachePage(60)(counted()))]));
    await client.get('/');
    const head = await client.request('HEAD', '/');
    expect(head.status).toBe(200);
    expect(renders).toBe(1);
    await client.post('/', {});
    await client.post('/', {});
    expect(renders).toBe(3);
  });

  it('never stores a response that sets a cookie, is private or no-store, or is not a 200', async () => {
    const views: Array<[string, () => HttpResponse]> = [
      ['cookie', () => new HttpResponse(`x ${++renders}`).setCookie('csrftoken', 'abc')],
      ['private', cacheControl({ private: true })(counted())],
      ['nostore', cacheControl({ noStore: true })(counted())],
      ['nocache', neverCache(counted())],
      ['missing', () => new HttpResponse(`gone ${++renders}`, { status: 404 })],
      ['star', varyOnHeaders('*')(counted())],
    ];
    const client = new Client(makeApp(views.map(([name, view]) => path(`${name}/`, cachePage(60)(view)))));
    for (const [name] of views) {
      const before = renders;
      await client.get(`/${name}/`);
      await client.get(`/${name}/`);
      expect([name, renders - before]).toEqual([name, 2]);
    }
  });

  it("lets cachePage's timeout override the response's max-age", async () => {
    const client = new Client(makeApp([path('', cachePage(120)(cacheControl({ maxAge: 5 })(counted())))]));
    const response = await client.get('/');
    expect(getMaxAge(response.response)).toBe(5);
    await client.get('/');
    expect(renders).toBe(1);
  });

  it('keeps one entry per value of a Vary header', async () => {
    const view = varyOnHeaders('Accept-Language')((request: HttpRequest) => new HttpResponse(`${request.header('accept-language') ?? 'none'} ${++renders}`));
    const client = new Client(makeApp([path('', cachePage(60)(view))]));
    const get = async (lang?: string): Promise<string> => (await client.get('/', undefined, { headers: lang ? { 'accept-language': lang } : {} })).text;
    expect(await get('fr')).toBe('fr 1');
    expect(await get('de')).toBe('de 2');
    expect(await get('fr')).toBe('fr 1');
    expect(await get()).toBe('none 3');
    expect(await get('de')).toBe('de 2');
  });

  it('with Vary: Cookie, puts the cookie values in the key', async () => {
    const view = varyOnCookie((request: HttpRequest) => new HttpResponse(`theme=${request.cookies.theme ?? 'light'} ${++renders}`));
    const client = new Client(makeApp([path('', cachePage(60)(view))]));
    const get = async (cookie?: string): Promise<string> => (await client.get('/', undefined, { headers: cookie ? { cookie } : {} })).text;
    expect(await get()).toBe('theme=light 1');
    expect(await get('theme=dark')).toBe('theme=dark 2');
    expect(await get()).toBe('theme=light 1');
    expect(await get('theme=dark')).toBe('theme=dark 2');
  });

  it('never serves the page cached for an anonymous visitor to a logged-in user', async () => {
    const home = (request: HttpRequest): HttpResponse => {
      const user = currentUser(request);
      return new HttpResponse(user ? `Hello, ${user} (render ${++renders})` : `Log in (render ${++renders})`);
    };
    // the session middleware outside the decorated view adds Vary: Cookie after cachePage stored the page
    const client = new Client(makeApp([path('', cachePage(60)(home))], { MIDDLEWARE: [sessionMiddleware] }));
    const anonymous = async (): Promise<string> => (await client.get('/')).text;
    const loggedIn = async (session: string): Promise<string> => (await client.get('/', undefined, { headers: { cookie: `sessionid=${session}` } })).text;
    expect(await anonymous()).toBe('Log in (render 1)');
    expect(await anonymous()).toBe('Log in (render 1)');
    expect(await loggedIn('ann')).toBe('Hello, user-ann (render 2)');
    expect(await loggedIn('ann')).toBe('Hello, user-ann (render 3)');
    expect(await loggedIn('bob')).toBe('Hello, user-bob (render 4)');
    expect(await anonymous()).toBe('Log in (render 1)');
  });

  it('does not cache requests with an Authorization header', async () => {
    const client = new Client(makeApp([path('', cachePage(60)(counted()))]));
    await client.get('/', undefined, { headers: { authorization: 'Bearer a' } });
    await client.get('/', undefined, { headers: { authorization: 'Bearer b' } });
    expect(renders).toBe(2);
    await client.get('/');
    expect((await client.get('/', undefined, { headers: { authorization: 'Bearer a' } })).text).toBe('page 4');
  });

  it('honours SESSION_COOKIE_NAME', async () => {
    const client = new Client(makeApp([path('', cachePage(60)(counted()))], { SESSION_COOKIE_NAME: 'sid' } as UserSettings));
    await client.get('/');
    expect((await client.get('/', undefined, { headers: { cookie: 'sid=1' } })).text).toBe('page 2');
    expect((await client.get('/', undefined, { headers: { cookie: 'sessionid=1' } })).text).toBe('page 1');
  });

  it('stores a template response once it has rendered', async () => {
    class Deferred extends HttpResponse {
      constructor() {
        super('');
        this.isRendered = false;
      }
      override async render(): Promise<this> {
        this.content = `rendered ${++renders}`;
        this.isRendered = true;
        return this;
      }
    }
    const client = new Client(makeApp([path('', cachePage(60)(() => new Deferred()))]));
    expect((await client.get('/')).text).toBe('rendered 1');
    expect((await client.get('/')).text).toBe('rendered 1');
  });

  it('uses the cache and key prefix it is given', async () => {
    const settings: UserSettings = { CACHES: { default: { BACKEND: 'memory' }, pages: { BACKEND: 'memory', KEY_PREFIX: 'p' } } };
    const client = new Client(makeApp([path('', cachePage(60, { cache: 'pages', keyPrefix: 'site1' })(counted()))], settings));
    await client.get('/');
    expect((await client.get('/')).text).toBe('page 1');
    // the memory backend keeps its cache's keys without the `p:1:` namespace (KEY_PREFIX 'p', version 1)
    const pages = caches.get('pages');
    const keys = [...(pages.backend as unknown as { lru: Map<string, unknown> }).lru.keys()];
    expect(pages.makeKey('')).toBe('p:1:');
    expect(keys.some((k) => k.startsWith('cache_page.site1.GET.'))).toBe(true);
    expect(keys.some((k) => k.startsWith('cache_header.site1.'))).toBe(true);
    expect((caches.default.backend as unknown as { lru: Map<string, unknown> }).lru.size).toBe(0);
  });

  it('stores binary bodies and repeated headers faithfully', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255, 10, 10]);
    const view = (): HttpResponse => {
      const response = new HttpResponse(png, { contentType: 'image/png' });
      response.headers.append('link', '</a.css>; rel=preload');
      response.headers.append('link', '</b.js>; rel=preload');
      renders++;
      return response;
    };
    const client = new Client(makeApp([path('', cachePage(60)(view))]));
    await client.get('/');
    const hit = await client.get('/');
    expect(renders).toBe(1);
    expect(hit.content.equals(png)).toBe(true);
    expect(hit.headers.get('content-type')).toBe('image/png');
    expect(hit.headers.get('link')).toBe('</a.css>; rel=preload, </b.js>; rel=preload');
  });

  it('keeps the view’s metadata', () => {
    const view = cachePage(60)(requireGET(counted()));
    expect(view.allowedMethods).toEqual(['GET']);
  });
});

describe('the page-cache middleware', () => {
  let renders: number;
  beforeEach(() => {
    renders = 0;
  });
  const home = (request: HttpRequest): HttpResponse => {
    const user = currentUser(request);
    return new HttpResponse(user ? `Hello, ${user} ${++renders}` : `Log in ${++renders}`);
  };
  const about = (): HttpResponse => new HttpResponse(`About ${++renders}`);
  const siteWide = (): Application =>
    makeApp([path('', home), path('about/', about)], { MIDDLEWARE: [updateCacheMiddleware, sessionMiddleware, fetchFromCacheMiddleware], CACHE_MIDDLEWARE_SECONDS: 30 });

  it('caches every GET page for CACHE_MIDDLEWARE_SECONDS, keyed on the Vary headers middleware added', async () => {
    const client = new Client(siteWide());
    expect((await client.get('/about/')).text).toBe('About 1');
    const again = await client.get('/about/');
    expect(again.text).toBe('About 1');
    expect(again.headers.get('cache-control')).toBe('max-age=30');
    // home varies on Cookie (the session middleware, between the two, says so)
    expect((await client.get('/')).text).toBe('Log in 2');
    expect((await client.get('/')).text).toBe('Log in 2');
    expect((await client.get('/', undefined, { headers: { cookie: 'sessionid=ann' } })).text).toBe('Hello, user-ann 3');
    expect((await client.get('/', undefined, { headers: { cookie: 'sessionid=ann' } })).text).toBe('Hello, user-ann 4');
    expect((await client.get('/', undefined, { headers: { cookie: 'csrftoken=x' } })).text).toBe('Log in 5');
    expect((await client.get('/', undefined, { headers: { cookie: 'csrftoken=x' } })).text).toBe('Log in 5');
    expect((await client.get('/')).text).toBe('Log in 2');
  });

  it("prefers a response's max-age to CACHE_MIDDLEWARE_SECONDS, and max-age=0 means do not cache", async () => {
    const client = new Client(
      makeApp([path('short/', cacheControl({ maxAge: 5 })(about)), path('zero/', cacheControl({ maxAge: 0 })(about))], { MIDDLEWARE: [updateCacheMiddleware, fetchFromCacheMiddleware] }),
    );
    expect((await client.get('/short/')).headers.get('cache-control')).toBe('max-age=5');
    expect((await client.get('/short/')).text).toBe('About 1');
    await client.get('/zero/');
    expect((await client.get('/zero/')).text).toBe('About 3');
  });

  it('answers a hit synchronously: no promise on the request path', async () => {
    const app = makeApp([path('about/', about)], { MIDDLEWARE: [updateCacheMiddleware, fetchFromCacheMiddleware] });
    await app.ready();
    const request = (): HttpRequest => app.createRequest({ method: 'GET', url: '/about/', headers: { host: 'testserver' } });
    const miss = app.dispatch(request());
    expect(isPromise(miss)).toBe(false);
    const hit = app.dispatch(request());
    expect(isPromise(hit)).toBe(false);
    expect((hit as HttpResponse).text).toBe('About 1');
  });

  it('cacheMiddleware does both in one layer', async () => {
    const client = new Client(makeApp([path('about/', about)], { MIDDLEWARE: [cacheMiddleware] }));
    await client.get('/about/');
    expect((await client.get('/about/')).text).toBe('About 1');
  });

  it('stores nothing when only one of the pair is installed', async () => {
    const client = new Client(makeApp([path('about/', about)], { MIDDLEWARE: [updateCacheMiddleware] }));
    await client.get('/about/');
    expect((await client.get('/about/')).text).toBe('About 2');
  });
});

describe('the header decorators', () => {
  const ok = (): HttpResponse => new HttpResponse('ok');
  const call = async (view: (r: HttpRequest, p: object) => HttpResponse | Promise<HttpResponse>): Promise<HttpResponse> => {
    const app = makeApp([path('', view)]);
    return (await new Client(app).get('/')).response;
  };

  it('neverCache forbids every cache from keeping the response', async () => {
    const response = await call(neverCache(ok));
    expect(response.headers.get('cache-control')).toBe('max-age=0, no-cache, no-store, must-revalidate, private');
    expect(response.headers.get('expires')).toBeDefined();
  });

  it('cacheControl merges directives; varyOnHeaders and varyOnCookie extend Vary', async () => {
    expect((await call(cacheControl({ public: true, maxAge: 3600, staleWhileRevalidate: 60 })(ok))).headers.get('cache-control')).toBe('public, max-age=3600, stale-while-revalidate=60');
    expect((await call(varyOnHeaders('Accept-Language', 'User-Agent')(varyOnCookie(ok)))).headers.get('vary')).toBe('Cookie, Accept-Language, User-Agent');
  });

  it('keeps a synchronous view synchronous', () => {
    const view = cacheControl({ maxAge: 1 })(ok);
    expect(isPromise((view as (r: HttpRequest, p: object) => unknown)({} as HttpRequest, {}))).toBe(false);
  });
});

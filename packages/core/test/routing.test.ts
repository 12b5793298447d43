import { expectTypeOf } from 'expect-type';
import {
  Client,
  HttpResponse,
  ImproperlyConfigured,
  include,
  JsonResponse,
  NoReverseMatch,
  type ParamsOf,
  path,
  registerConverter,
  reverse,
  UrlResolver,
} from '../src/index';
import { makeApp } from './helpers';

const ok = (label: string) => () => new HttpResponse(label);
const echo = (_req: unknown, params: Record<string, unknown>) => new JsonResponse(params);

describe('path() converters', () => {
  const resolver = new UrlResolver([
    path('articles/<int:id>/', echo, { name: 'by-id' }),
    path('articles/<slug:slug>/', echo, { name: 'by-slug' }),
    path('users/<str:name>/', echo),
    path('things/<uuid:id>/', echo),
    path('files/<path:rest>', echo),
    path('bare/<name>/', echo),
    path('mixed/<int:year>-<int:month>/', echo),
  ]);

  it.each([
    ['/articles/42/', { id: 42 }],
    ['/articles/hello-world_2/', { slug: 'hello-world_2' }],
    ['/users/Ann Smith/', { name: 'Ann Smith' }],
    ['/things/12345678-1234-5678-1234-567812345678/', { id: '12345678-1234-5678-1234-567812345678' }],
    ['/files/a/b/c.txt', { rest: 'a/b/c.txt' }],
    ['/bare/x/', { name: 'x' }],
    ['/mixed/2024-07/', { year: 2024, month: 7 }],
  ])('%s → %j', (url, params) => {
    expect(resolver.resolve(url)?.params).toEqual(params);
  });

  it.each(['/articles/42', '/articles/a/b/', '/things/not-a-uuid/', '/files/', '/users//', '/nowhere/'])('%s does not match', (url) => {
    expect(resolver.resolve(url)).toBeNull();
  });

  it('rejects ints too large to be exact rather than rounding them', () => {
    expect(resolver.resolve('/articles/99999999999999999999/')?.urlName).toBe('by-slug');
  });

  it('types view parameters from the route', () => {
    expectTypeOf<ParamsOf<'a/<int:id>/<slug:s>/<name>/'>>().toEqualTypeOf<{ id: number; s: string; name: string }>();
    path('a/<int:id>/', (_req, params) => {
      expectTypeOf(params.id).toEqualTypeOf<number>();
      return new HttpResponse();
    });
  });

  it('supports custom converters', () => {
    registerConverter('yyyy', { regex: '[0-9]{4}', toValue: (t) => Number(t), toUrl: (v) => String(v).padStart(4, '0') });
    const r = new UrlResolver([path('archive/<yyyy:year>/', echo, { name: 'archive' })]);
    expect(r.resolve('/archive/2023/')?.params).toEqual({ year: 2023 });
    expect(r.resolve('/archive/23/')).toBeNull();
    expect(() => registerConverter('yyyy', { regex: 'x', toValue: String, toUrl: String })).toThrow(/already registered/);
  });
});

describe('precedence', () => {
  it('prefers literal segments, then declaration order', () => {
    const r = new UrlResolver([
      path('<slug:slug>/', ok('slug'), { name: 'slug' }),
      path('about/', ok('about'), { name: 'about' }),
      path('<str:any>/', ok('str'), { name: 'str' }),
    ]);
    expect(r.resolve('/about/')?.urlName).toBe('about');
    expect(r.resolve('/x-y/')?.urlName).toBe('slug');
    expect(r.resolve('/x y/')?.urlName).toBe('str');
  });

  it('backtracks when a deeper segment does not match', () => {
    const r = new UrlResolver([path('<slug:a>/edit/', ok('edit'), { name: 'edit' }), path('<str:b>/view/', ok('view'), { name: 'view' })]);
    expect(r.resolve('/x/view/')?.urlName).toBe('view');
    expect(r.resolve('/x/edit/')?.urlName).toBe('edit');
  });
});

describe('include() and namespaces', () => {
  const blog = [path('', ok('index'), { name: 'index' }), path('<int:id>/', echo, { name: 'detail' })];
  const app = makeApp([
    path('blog/', include(blog, { namespace: 'blog' })),
    path('<slug:lang>/news/', include({ appName: 'news', urlpatterns: [path('<int:id>/', echo, { name: 'item' })] })),
    path('api/', include([path('v1/', include([path('ping/', ok('pong'), { name: 'ping' })], { namespace: 'v1' }))], { namespace: 'api' })),
  ]);

  it('resolves with namespaces and merged parameters', () => {
    const match = app.resolver.resolve('/fr/news/3/');
    expect(match?.params).toEqual({ lang: 'fr', id: 3 });
    expect(match?.viewName).toBe('news:item');
    expect(app.resolver.resolve('/api/v1/ping/')?.namespaces).toEqual(['api', 'v1']);
  });

  it('reverses namespaced names', () => {
    expect(app.reverse('blog:index')).toBe('/blog/');
    expect(app.reverse('blog:detail', { id: 3 })).toBe('/blog/3/');
    expect(app.reverse('news:item', { lang: 'en', id: 5 })).toBe('/en/news/5/');
    expect(app.reverse('api:v1:ping')).toBe('/api/v1/ping/');
    expect(app.reverse('blog:detail', { id: 3 }, { query: { page: 2, tag: ['a', 'b'] } })).toBe('/blog/3/?page=2&tag=a&tag=b');
  });

  it('quotes parameters like Django', () => {
    const r = makeApp([path('t/<str:name>/', echo, { name: 't' }), path('p/<path:rest>', echo, { name: 'p' })]);
    expect(r.reverse('t', { name: 'a b&c?é' })).toBe('/t/a%20b&c%3F%C3%A9/');
    expect(r.reverse('p', { rest: 'x/y' })).toBe('/p/x/y');
  });

  it('explains failed reverses', () => {
    expect(() => app.reverse('blog:nope')).toThrow(NoReverseMatch);
    expect(() => app.reverse('blog:detial')).toThrow("Reverse for 'blog:detial' not found. 'blog:detial' is not a valid view function or pattern name. Did you mean 'blog:detail'?");
    expect(() => app.reverse('blog:detail', { id: 'abc' })).toThrow(`Reverse for 'blog:detail' with parameters {"id":"abc"} not found. 1 pattern(s) tried: ['blog/<int:id>/']`);
    expect(() => app.reverse('blog:detail')).toThrow(/with no parameters not found/);
    expect(() => app.reverse('blog:detail', { id: 1, extra: 2 })).toThrow(NoReverseMatch);
  });

  it('reverse() uses the app created last', () => {
    const latest = makeApp([path('only-here/', ok('x'), { name: 'only-here' })]);
    expect(reverse('only-here')).toBe('/only-here/');
    expect(() => app.reverse('only-here')).toThrow(NoReverseMatch);
    expect(latest.reverse('only-here')).toBe('/only-here/');
  });

  it('prefixes FORCE_SCRIPT_NAME', () => {
    const mounted = makeApp([path('x/', ok('x'), { name: 'x' })], { FORCE_SCRIPT_NAME: '/app/' });
    expect(mounted.reverse('x')).toBe('/app/x/');
  });
});

describe('route errors at start-up', () => {
  it.each([
    [() => path('/leading/', ok('x')), /starts with "\/"/],
    [() => new UrlResolver([path('a/<nope:x>/', ok('x'))]), /invalid converter "nope"; known converters: int, str, slug, uuid, path/],
    [() => new UrlResolver([path('a/<int: x>/', ok('x'))]), /cannot contain whitespace/],
    [() => new UrlResolver([path('a/<int:1x>/', ok('x'))]), /isn't a valid identifier/],
    [() => new UrlResolver([path('a/<int:x>/<int:x>/', ok('x'))]), /uses the parameter "x" twice/],
    [() => path('a/', 'not a view' as never), /must be a function/],
    [() => new UrlResolver(['oops' as never]), /must come from path\(\)/],
  ])('%#', (build, message) => {
    expect(build).toThrow(ImproperlyConfigured);
    expect(build).toThrow(message);
  });
});

describe('404, APPEND_SLASH', () => {
  const app = makeApp([path('about/', ok('about'), { name: 'about' }), path('form/', ok('form'))]);
  const client = new Client(app);

  it('answers 404 when nothing matches', async () => {
    const response = await client.get('/missing/');
    expect(response.status).toBe(404);
    expect(response.text).toContain('The requested resource was not found on this server.');
  });

  it('redirects to the slash URL, keeping the query', async () => {
    const response = await client.get('/about?x=1');
    expect(response.status).toBe(301);
    expect(response.url).toBe('/about/?x=1');
  });

  it('does not turn //host into an open redirect', async () => {
    const evil = makeApp([path('<path:rest>/security/', ok('x'))]);
    const response = await new Client(evil).get('//evil.com/security');
    expect(response.status).toBe(301);
    expect(response.url).toBe('/%2Fevil.com/security/');
  });

  it('does not redirect a POST (the body would be lost)', async () => {
    expect((await client.post('/form', { a: '1' })).status).toBe(404);
    const debug = makeApp([path('form/', ok('form'))], { DEBUG: true });
    const response = await new Client(debug).post('/form', { a: '1' });
    expect(response.status).toBe(500);
    expect(response.text).toContain('APPEND_SLASH');
  });

  it('can be turned off', async () => {
    const strict = makeApp([path('about/', ok('about'))], { APPEND_SLASH: false });
    expect((await new Client(strict).get('/about')).status).toBe(404);
  });
});

describe('a large URLconf', () => {
  it('resolves in constant time from a compiled tree', () => {
    const patterns = Array.from({ length: 2000 }, (_, i) => path(`section${i}/<int:id>/`, echo, { name: `s${i}` }));
    const r = new UrlResolver(patterns);
    expect(r.resolve('/section1999/5/')?.urlName).toBe('s1999');
    expect(r.resolve('/section0/5/')?.urlName).toBe('s0');
  });

  it('tries only the routes under the matching prefix, not each route in turn', () => {
    let tests = 0;
    registerConverter('counted', { regex: '[a-z]+', test: (segment: string) => (tests++, /^[a-z]+$/.test(segment)), toValue: String, toUrl: String });
    const patterns = Array.from({ length: 2000 }, (_, i) => path(`section${i}/<counted:slug>/`, echo, { name: `c${i}` }));
    const r = new UrlResolver(patterns);
    expect(r.resolve('/section1999/news/')?.urlName).toBe('c1999');
    expect(tests).toBe(1);
    expect(r.resolve('/nowhere/news/')).toBeNull();
    expect(tests).toBe(1);
  });
});

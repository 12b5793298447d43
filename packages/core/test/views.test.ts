import { Client, HttpResponse, JsonResponse, path, RedirectView, requireHttpMethods, requirePOST, requireSafe, TemplateView, View, type HttpRequest } from '../src/index';
import { makeApp } from './helpers';

class ArticleView extends View {
  greeting = 'hello';
  get(request: HttpRequest, params: Record<string, unknown>) {
    return new JsonResponse({ method: request.method, id: params.id, greeting: this.greeting });
  }
  post() {
    return new HttpResponse('created', { status: 201 });
  }
}

describe('class-based views', () => {
  const app = makeApp([
    path('a/<int:id>/', ArticleView.asView(), { name: 'article' }),
    path('hi/', ArticleView.asView({ greeting: 'bonjour' })),
    path('old/<int:id>/', RedirectView.asView({ patternName: 'article', permanent: true })),
    path('ext/', RedirectView.asView({ url: 'https://example.com/%(id)s', queryString: true })),
    path('gone/', RedirectView.asView()),
    path('t/', TemplateView.asView({ templateName: 'x.html' })),
  ]);
  const client = new Client(app);

  it('dispatches by method and passes URL params', async () => {
    expect((await client.get('/a/3/')).json()).toEqual({ method: 'GET', id: 3, greeting: 'hello' });
    expect((await client.post('/a/3/')).status).toBe(201);
    expect((await client.get('/hi/')).json()).toMatchObject({ greeting: 'bonjour' });
  });

  it('answers HEAD with get() and OPTIONS with Allow', async () => {
    expect((await client.head('/a/3/')).status).toBe(200);
    const options = await client.options('/a/3/');
    expect(options.headers.get('allow')).toBe('GET, POST, OPTIONS, HEAD');
  });

  it('answers other methods with 405 and an Allow header', async () => {
    const response = await client.delete('/a/3/');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS, HEAD');
    expect((await client.request('PROPFIND', '/a/3/')).status).toBe(405);
  });

  it('rejects unknown asView() arguments', () => {
    expect(() => ArticleView.asView({ nope: 1 } as never)).toThrow(/invalid keyword "nope"/);
    expect(() => ArticleView.asView({ get: 1 } as never)).toThrow(/method name get is not accepted/);
  });

  it('RedirectView redirects to a pattern or URL, or answers 410', async () => {
    const permanent = await client.get('/old/9/');
    expect(permanent.status).toBe(301);
    expect(permanent.url).toBe('/a/9/');
    expect((await client.get('/ext/', { q: 1 })).url).toBe('https://example.com/?q=1');
    expect((await client.get('/gone/')).status).toBe(410);
  });

  it('TemplateView explains that no template engine is installed', async () => {
    const debugApp = makeApp([path('t/', TemplateView.asView({ templateName: 'x.html' }))], { DEBUG: true });
    const response = await new Client(debugApp).get('/t/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('add templatesApp() from @manouche/templates to INSTALLED_APPS');
  });

  it('TemplateView renders through the installed renderer', async () => {
    app.templateRenderer = {
      renderToResponse: (_request, names, context) => new HttpResponse(`${String(names)}:${Object.keys(context).filter((k) => k !== 'view').join(',')}`),
    };
    expect((await client.get('/t/')).text).toBe('x.html:');
    app.templateRenderer = undefined;
  });
});

describe('method decorators', () => {
  const app = makeApp([
    path('p/', requirePOST(() => new HttpResponse('posted'))),
    path('s/', requireSafe(() => new HttpResponse('safe'))),
    path('m/', requireHttpMethods(['get', 'put'])(() => new HttpResponse('m'))),
  ]);
  const client = new Client(app);

  it.each([
    ['GET', '/p/', 405, 'POST'],
    ['POST', '/p/', 200, undefined],
    ['HEAD', '/s/', 200, undefined],
    ['POST', '/s/', 405, 'GET, HEAD'],
    ['PUT', '/m/', 200, undefined],
    ['DELETE', '/m/', 405, 'GET, PUT'],
  ])('%s %s → %i', async (method, url, status, allow) => {
    const response = await client.request(method, url);
    expect(response.status).toBe(status);
    expect(response.headers.get('allow')).toBe(allow);
  });

  it('keeps the allowed methods on the view', () => {
    expect(requirePOST(() => new HttpResponse()).allowedMethods).toEqual(['POST']);
  });
});

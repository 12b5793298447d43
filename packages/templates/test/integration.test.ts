import {
  Client,
  createApp,
  defineApp,
  type Logger,
  type Middleware,
  path,
  runChecks,
  TemplateView,
  type HttpRequest,
  type HttpResponse,
} from '@manouche/core';
import { contextProcessors, engines, render, renderToString, TemplateResponse, templatesApp, type ContextProcessor } from '../src/index';
import { templateDir } from './helpers';

const SECRET_KEY = 'a-long-enough-secret-key-for-the-tests-0123456789abcdef-xyz';

const project = templateDir({
  'base.eta': '<title><%~ block("title", () => { %>Site<% }) %></title><%~ block("content") %>',
  'home.eta': [
    '<% layout("base") %>',
    '<% block("title", (parent) => { %><%= it.heading %> | <%~ parent() %><% }) %>',
    '<% block("content", () => { %><%= it.heading %>|<%= it.slug %>|<%~ include("partials/nav") %><% }) %>',
  ].join(''),
  'partials/nav.eta': '<a href="<%= url("article", { slug: it.slug }) %>">a</a><link href="<%= static("css/site.css") %>">',
  'form.eta': '<form method="post"><%~ csrfInput() %></form><script nonce="<%= it.cspNonce %>"></script>',
  'processors.eta': '<%= it.request.path %>|<%= it.STATIC_URL %>|<%= it.debug === true %>',
  'broken.eta': '<%~ include("missing") %>',
  'ctx.eta': '<%= it.value %>',
});
const appFolder = templateDir({ 'templates/home.eta': 'overridden by the project', 'templates/from-app.eta': 'app template' });

function makeApp(options: { debug?: boolean; processors?: ContextProcessor[]; middleware?: Middleware[]; logger?: Logger; TEMPLATES?: unknown } = {}) {
  let rendered = 0;
  const counting: ContextProcessor = () => {
    rendered++;
    return { renders: rendered };
  };
  const app = createApp({
    settings: {
      DEBUG: options.debug ?? false,
      SECRET_KEY,
      ALLOWED_HOSTS: ['*'],
      INTERNAL_IPS: ['127.0.0.1'],
      STATIC_URL: '/static/',
      INSTALLED_APPS: [templatesApp(), defineApp({ label: 'blog', path: appFolder })],
      TEMPLATES: (options.TEMPLATES as never) ?? [
        { DIRS: [project], APP_DIRS: true, OPTIONS: { contextProcessors: [...Object.values(contextProcessors), counting, ...(options.processors ?? [])] } },
      ],
      MIDDLEWARE: options.middleware ?? [],
    },
    urls: [
      path('', TemplateView.asView({ templateName: 'home.eta', extraContext: { heading: '<Home>', slug: 'home' } }), { name: 'home' }),
      path('articles/<slug:slug>/', TemplateView.asView({ templateName: 'home.eta', extraContext: { heading: 'Article' } }), { name: 'article' }),
      path('form/', (request) => render(request, 'form.eta'), { name: 'form' }),
      path('processors/', (request) => render(request, 'processors.eta')),
      path('from-app/', (request) => render(request, ['nope.eta', 'from-app.eta'])),
      path('broken/', (request) => new TemplateResponse(request, 'broken.eta')),
      path('ctx/', (request) => new TemplateResponse(request, 'ctx.eta', { value: 'from view' })),
    ],
    logger: options.logger,
    global: false,
  });
  return { app, renders: () => rendered };
}

describe('templatesApp()', () => {
  it('makes core TemplateView render through the engine, with processors, helpers and inheritance', async () => {
    const { app, renders } = makeApp();
    const client = new Client(app);
    const response = await client.get('/articles/my-post/');
    expect(response.status).toBe(200);
    expect(response.text).toBe('<title>Article | Site</title>Article|my-post|<a href="/articles/my-post/">a</a><link href="/static/css/site.css">');
    expect(response.templateName).toEqual(['home.eta']);
    expect(response.context).toMatchObject({ heading: 'Article', slug: 'my-post' });
    // Context processors ran once for the page, its layout and its include.
    expect(renders()).toBe(1);
  });

  it('escapes what views put in the context', async () => {
    const { app } = makeApp();
    expect((await new Client(app).get('/')).text).toContain('<title>&lt;Home&gt; | Site</title>');
  });

  it("finds app templates after the project's (Django's order)", async () => {
    const { app } = makeApp();
    expect((await new Client(app).get('/from-app/')).text).toBe('app template');
  });

  it('gives render() responses the template name and context for the test client', async () => {
    const { app } = makeApp();
    const response = await new Client(app).get('/from-app/');
    expect(response.templateName).toEqual(['nope.eta', 'from-app.eta']);
  });

  it('runs the request, static and debug processors', async () => {
    const { app } = makeApp({ debug: true });
    expect((await new Client(app).get('/processors/')).text).toBe('/processors/|/static/|true');
    const { app: production } = makeApp({ debug: false });
    expect((await new Client(production).get('/processors/')).text).toBe('/processors/|/static/|false');
  });

  it("renders csrfInput() from a context processor's csrfToken (the @manouche/security contract), escaped", async () => {
    const security: ContextProcessor = () => ({ csrfToken: 'tok"en<', cspNonce: 'n0nce' });
    const { app } = makeApp({ processors: [security] });
    expect((await new Client(app).get('/form/')).text).toBe(
      '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="tok&quot;en&lt;"></form><script nonce="n0nce"></script>',
    );
  });

  it('renders nothing for csrfInput() when there is no token', async () => {
    const { app } = makeApp();
    expect((await new Client(app).get('/form/')).text).toBe('<form method="post"></form><script nonce=""></script>');
  });

  it('lets processTemplateResponse middleware change the context before rendering', async () => {
    const middleware: Middleware = (getResponse) =>
      Object.assign((request: HttpRequest) => getResponse(request), {
        processTemplateResponse: (_request: HttpRequest, response: HttpResponse) => {
          (response as TemplateResponse).context.value = 'changed by middleware';
          return response;
        },
      });
    const { app } = makeApp({ middleware: [middleware] });
    const response = await new Client(app).get('/ctx/');
    expect(response.text).toBe('changed by middleware');
    expect(response.response).toBeInstanceOf(TemplateResponse);
  });

  it('runs post-render callbacks', async () => {
    const { app } = makeApp();
    await app.ready();
    const request = app.createRequest({ method: 'GET', url: '/', headers: { host: 'x' } });
    const response = new TemplateResponse(request, 'ctx.eta', { value: 1 });
    const seen: string[] = [];
    response.addPostRenderCallback((r) => seen.push(String(r.content)));
    expect(response.isRendered).toBe(false);
    await response.render();
    expect(seen).toEqual(['1']);
    await response.render();
    expect(seen).toEqual(['1']);
  });

  it('answers a template error with a plain 500 in production, logged with the template and line', async () => {
    const logged: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (_m, meta) => logged.push(String((meta?.error as Error)?.message)) };
    const { app } = makeApp({ logger });
    const response = await new Client(app).get('/broken/');
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('missing');
    expect(logged[0]).toContain('Template "missing.eta" does not exist');
    expect(logged[0]).toContain('"broken.eta", line 1');
  });

  it('shows the DEBUG page naming the template', async () => {
    const { app } = makeApp({ debug: true });
    const response = await new Client(app).get('/broken/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Template error in broken.eta, line 1, column 5');
  });

  it('gives engines(app) and renderToString()', async () => {
    const { app } = makeApp();
    await app.ready();
    expect(engines(app).engine().render('ctx.eta', { value: 'sync' })).toBe('sync');
    const request = app.createRequest({ method: 'GET', url: '/x/', headers: { host: 'x' } });
    expect(await renderToString('processors.eta', {}, request)).toBe('/x/|/static/|false');
    expect(() => engines(app).engine('other')).toThrow(/No template engine named "other"/);
  });

  it('tries each engine of TEMPLATES in turn', async () => {
    const other = templateDir({ 'only-here.eta': 'second engine' });
    const { app } = makeApp({ TEMPLATES: [{ DIRS: [project], APP_DIRS: false }, { NAME: 'second', DIRS: [other], APP_DIRS: false }] });
    await app.ready();
    const request = app.createRequest({ method: 'GET', url: '/', headers: { host: 'x' } });
    expect(await renderToString('only-here.eta', {}, request)).toBe('second engine');
    expect(engines(app).engine('second').render('only-here.eta')).toBe('second engine');
  });

  it('has Django-like TEMPLATES defaults and checks', async () => {
    const app = createApp({ settings: { SECRET_KEY, INSTALLED_APPS: [templatesApp()] }, urls: [], global: false });
    expect(app.settings.TEMPLATES).toEqual([{ DIRS: [], APP_DIRS: true, OPTIONS: { contextProcessors: [contextProcessors.debug, contextProcessors.request, contextProcessors.static] } }]);
    expect(app.settings.INTERNAL_IPS).toEqual([]);
    const bad = createApp({
      settings: { SECRET_KEY, INSTALLED_APPS: [templatesApp()], TEMPLATES: [{ DIRS: ['/does/not/exist'], OPTIONS: { contextProcessors: ['x' as never] } }] },
      urls: [],
      global: false,
    });
    const ids = (await runChecks(bad, { deploy: false })).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['templates.W001', 'templates.E002']));
  });

  it('says what to install when the app is missing', async () => {
    const app = createApp({ settings: { SECRET_KEY, ALLOWED_HOSTS: ['*'], DEBUG: true }, urls: [path('', (request) => render(request, 'x.eta'))], global: false });
    const response = await new Client(app).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('add templatesApp() to INSTALLED_APPS');
  });
});

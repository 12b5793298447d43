import {
  Client,
  conditionalGetMiddleware,
  Http404,
  HttpResponse,
  JsonResponse,
  type Middleware,
  path,
  PermissionDenied,
} from '../src/index';
import { makeApp } from './helpers';

describe('middleware onion', () => {
  it('runs outermost first on the way in and last on the way out', async () => {
    const trace: string[] = [];
    const named = (name: string): Middleware => (getResponse) => async (request) => {
      trace.push(`${name} in`);
      const response = await getResponse(request);
      trace.push(`${name} out`);
      response.headers.append('x-trace', name);
      return response;
    };
    const app = makeApp([path('', () => { trace.push('view'); return new HttpResponse('ok'); })], { MIDDLEWARE: [named('a'), named('b')] });
    const response = await new Client(app).get('/');
    expect(trace).toEqual(['a in', 'b in', 'view', 'b out', 'a out']);
    expect(response.headers.get('x-trace')).toBe('b, a');
  });

  it('builds each middleware once, at start-up', async () => {
    let built = 0;
    const counting: Middleware = (getResponse) => {
      built++;
      return (request) => getResponse(request);
    };
    const app = makeApp([path('', () => new HttpResponse('ok'))], { MIDDLEWARE: [counting] });
    const client = new Client(app);
    await client.get('/');
    await client.get('/');
    expect(built).toBe(1);
  });

  it('lets a middleware short-circuit', async () => {
    const gate: Middleware = (getResponse) => async (request) => (request.headers['x-block'] ? new HttpResponse('blocked', { status: 429 }) : getResponse(request));
    const app = makeApp([path('', () => new HttpResponse('ok'))], { MIDDLEWARE: [gate] });
    expect((await new Client(app).get('/', {}, { headers: { 'x-block': '1' } })).status).toBe(429);
  });

  it('calls processView with the view and params, in order, and stops at the first response', async () => {
    const calls: string[] = [];
    const withHook = (name: string, answer?: HttpResponse): Middleware => (getResponse) =>
      Object.assign((request: Parameters<typeof getResponse>[0]) => getResponse(request), {
        processView: (_request: unknown, _view: unknown, params: Record<string, unknown>) => {
          calls.push(`${name}:${JSON.stringify(params)}`);
          return answer;
        },
      });
    const app = makeApp([path('<int:id>/', () => new HttpResponse('view'))], { MIDDLEWARE: [withHook('a'), withHook('b', new HttpResponse('from b')), withHook('c')] });
    const response = await new Client(app).get('/7/');
    expect(response.text).toBe('from b');
    expect(calls).toEqual(['a:{"id":7}', 'b:{"id":7}']);
  });

  it('offers view errors to processException, innermost first', async () => {
    const seen: string[] = [];
    const handler = (name: string, handles: boolean): Middleware => (getResponse) =>
      Object.assign((request: Parameters<typeof getResponse>[0]) => getResponse(request), {
        processException: (_request: unknown, error: unknown) => {
          seen.push(name);
          return handles ? new JsonResponse({ caught: (error as Error).message }, { status: 503 }) : undefined;
        },
      });
    const app = makeApp([path('', () => { throw new Error('db down'); })], { MIDDLEWARE: [handler('outer', true), handler('inner', false)] });
    const response = await new Client(app).get('/');
    expect(seen).toEqual(['inner', 'outer']);
    expect(response.status).toBe(503);
    expect(response.json()).toEqual({ caught: 'db down' });
  });

  it('turns an exception inside a middleware into a response outer layers can see', async () => {
    const failing: Middleware = () => async () => {
      throw new PermissionDenied('nope');
    };
    const observed: number[] = [];
    const outer: Middleware = (getResponse) => async (request) => {
      const response = await getResponse(request);
      observed.push(response.status);
      return response;
    };
    const app = makeApp([path('', () => new HttpResponse('ok'))], { MIDDLEWARE: [outer, failing] });
    expect((await new Client(app).get('/')).status).toBe(403);
    expect(observed).toEqual([403]);
  });

  it('renders deferred template responses after processTemplateResponse', async () => {
    class Deferred extends HttpResponse {
      constructor(public ctx: Record<string, unknown>) {
        super('');
        this.isRendered = false;
      }
      override async render(): Promise<this> {
        this.content = `hello ${String(this.ctx.name)}`;
        this.isRendered = true;
        return this;
      }
    }
    const addName: Middleware = (getResponse) =>
      Object.assign((request: Parameters<typeof getResponse>[0]) => getResponse(request), {
        processTemplateResponse: (_request: unknown, response: HttpResponse) => {
          (response as Deferred).ctx.name = 'from middleware';
          return response;
        },
      });
    const app = makeApp([path('', () => new Deferred({ name: 'view' }))], { MIDDLEWARE: [addName] });
    expect((await new Client(app).get('/')).text).toBe('hello from middleware');
  });

  it('reports a view that returns nothing', async () => {
    const app = makeApp([path('', (() => undefined) as never, { name: 'home' })], { DEBUG: true });
    const response = await new Client(app).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toContain("The view home didn&#x27;t return an HttpResponse object. It returned undefined instead.");
  });

  it('refuses a middleware factory that returns no handler', () => {
    const broken = (() => 42) as unknown as Middleware;
    expect(() => makeApp([], { MIDDLEWARE: [broken] })).toThrow(/must return a handler function/);
  });
});

describe('conditionalGetMiddleware', () => {
  it('adds an ETag and answers If-None-Match with 304', async () => {
    const app = makeApp([path('', () => new HttpResponse('same body'))], { MIDDLEWARE: [conditionalGetMiddleware] });
    const client = new Client(app);
    const first = await client.get('/');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const second = await client.get('/', {}, { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(second.content.length).toBe(0);
  });

  it('leaves errors alone', async () => {
    const app = makeApp([path('', () => { throw new Http404(); })], { MIDDLEWARE: [conditionalGetMiddleware] });
    expect((await new Client(app).get('/')).headers.get('etag')).toBeUndefined();
  });
});

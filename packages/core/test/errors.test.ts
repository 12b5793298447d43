import { BadRequest, Client, Http404, HttpResponse, JsonResponse, path, PermissionDenied, SuspiciousOperation, type Logger } from '../src/index';
import { makeApp, TEST_SECRET } from './helpers';

function recordingLogger(): Logger & { lines: Array<[string, string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => lines.push([level, message, meta]);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const urls = [
  path('boom/', () => {
    throw new Error('secret internal detail: password=hunter2');
  }),
  path('denied/', () => {
    throw new PermissionDenied('staff only');
  }),
  path('missing/', () => {
    throw new Http404('no such article');
  }),
  path('bad/', () => {
    throw new BadRequest('the "page" parameter must be a number');
  }),
  path('suspicious/', () => {
    throw new SuspiciousOperation('tampered session for user 7');
  }),
];

describe('production error pages (DEBUG=false)', () => {
  const logger = recordingLogger();
  const app = makeApp(urls, { DEBUG: false }, { logger });
  const client = new Client(app);

  it('500: no stack, no message, but logged with the stack', async () => {
    const response = await client.get('/boom/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Server Error (500)');
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('at ');
    const [level, message, meta] = logger.lines.find(([, m]) => m.startsWith('Internal Server Error'))!;
    expect(level).toBe('error');
    expect(message).toBe('Internal Server Error: /boom/');
    expect((meta?.error as Error).stack).toContain('secret internal detail');
  });

  it('403 and 404 use the generic pages', async () => {
    expect((await client.get('/denied/')).text).toContain('403 Forbidden');
    const missing = await client.get('/missing/');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('no such article');
  });

  it('400: a bad request explains itself; a suspicious one does not', async () => {
    const bad = await client.get('/bad/');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('the &quot;page&quot; parameter must be a number');
    const suspicious = await client.get('/suspicious/');
    expect(suspicious.status).toBe(400);
    expect(suspicious.text).not.toContain('tampered');
    expect(logger.lines.some(([level, m, meta]) => level === 'warn' && m.includes('tampered session') && meta?.security === true)).toBe(true);
  });

  it('answers API clients in JSON', async () => {
    const response = await client.get('/bad/', {}, { headers: { accept: 'application/json' } });
    expect(response.json()).toEqual({ error: { status: 400, code: 'bad_request', message: 'the "page" parameter must be a number' } });
    expect((await client.get('/boom/', {}, { headers: { accept: 'application/json' } })).json()).toEqual({ error: { status: 500, code: 'server_error', message: 'Server Error (500)' } });
  });
});

describe('custom handlers', () => {
  it('uses the project handlers, with the right status', async () => {
    const app = makeApp(urls, {}, {
      handlers: {
        404: (request) => new HttpResponse(`<h1>Lost? ${request.path}</h1>`),
        500: () => new JsonResponse({ sorry: true }),
      },
    });
    const client = new Client(app);
    const notFound = await client.get('/nowhere/');
    expect(notFound.status).toBe(404);
    expect(notFound.text).toBe('<h1>Lost? /nowhere/</h1>');
    const boom = await client.get('/boom/');
    expect(boom.status).toBe(500);
    expect(boom.json()).toEqual({ sorry: true });
  });

  it('falls back to the built-in page when a handler itself fails', async () => {
    const app = makeApp(urls, {}, { handlers: { 500: () => { throw new Error('handler broken'); } }, logger: recordingLogger() });
    const response = await new Client(app).get('/boom/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Server Error (500)');
  });
});

describe('debug pages (DEBUG=true)', () => {
  const app = makeApp(urls, { DEBUG: true, SECRET_KEY: TEST_SECRET, SECRET_KEY_FALLBACKS: ['old-secret-value'], ...({ DATABASE_PASSWORD: 'db-pass-123', STRIPE_API_KEY: 'sk_live_123' } as object) }, { logger: recordingLogger() });
  const client = new Client(app);

  it('shows the error, the stack and the request, with secrets masked', async () => {
    const response = await client.get('/boom/?q=1', {}, { headers: { cookie: 'sessionid=abc123secret', authorization: 'Bearer tok' } });
    expect(response.status).toBe(500);
    expect(response.text).toContain('Error at /boom/');
    expect(response.text).toContain('secret internal detail');
    expect(response.text).toContain('errors.test.ts');
    for (const secret of [TEST_SECRET, 'old-secret-value', 'db-pass-123', 'sk_live_123', 'abc123secret', 'Bearer tok']) {
      expect(response.text).not.toContain(secret);
    }
    expect(response.text).toContain('SECRET_KEY');
    expect(response.text).toContain('********************');
  });

  it('lists the URL patterns tried on a 404', async () => {
    const response = await client.get('/nowhere/');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Manouche tried these URL patterns');
    expect(response.text).toContain('<code>boom/</code>');
  });

  it('escapes everything it shows', async () => {
    const response = await client.get('/<script>alert(1)</script>/');
    expect(response.text).not.toContain('<script>alert(1)</script>');
  });
});

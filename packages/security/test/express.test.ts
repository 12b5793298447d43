import { once } from 'node:events';
import { type IncomingMessage, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { CSP, expressCsrf, expressRateLimit, expressSecurity, expressSecurityHeaders, getCspNonce, getToken, type ExpressCsrfOptions } from '../src/index';
import { memoryLogger } from './helpers';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function site(options: ExpressCsrfOptions = {}) {
  const logger = memoryLogger();
  const app = express();
  app.use(express.urlencoded({ extended: false }), express.json());
  app.use(expressSecurity({ ALLOWED_HOSTS: ['127.0.0.1', 'example.com'], logger, exempt: (req) => req.url === '/hook', ...options }));
  app.get('/form', (req, res) => {
    res.send(`<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${getToken(req)}"></form>`);
  });
  app.get('/locals', (_req, res) => {
    res.json({ token: res.locals.csrfToken, nonce: res.locals.cspNonce });
  });
  app.get('/plain', (_req, res) => {
    res.send('plain');
  });
  app.get('/embed', (_req, res) => {
    res.removeHeader('x-frame-options');
    res.send('embeddable');
  });
  app.post('/comment', (req, res) => {
    res.send(`saved ${req.body?.text ?? ''}`);
  });
  app.post('/hook', (_req, res) => {
    res.send('hooked');
  });
  return { app, logger };
}

class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async fetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }

  async token(): Promise<string> {
    const page = await (await this.fetch('/form')).text();
    return /value="([^"]+)"/.exec(page)![1]!;
  }

  post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }
}

/** A raw request, to send request lines and Host headers fetch would not. */
function raw(base: string, path: string, headers: Record<string, string>): Promise<number> {
  return rawResponse(base, path, headers).then((r) => r.statusCode!);
}

function rawResponse(base: string, path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers, setHost: false }, (res) => {
      res.resume();
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('in Express', () => {
  it('sends the security headers, and the CSRF cookie only with a token', async () => {
    const browser = new Browser(await serve(site().app));
    const plain = await browser.fetch('/plain');
    expect(plain.headers.get('x-frame-options')).toBe('DENY');
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('referrer-policy')).toBe('same-origin');
    expect(plain.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(plain.headers.getSetCookie()).toEqual([]);
    const form = await browser.fetch('/form');
    const [cookie] = form.headers.getSetCookie();
    expect(cookie).toMatch(/^csrftoken=[a-zA-Z0-9]{32}; Max-Age=31449600; Expires=.*; Path=\/; SameSite=Lax$/);
    expect(form.headers.get('vary')).toContain('Cookie');
    expect((await browser.fetch('/embed')).headers.get('x-frame-options')).toBeNull();
  });

  it('accepts a form with its token, and refuses forgeries', async () => {
    const { app, logger } = site();
    const base = await serve(app);
    const browser = new Browser(base);
    const token = await browser.token();
    const ok = await browser.post('/comment', `csrfmiddlewaretoken=${token}&text=hi`, { origin: base });
    expect([ok.status, await ok.text()]).toEqual([200, 'saved hi']);
    expect((await browser.post('/comment', 'text=hi')).status).toBe(403);
    expect((await browser.post('/comment', `csrfmiddlewaretoken=${token}`, { origin: 'https://evil.com' })).status).toBe(403);
    expect((await browser.post('/comment', `csrfmiddlewaretoken=${token}`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const stranger = new Browser(base);
    await stranger.token();
    expect((await stranger.post('/comment', `csrfmiddlewaretoken=${token}`)).status).toBe(403);
    expect(logger.lines.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'Forbidden (CSRF token missing.): /comment',
        'Forbidden (Origin checking failed - https://evil.com does not match any trusted origins.): /comment',
        'Forbidden (CSRF token from POST incorrect.): /comment',
      ]),
    );
  });

  it('takes the token from X-CSRFToken for fetch, and answers JSON to API clients', async () => {
    const browser = new Browser(await serve(site().app));
    const token = await browser.token();
    const json = { 'content-type': 'application/json', accept: 'application/json' };
    expect((await browser.fetch('/comment', { method: 'POST', body: '{"text":"x"}', headers: { ...json, 'x-csrftoken': token } })).status).toBe(200);
    const refused = await browser.fetch('/comment', { method: 'POST', body: '{"text":"x"}', headers: json });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { status: 403, code: 'csrf_failed', message: 'CSRF verification failed. Request aborted.' } });
  });

  it('lets exempt routes through, and explains failures with DEBUG', async () => {
    const browser = new Browser(await serve(site({ DEBUG: true }).app));
    expect((await browser.post('/hook', '{}', { origin: 'https://github.com' })).status).toBe(200);
    const refused = await browser.post('/comment', 'text=x');
    expect(await refused.text()).toContain('<pre>CSRF cookie not set.</pre>');
  });

  it('gives templates the token and the nonce in res.locals, and the nonce to the CSP', async () => {
    const browser = new Browser(await serve(site({ SECURE_CSP: { 'script-src': [CSP.SELF, CSP.NONCE] } }).app));
    const response = await browser.fetch('/locals');
    const { token, nonce } = (await response.json()) as { token: string; nonce: string };
    expect(token).toHaveLength(64);
    expect(response.headers.get('content-security-policy')).toBe(`script-src 'self' 'nonce-${nonce}'; frame-ancestors 'none'`);
    expect(browser.cookies.get('csrftoken')).toHaveLength(32);
    expect((await browser.fetch('/plain')).headers.get('content-security-policy')).toBe("script-src 'self'; frame-ancestors 'none'");
  });

  describe('Host header attacks', () => {
    it('refuses a Host outside ALLOWED_HOSTS with a 400, and trusts X-Forwarded-Host only when told', async () => {
      const base = await serve(site().app);
      expect(await raw(base, '/plain', { host: 'example.com' })).toBe(200);
      expect(await raw(base, '/plain', { host: 'evil.com' })).toBe(400);
      expect(await raw(base, '/plain', {})).toBe(400);
      expect(await raw(base, '/plain', { host: 'example.com:80@evil.com' })).toBe(400);
      expect(await raw(base, '/plain', { host: 'example.com', 'x-forwarded-host': 'evil.com' })).toBe(200);
      const trusting = await serve(site({ USE_X_FORWARDED_HOST: true }).app);
      expect(await raw(trusting, '/plain', { host: 'example.com', 'x-forwarded-host': 'evil.com' })).toBe(400);
    });

    it('checks the authority of an absolute-URI request line, not the Host header', async () => {
      const base = await serve(site().app);
      expect(await raw(base, 'http://evil.com/plain', { host: 'example.com' })).toBe(400);
      expect(await raw(base, 'http://example.com/plain', { host: 'evil.com' })).toBe(200);
    });
  });

  it('redirects to HTTPS once behind a proxy named by SECURE_PROXY_SSL_HEADER, with HSTS over HTTPS', async () => {
    const app = express();
    app.use(expressSecurityHeaders({ ALLOWED_HOSTS: ['example.com'], SECURE_SSL_REDIRECT: true, SECURE_HSTS_SECONDS: 600, SECURE_PROXY_SSL_HEADER: ['x-forwarded-proto', 'https'] }));
    app.get('/page', (_req, res) => {
      res.send('page');
    });
    const base = await serve(app);
    const plain = await rawResponse(base, '/page?x=1', { host: 'example.com', 'x-forwarded-proto': 'http' });
    expect([plain.statusCode, plain.headers.location]).toEqual([301, 'https://example.com/page?x=1']);
    const proxied = await rawResponse(base, '/page?x=1', { host: 'example.com', 'x-forwarded-proto': 'https' });
    expect(proxied.statusCode).toBe(200);
    expect(proxied.headers['strict-transport-security']).toBe('max-age=600');
  });

  it('rate-limits with a 429 and Retry-After, exactly the limit under concurrency', async () => {
    const app = express();
    app.use(expressRateLimit({ rate: '10/h', logger: memoryLogger() }));
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    const base = await serve(app);
    const responses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${base}/api`)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = responses.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('3600');
  });

  it('makes getToken() explain a missing middleware', () => {
    expect(() => getToken({})).toThrow(/needs the CSRF middleware to have seen this request: add expressCsrf\(\)/);
    expect(getCspNonce({})).toMatch(/==$/);
  });

  it('reads the session for CSRF_USE_SESSIONS, express-session style', async () => {
    const store = new Map<string, Record<string, unknown>>();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use((req, res, next) => {
      const sid = /sid=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? `s${store.size + 1}`;
      if (!store.has(sid)) {
        store.set(sid, {});
        res.setHeader('set-cookie', `sid=${sid}`);
      }
      Object.assign(req, { session: store.get(sid) });
      next();
    });
    app.use(expressCsrf({ ALLOWED_HOSTS: ['127.0.0.1'], CSRF_USE_SESSIONS: true, logger: memoryLogger() }));
    app.get('/form', (req, res) => {
      res.send(`value="${getToken(req)}"`);
    });
    app.post('/comment', (_req, res) => {
      res.send('saved');
    });
    const browser = new Browser(await serve(app));
    const token = await browser.token();
    expect(browser.cookies.has('csrftoken')).toBe(false);
    expect(store.get(browser.cookies.get('sid')!)!._csrftoken).toHaveLength(32);
    expect((await browser.post('/comment', `csrfmiddlewaretoken=${token}`)).status).toBe(200);
    expect((await browser.post('/comment', 'csrfmiddlewaretoken=x')).status).toBe(403);
  });
});

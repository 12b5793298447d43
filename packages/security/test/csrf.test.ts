import { Client, commonMiddleware, HttpResponse, ImproperlyConfigured, JsonResponse, type Middleware, path, serializeCookie, thenResponse } from '@manouche/core';
import {
  CSRF_SESSION_KEY,
  csrfExempt,
  csrfViewMiddleware,
  ensureCsrfCookie,
  getToken,
  REASON_CROSS_SITE,
  REASON_NO_CSRF_COOKIE,
  rotateToken,
} from '../src/index';
import { CSRF_TOKEN_LENGTH, doesTokenMatch, maskCipherSecret, newCsrfString, tokenFormatProblem, unmaskCipherToken } from '../src/csrf/token';
import { makeApp, memoryLogger } from './helpers';

const urls = [
  path('form/', (request) => new JsonResponse({ token: getToken(request) })),
  path('two-tokens/', (request) => new JsonResponse({ tokens: [getToken(request), getToken(request)] })),
  path('plain/', () => new HttpResponse('no form here')),
  path('submit/', async (request) => new HttpResponse(`ok ${(await request.form()).get('title') ?? ''}`)),
  path('login/', (request) => {
    rotateToken(request);
    return new HttpResponse('logged in');
  }),
  path('hook/', csrfExempt(() => new HttpResponse('hooked'))),
  path('spa/', ensureCsrfCookie(() => new HttpResponse('<div id="app"></div>'))),
];

type Extra = Parameters<typeof makeApp>[1];
function setup(settings: Extra = {}) {
  const logger = memoryLogger();
  const app = makeApp(urls, { MIDDLEWARE: [commonMiddleware, csrfViewMiddleware], ...settings }, { logger });
  return { app, logger, client: new Client(app, { enforceCsrfChecks: true, host: 'example.com' }) };
}

async function tokenFor(client: Client, secure = false): Promise<string> {
  const response = await client.get('/form/', undefined, { secure });
  return response.json<{ token: string }>().token;
}

const form = { contentType: 'application/x-www-form-urlencoded' } as const;

describe('CSRF tokens', () => {
  it('masks the secret with a new mask every time, and unmasks it back', () => {
    const secret = newCsrfString();
    const a = maskCipherSecret(secret);
    const b = maskCipherSecret(secret);
    expect(secret).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(a).toHaveLength(CSRF_TOKEN_LENGTH);
    expect(a).not.toBe(b);
    expect(unmaskCipherToken(a)).toBe(secret);
    expect(unmaskCipherToken(b)).toBe(secret);
    expect(doesTokenMatch(a, secret)).toBe(true);
    expect(doesTokenMatch(secret, secret)).toBe(true);
    expect(doesTokenMatch(maskCipherSecret(newCsrfString()), secret)).toBe(false);
  });

  it('draws every character of the alphabet, without bias towards the first ones', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const c of newCsrfString()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 32) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it('names the format problem of a token', () => {
    expect(tokenFormatProblem('a'.repeat(32))).toBeNull();
    expect(tokenFormatProblem('a'.repeat(64))).toBeNull();
    expect(tokenFormatProblem('a'.repeat(33))).toBe('has incorrect length');
    expect(tokenFormatProblem(`${'a'.repeat(31)}!`)).toBe('has invalid characters');
    expect(tokenFormatProblem(`${'a'.repeat(31)}é`)).toBe('has invalid characters');
  });
});

describe('csrfViewMiddleware', () => {
  describe('the cookie', () => {
    it('is not set by a page that uses no token', async () => {
      const { client } = setup();
      const response = await client.get('/plain/');
      expect(response.response.hasCookies).toBe(false);
      expect(response.headers.get('vary')).toBeUndefined();
    });

    it('is set, with Vary: Cookie, when a view asked for a token', async () => {
      const { client } = setup();
      const response = await client.get('/form/');
      const cookie = response.response.cookies.get('csrftoken')!;
      expect(cookie.value).toMatch(/^[a-zA-Z0-9]{32}$/);
      expect(response.headers.get('vary')).toBe('Cookie');
      const header = serializeCookie(cookie, false);
      expect(header).toContain('SameSite=Lax');
      expect(header).toContain('Max-Age=31449600');
      expect(header).not.toContain('HttpOnly');
      expect(header).not.toContain('Secure');
      expect(unmaskCipherToken(response.json<{ token: string }>().token)).toBe(cookie.value);
    });

    it('is Secure over HTTPS, and always with CSRF_COOKIE_SECURE', async () => {
      const { client } = setup();
      const secure = await client.get('/form/', undefined, { secure: true, headers: {} });
      expect(serializeCookie(secure.response.cookies.get('csrftoken')!, true)).toContain('Secure');
      const forced = setup({ CSRF_COOKIE_SECURE: true, CSRF_COOKIE_HTTPONLY: true, CSRF_COOKIE_NAME: '__Host-csrf', CSRF_COOKIE_SAMESITE: 'Strict' });
      const response = await forced.client.get('/form/');
      const header = serializeCookie(response.response.cookies.get('__Host-csrf')!, false);
      expect(header).toMatch(/Secure/);
      expect(header).toMatch(/HttpOnly/);
      expect(header).toMatch(/SameSite=Strict/);
    });

    it('keeps the same secret across pages, and ensureCsrfCookie sets it without a form', async () => {
      const { client } = setup();
      const spa = await client.get('/spa/');
      const secret = spa.response.cookies.get('csrftoken')!.value;
      const next = await client.get('/form/');
      expect(next.response.cookies.get('csrftoken')!.value).toBe(secret);
    });

    it('gives two different tokens for the same secret in one page', async () => {
      const { client } = setup();
      const [a, b] = (await client.get('/two-tokens/')).json<{ tokens: string[] }>().tokens;
      expect(a).not.toBe(b);
      expect(unmaskCipherToken(a!)).toBe(unmaskCipherToken(b!));
    });
  });

  describe('attacks on the token', () => {
    it('refuses a cross-site POST without cookie or token (403)', async () => {
      const { client, logger } = setup();
      const response = await client.post('/submit/', { title: 'pwned' }, form);
      expect(response.status).toBe(403);
      expect(response.text).toContain('CSRF verification failed');
      expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: `Forbidden (${REASON_NO_CSRF_COOKIE}): /submit/` }));
    });

    it('refuses a POST that has the cookie but no token', async () => {
      const { client, logger } = setup();
      await tokenFor(client);
      const response = await client.post('/submit/', { title: 'x' }, form);
      expect(response.status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain('CSRF token missing.');
    });

    it('accepts the right token from the form field, urlencoded or multipart', async () => {
      const { client } = setup();
      const token = await tokenFor(client);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: token, title: 'a' }, form)).text).toBe('ok a');
      expect((await client.post('/submit/', { csrfmiddlewaretoken: token, title: 'b' })).text).toBe('ok b');
    });

    it('refuses a wrong token of the right shape', async () => {
      const { client, logger } = setup();
      await tokenFor(client);
      const response = await client.post('/submit/', { csrfmiddlewaretoken: maskCipherSecret(newCsrfString()) }, form);
      expect(response.status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain('CSRF token from POST incorrect.');
    });

    it('refuses malformed tokens, saying what is wrong', async () => {
      const { client, logger } = setup();
      await tokenFor(client);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: 'short' }, form)).status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain('CSRF token from POST has incorrect length.');
      expect((await client.post('/submit/', undefined, { headers: { 'x-csrftoken': `${'a'.repeat(63)}-` } })).status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain("CSRF token from the 'X-CSRFToken' HTTP header has invalid characters.");
    });

    it('refuses a token taken from another client (another secret)', async () => {
      const victim = setup();
      const stolen = await tokenFor(victim.client);
      const attacker = new Client(victim.app, { enforceCsrfChecks: true, host: 'example.com' });
      await tokenFor(attacker);
      expect((await attacker.post('/submit/', { csrfmiddlewaretoken: stolen }, form)).status).toBe(403);
      // and a token without the victim's cookie at all
      const fresh = new Client(victim.app, { enforceCsrfChecks: true, host: 'example.com' });
      expect((await fresh.post('/submit/', { csrfmiddlewaretoken: stolen }, form)).status).toBe(403);
    });

    it('accepts a masked token replayed many times: masking is not a nonce', async () => {
      const { client } = setup();
      const token = await tokenFor(client);
      for (let i = 0; i < 3; i++) expect((await client.post('/submit/', { csrfmiddlewaretoken: token }, form)).status).toBe(200);
      const other = await tokenFor(client);
      expect(other).not.toBe(token);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: token }, form)).status).toBe(200);
    });

    it('takes the token from X-CSRFToken for fetch, masked or as the bare cookie value', async () => {
      const { client } = setup();
      const token = await tokenFor(client);
      const json = { contentType: 'application/json' } as const;
      expect((await client.post('/submit/', { a: 1 }, { ...json, headers: { 'x-csrftoken': token } })).status).toBe(200);
      expect((await client.post('/submit/', { a: 1 }, { ...json, headers: { 'x-csrftoken': client.cookies.get('csrftoken')! } })).status).toBe(200);
      expect((await client.post('/submit/', { a: 1 }, json)).status).toBe(403);
    });

    it('reads a custom header, given in either spelling of CSRF_HEADER_NAME', async () => {
      for (const name of ['X-XSRF-Token', 'HTTP_X_XSRF_TOKEN']) {
        const { client } = setup({ CSRF_HEADER_NAME: name });
        const token = await tokenFor(client);
        expect((await client.post('/submit/', undefined, { headers: { 'x-xsrf-token': token } })).status).toBe(200);
        expect((await client.post('/submit/', undefined, { headers: { 'x-csrftoken': token } })).status).toBe(403);
      }
    });

    it('checks PUT, PATCH and DELETE, and leaves GET, HEAD and OPTIONS alone', async () => {
      const { client } = setup();
      for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await client.request(method, '/submit/')).status).toBe(403);
      for (const method of ['GET', 'HEAD', 'OPTIONS']) expect((await client.request(method, '/submit/')).status).toBe(200);
      const token = await tokenFor(client);
      for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await client.request(method, '/submit/', undefined, { headers: { 'x-csrftoken': token } })).status).toBe(200);
    });

    it('refuses a malformed cookie and replaces it with a good one', async () => {
      const { client, logger } = setup();
      client.cookies.set('csrftoken', 'not-a-secret');
      const response = await client.post('/submit/', { csrfmiddlewaretoken: maskCipherSecret(newCsrfString()) }, form);
      expect(response.status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain('CSRF cookie has incorrect length.');
      expect(client.cookies.get('csrftoken')).toMatch(/^[a-zA-Z0-9]{32}$/);
      const token = await tokenFor(client);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: token }, form)).status).toBe(200);
    });

    it('rotateToken() makes tokens issued before it fail', async () => {
      const { client } = setup();
      const before = await tokenFor(client);
      const oldSecret = client.cookies.get('csrftoken');
      await client.post('/login/', { csrfmiddlewaretoken: before }, form);
      expect(client.cookies.get('csrftoken')).not.toBe(oldSecret);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: before }, form)).status).toBe(403);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: await tokenFor(client) }, form)).status).toBe(200);
    });
  });

  describe('Origin, Referer and Fetch Metadata', () => {
    it('accepts the site’s own Origin, and refuses another or a null one even with a valid token', async () => {
      const { client, logger } = setup();
      const token = await tokenFor(client);
      const post = (origin: string, secure = false) => client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, secure, headers: { origin } });
      expect((await post('http://example.com')).status).toBe(200);
      expect((await post('https://example.com', true)).status).toBe(200);
      expect((await post('https://evil.com')).status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain('Origin checking failed - https://evil.com does not match any trusted origins.');
      expect((await post('null')).status).toBe(403);
      // right host, wrong scheme: HTTP pages must not post to the HTTPS site
      expect((await post('http://example.com', true)).status).toBe(403);
      expect((await post('http://example.com:8080')).status).toBe(403);
    });

    it('accepts CSRF_TRUSTED_ORIGINS, exact or by wildcard subdomain, scheme included', async () => {
      const { client } = setup({ CSRF_TRUSTED_ORIGINS: ['https://partner.net', 'https://*.example.org'] });
      const token = await tokenFor(client);
      const post = (origin: string) => client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, headers: { origin } });
      expect((await post('https://partner.net')).status).toBe(200);
      expect((await post('https://a.example.org')).status).toBe(200);
      expect((await post('https://a.b.example.org')).status).toBe(200);
      expect((await post('http://a.example.org')).status).toBe(403);
      expect((await post('https://evilexample.org')).status).toBe(403);
      expect((await post('https://partner.net.evil.com')).status).toBe(403);
    });

    it('refuses CSRF_TRUSTED_ORIGINS entries without a scheme at start-up', () => {
      expect(() => setup({ CSRF_TRUSTED_ORIGINS: ['example.org'] }).client).toThrow(ImproperlyConfigured);
      expect(() => setup({ CSRF_TRUSTED_ORIGINS: ['https://a*.example.org'] }).client).toThrow(/whole leading label/);
    });

    it('over HTTPS without Origin, requires a Referer from this site over HTTPS', async () => {
      const { client, logger } = setup();
      const token = await tokenFor(client, true);
      const post = (headers: Record<string, string>) => client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, secure: true, headers });
      const last = () => logger.lines.at(-1)!.message;
      expect((await post({})).status).toBe(403);
      expect(last()).toContain('Referer checking failed - no Referer.');
      expect((await post({ referer: 'http://example.com/form/' })).status).toBe(403);
      expect(last()).toContain('Referer is insecure while host is secure.');
      expect((await post({ referer: 'https://evil.com/form/' })).status).toBe(403);
      expect(last()).toContain('https://evil.com/form/ does not match any trusted origins.');
      expect((await post({ referer: 'not a url' })).status).toBe(403);
      expect(last()).toContain('Referer is malformed.');
      expect((await post({ referer: 'https://example.com@evil.com/' })).status).toBe(403);
      expect((await post({ referer: 'https://evil.com\\example.com/' })).status).toBe(403);
      expect((await post({ referer: 'https://example.com.evil.com/' })).status).toBe(403);
      expect((await post({ referer: 'https://example.com/form/' })).status).toBe(200);
    });

    it('shows the Referer help on the DEBUG page', async () => {
      const { client } = setup({ DEBUG: true });
      const token = await tokenFor(client, true);
      const response = await client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, secure: true });
      expect(response.text).toContain('requires a “Referer header”');
      expect(response.text).toContain('Reason given for failure:');
    });

    it('lets a Referer match a trusted origin, or the cookie domain with the port', async () => {
      const { client } = setup({ CSRF_TRUSTED_ORIGINS: ['https://*.partner.net'], CSRF_COOKIE_DOMAIN: '.example.com', ALLOWED_HOSTS: ['.example.com'] });
      const token = await tokenFor(client, true);
      const post = (referer: string, host = 'example.com') => client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, secure: true, headers: { referer, host } });
      expect((await post('https://shop.partner.net/')).status).toBe(200);
      expect((await post('https://www.example.com/')).status).toBe(200);
      expect((await post('https://www.example.com:8443/', 'example.com:8443')).status).toBe(200);
      expect((await post('https://www.example.com/', 'example.com:8443')).status).toBe(403);
    });

    it('needs no Referer over plain HTTP (there is nothing to protect from a man in the middle)', async () => {
      const { client } = setup();
      const token = await tokenFor(client);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: token }, form)).status).toBe(200);
    });

    it('refuses Sec-Fetch-Site: cross-site even with a valid token, unless the Origin is trusted', async () => {
      const { client, logger } = setup({ CSRF_TRUSTED_ORIGINS: ['https://partner.net'] });
      const token = await tokenFor(client);
      const post = (headers: Record<string, string>) => client.post('/submit/', { csrfmiddlewaretoken: token }, { ...form, headers });
      expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect(logger.lines.at(-1)!.message).toContain(REASON_CROSS_SITE);
      expect((await post({ 'sec-fetch-site': 'cross-site', origin: 'http://example.com' })).status).toBe(403);
      expect((await post({ 'sec-fetch-site': 'cross-site', origin: 'https://partner.net' })).status).toBe(200);
      expect((await post({ 'sec-fetch-site': 'same-origin', origin: 'http://example.com' })).status).toBe(200);
      expect((await post({ 'sec-fetch-site': 'none' })).status).toBe(200);
    });
  });

  describe('exemptions', () => {
    it('lets a csrfExempt view take unsafe requests without any token', async () => {
      const { client } = setup();
      const response = await client.post('/hook/', '{"event":1}', { contentType: 'application/json', headers: { origin: 'https://github.com', 'sec-fetch-site': 'cross-site' } });
      expect(response.status).toBe(200);
      expect(response.text).toBe('hooked');
    });

    it('still checks a POST to a URL with no view', async () => {
      const { client } = setup();
      expect((await client.post('/nowhere/', undefined)).status).toBe(403);
    });

    it('honours the test client’s dontEnforceCsrfChecks, and still sets the cookie', async () => {
      const { app } = setup();
      const relaxed = new Client(app, { host: 'example.com' });
      expect((await relaxed.post('/submit/', { title: 't' }, { ...form, headers: { origin: 'https://evil.com' } })).status).toBe(200);
      expect((await relaxed.get('/form/')).response.cookies.has('csrftoken')).toBe(true);
    });
  });

  describe('failure responses', () => {
    it('shows the reason only with DEBUG', async () => {
      const quiet = setup();
      const plain = await quiet.client.post('/submit/', undefined);
      expect(plain.text).toContain('CSRF verification failed. Request aborted.');
      expect(plain.text).not.toContain('CSRF cookie not set');
      expect(plain.text).toContain('this site requires a CSRF cookie');
      const loud = setup({ DEBUG: true });
      const debug = await loud.client.post('/submit/', undefined, { headers: { origin: 'https://<evil>.com' } });
      expect(debug.status).toBe(403);
      expect(debug.text).toContain('Origin checking failed - https://&lt;evil&gt;.com does not match');
      expect(debug.text).toContain('DEBUG = true');
    });

    it('answers JSON to API clients', async () => {
      const { client } = setup();
      const response = await client.post('/submit/', undefined, { headers: { accept: 'application/json' } });
      expect(response.status).toBe(403);
      expect(response.json()).toEqual({ error: { status: 403, code: 'csrf_failed', message: 'CSRF verification failed. Request aborted.' } });
    });

    it('uses CSRF_FAILURE_VIEW', async () => {
      const { client } = setup({ CSRF_FAILURE_VIEW: (_request, reason) => new HttpResponse(`nope: ${reason}`, { status: 403 }) });
      const response = await client.post('/submit/', undefined);
      expect(response.text).toBe(`nope: ${REASON_NO_CSRF_COOKIE}`);
    });

    it('refuses bad settings with a message naming them', () => {
      expect(() => setup({ CSRF_COOKIE_SAMESITE: 'lax' as never }).client).toThrow(/CSRF_COOKIE_SAMESITE setting must be one of "Lax", "Strict", "None" or false; got "lax"/);
      expect(() => setup({ CSRF_HEADER_NAME: 'X CSRF' }).client).toThrow(/CSRF_HEADER_NAME/);
    });
  });

  describe('CSRF_USE_SESSIONS', () => {
    // a minimal session middleware, standing in for @manouche/auth's
    const store = new Map<string, Map<string, unknown>>();
    const sessions: Middleware = (getResponse) => (request) => {
      const id = request.cookies.sid;
      const data = (id && store.get(id)) || new Map<string, unknown>();
      Object.assign(request, { session: { get: (key: string) => data.get(key), set: (key: string, value: unknown) => data.set(key, value) } });
      return thenResponse(getResponse(request), (response) => {
        if (!id && data.size > 0) {
          const newId = `s${store.size + 1}`;
          store.set(newId, data);
          response.setCookie('sid', newId);
        }
        return response;
      });
    };

    it('keeps the secret in the session, not in a cookie', async () => {
      const app = makeApp(urls, { CSRF_USE_SESSIONS: true, MIDDLEWARE: [sessions, csrfViewMiddleware] });
      const client = new Client(app, { enforceCsrfChecks: true, host: 'example.com' });
      const page = await client.get('/form/');
      expect(client.cookies.has('csrftoken')).toBe(false);
      const session = store.get(client.cookies.get('sid')!)!;
      expect(unmaskCipherToken(page.json<{ token: string }>().token)).toBe(session.get(CSRF_SESSION_KEY));
      expect((await client.post('/submit/', { csrfmiddlewaretoken: page.json<{ token: string }>().token }, form)).status).toBe(200);
      expect((await client.post('/submit/', { csrfmiddlewaretoken: maskCipherSecret(newCsrfString()) }, form)).status).toBe(403);
    });

    it('refuses a token issued to another session', async () => {
      const app = makeApp(urls, { CSRF_USE_SESSIONS: true, MIDDLEWARE: [sessions, csrfViewMiddleware] });
      const victim = new Client(app, { enforceCsrfChecks: true, host: 'example.com' });
      const attacker = new Client(app, { enforceCsrfChecks: true, host: 'example.com' });
      const stolen = (await victim.get('/form/')).json<{ token: string }>().token;
      await attacker.get('/form/');
      expect((await attacker.post('/submit/', { csrfmiddlewaretoken: stolen }, form)).status).toBe(403);
      expect((await victim.post('/submit/', { csrfmiddlewaretoken: stolen }, form)).status).toBe(200);
    });

    it('explains a missing session middleware', async () => {
      const logger = memoryLogger();
      const app = makeApp(urls, { DEBUG: true, CSRF_USE_SESSIONS: true, MIDDLEWARE: [csrfViewMiddleware] }, { logger });
      const response = await new Client(app, { enforceCsrfChecks: true, host: 'example.com' }).get('/form/');
      expect(response.status).toBe(500);
      expect(response.text).toContain('CSRF_USE_SESSIONS is true, but the request has no session');
    });
  });
});

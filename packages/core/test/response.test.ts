import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadHeaderError,
  Client,
  DisallowedRedirect,
  FileResponse,
  finalHeaders,
  HttpResponse,
  HttpResponseNotAllowed,
  HttpResponseRedirect,
  JsonResponse,
  patchCacheControl,
  patchVaryHeaders,
  path,
  StreamingHttpResponse,
} from '../src/index';
import { makeApp } from './helpers';

describe('HttpResponse', () => {
  it('defaults to HTML in UTF-8', () => {
    const r = new HttpResponse('<p>é</p>');
    expect(r.status).toBe(200);
    expect(r.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(r.reasonPhrase).toBe('OK');
  });

  it('JsonResponse serialises with the JSON content type', () => {
    const r = new JsonResponse({ a: [1, 'x'] }, { status: 201 });
    expect(r.text).toBe('{"a":[1,"x"]}');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.status).toBe(201);
  });

  it('refuses header values with CR/LF (response splitting)', () => {
    const r = new HttpResponse();
    expect(() => r.headers.set('X-Test', 'a\r\nSet-Cookie: evil=1')).toThrow(BadHeaderError);
    expect(() => r.headers.set('Bad Name', 'x')).toThrow(BadHeaderError);
  });

  it('405 lists the allowed methods', () => {
    expect(new HttpResponseNotAllowed(['GET', 'POST']).headers.get('allow')).toBe('GET, POST');
  });
});

describe('cookies', () => {
  const app = makeApp([]);
  const headersFor = (response: HttpResponse, secure: boolean): string[] =>
    finalHeaders(app.createRequest({ method: 'GET', url: '/', headers: { host: 'testserver' }, encrypted: secure }), response)['set-cookie'] as string[];

  it('are HttpOnly and SameSite=Lax by default, Secure over HTTPS', () => {
    const r = new HttpResponse().setCookie('sid', 'abc');
    expect(headersFor(r, false)).toEqual(['sid=abc; Path=/; HttpOnly; SameSite=Lax']);
    expect(headersFor(r, true)).toEqual(['sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax']);
  });

  it('honour explicit options', () => {
    const r = new HttpResponse().setCookie('pref', 'dark mode', { maxAge: 60, httpOnly: false, sameSite: 'Strict', path: '/app', domain: 'example.com', secure: true });
    const [line] = headersFor(r, false);
    expect(line).toMatch(/^pref=dark%20mode; Max-Age=60; Expires=.+ GMT; Path=\/app; Domain=example.com; Secure; SameSite=Strict$/);
  });

  it('refuse CR/LF and other control characters in values', () => {
    expect(() => new HttpResponse().setCookie('a', 'x\r\nSet-Cookie: admin=1')).toThrow(BadHeaderError);
    expect(() => new HttpResponse().setCookie('a', 'x\u0000')).toThrow(/control character/);
    expect(() => new HttpResponse().setCookie('bad name', 'x')).toThrow(/Invalid cookie name/);
    expect(() => new HttpResponse().setCookie('a', 'x', { sameSite: 'None', secure: false })).toThrow(/SameSite=None requires secure/);
  });

  it('deleteCookie expires it', () => {
    const [line] = headersFor(new HttpResponse().deleteCookie('sid'), false);
    expect(line).toMatch(/^sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\//);
  });

  it('signed cookies round-trip and reject forgeries', async () => {
    const signedApp = makeApp([
      path('set/', () => new HttpResponse('ok').setSignedCookie('who', 'ann', { salt: 'greeting' })),
      path('get/', (r) => new JsonResponse({ who: r.getSignedCookie('who', { salt: 'greeting', defaultValue: 'nobody' }) })),
    ]);
    const client = new Client(signedApp);
    await client.get('/set/');
    expect(client.cookies.get('who')).toMatch(/^ann:/);
    expect((await client.get('/get/')).json()).toEqual({ who: 'ann' });
    client.cookies.set('who', client.cookies.get('who')!.replace('ann', 'bob'));
    expect((await client.get('/get/')).json()).toEqual({ who: 'nobody' });
  });
});

describe('redirects', () => {
  it('refuse CR/LF and unsafe schemes with a 400-class error', () => {
    expect(() => new HttpResponseRedirect('/next\r\nSet-Cookie: x=1')).toThrow(DisallowedRedirect);
    expect(() => new HttpResponseRedirect('javascript:alert(1)')).toThrow(/scheme "javascript"/);
    expect(() => new HttpResponseRedirect(' JavaScript:alert(1)')).toThrow(DisallowedRedirect);
    expect(() => new HttpResponseRedirect('data:text/html,x')).toThrow(DisallowedRedirect);
  });

  it('encode IRIs into URIs', () => {
    expect(new HttpResponseRedirect('/café/?q=a b').headers.get('location')).toBe('/caf%C3%A9/?q=a%20b');
    expect(new HttpResponseRedirect('https://example.com/a%2Fb').headers.get('location')).toBe('https://example.com/a%2Fb');
  });

  it('a view redirecting to a CR/LF URL gets a 400, not a 500', async () => {
    const app = makeApp([path('go/', (r) => new HttpResponseRedirect(r.query.get('next') ?? '/'))]);
    expect((await new Client(app).get('/go/', { next: '/x\r\nSet-Cookie: a=1' })).status).toBe(400);
  });
});

describe('cache headers helpers', () => {
  it('patchVaryHeaders merges without duplicates', () => {
    const r = new HttpResponse();
    patchVaryHeaders(r, ['Cookie']);
    patchVaryHeaders(r, ['cookie', 'Accept-Language']);
    expect(r.headers.get('vary')).toBe('Cookie, Accept-Language');
  });

  it('patchCacheControl keeps the shorter max-age and flips private/public', () => {
    const r = new HttpResponse();
    r.headers.set('cache-control', 'public, max-age=600');
    patchCacheControl(r, { maxAge: 60, private: true });
    expect(r.headers.get('cache-control')).toBe('max-age=60, private');
  });
});

describe('FileResponse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manouche-file-'));
  const file = join(dir, 'data.txt');
  writeFileSync(file, '0123456789');
  const app = makeApp([path('file/', (r) => FileResponse.fromPath(r, file)), path('download/', (r) => FileResponse.fromPath(r, file, { asAttachment: true, filename: 'résumé.txt' }))]);
  const client = new Client(app);

  it('streams the file with length, type and validators', async () => {
    const r = await client.get('/file/');
    expect(r.status).toBe(200);
    expect(r.text).toBe('0123456789');
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(r.headers.get('content-length')).toBe('10');
    expect(r.headers.get('etag')).toMatch(/^W\/"/);
    expect(r.headers.get('last-modified')).toMatch(/GMT$/);
    expect(r.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers conditional GETs with 304', async () => {
    const first = await client.get('/file/');
    expect((await client.get('/file/', {}, { headers: { 'if-none-match': first.headers.get('etag')! } })).status).toBe(304);
    expect((await client.get('/file/', {}, { headers: { 'if-modified-since': first.headers.get('last-modified')! } })).status).toBe(304);
    expect((await client.get('/file/', {}, { headers: { 'if-none-match': 'W/"other"' } })).status).toBe(200);
    expect((await client.get('/file/', {}, { headers: { 'if-match': '"nope"' } })).status).toBe(412);
  });

  it.each([
    ['bytes=2-4', 206, '234', 'bytes 2-4/10'],
    ['bytes=7-', 206, '789', 'bytes 7-9/10'],
    ['bytes=-3', 206, '789', 'bytes 7-9/10'],
    ['bytes=5-100', 206, '56789', 'bytes 5-9/10'],
    ['bytes=20-30', 416, '', 'bytes */10'],
    ['bytes=0-1,4-5', 200, '0123456789', undefined],
    ['items=1-2', 200, '0123456789', undefined],
  ])('Range %s → %i', async (range, status, body, contentRange) => {
    const r = await client.get('/file/', {}, { headers: { range } });
    expect(r.status).toBe(status);
    expect(r.text).toBe(body);
    expect(r.headers.get('content-range')).toBe(contentRange);
  });

  it('ignores a Range whose If-Range is stale', async () => {
    const r = await client.get('/file/', {}, { headers: { range: 'bytes=0-1', 'if-range': 'W/"stale"' } });
    expect(r.status).toBe(200);
  });

  it('sets Content-Disposition for downloads, with a UTF-8 filename', async () => {
    const r = await client.get('/download/');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`);
  });

  it('404s for a missing file', async () => {
    const missing = makeApp([path('f/', (r) => FileResponse.fromPath(r, join(dir, 'nope')))]);
    expect((await new Client(missing).get('/f/')).status).toBe(404);
  });
});

describe('StreamingHttpResponse', () => {
  it('streams an async generator', async () => {
    async function* chunks() {
      yield 'a';
      yield Buffer.from('b');
    }
    const app = makeApp([path('s/', () => new StreamingHttpResponse(chunks(), { contentType: 'text/plain' }))]);
    const r = await new Client(app).get('/s/');
    expect(r.text).toBe('ab');
    expect(r.response.streaming).toBe(true);
  });
});

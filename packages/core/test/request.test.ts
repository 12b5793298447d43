import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Client, DisallowedHost, HttpRequest, JsonResponse, path, QueryDict, type HttpResponse } from '../src/index';
import { makeApp } from './helpers';

function requestFor(settings: Parameters<typeof makeApp>[1], init: Partial<ConstructorParameters<typeof HttpRequest>[1]> = {}): HttpRequest {
  const app = makeApp([], settings);
  return app.createRequest({ method: 'GET', url: '/', headers: { host: 'testserver' }, ...init });
}

describe('query strings', () => {
  it('keeps every value of repeated keys; get() returns the last, as Django', () => {
    const q = QueryDict.parse('tag=a&tag=b&q=caf%C3%A9+au+lait&empty=&flag');
    expect(q.getList('tag')).toEqual(['a', 'b']);
    expect(q.get('tag')).toBe('b');
    expect(q.get('q')).toBe('café au lait');
    expect(q.get('empty')).toBe('');
    expect(q.get('flag')).toBe('');
    expect(q.get('missing', 'dflt')).toBe('dflt');
    expect(q.urlencode()).toBe('tag=a&tag=b&q=caf%C3%A9+au+lait&empty=&flag=');
    expect(q.with({ tag: null, page: 2 }).urlencode()).toBe('q=caf%C3%A9+au+lait&empty=&flag=&page=2');
  });

  it('decodes malformed escapes leniently instead of failing', () => {
    expect(QueryDict.parse('a=%zz%E9x').get('a')).toBe('%zz\uFFFDx');
  });

  it('limits the number of fields', () => {
    expect(() => QueryDict.parse('a=1&b=2&c=3', 2)).toThrow(/DATA_UPLOAD_MAX_NUMBER_FIELDS \(2\)/);
  });
});

describe('request line', () => {
  it('decodes the path and splits the query', () => {
    const r = requestFor({}, { url: '/caf%C3%A9/a%2Fb?x=1&x=2' });
    expect(r.path).toBe('/café/a/b');
    expect(r.rawPath).toBe('/caf%C3%A9/a%2Fb');
    expect(r.query.getList('x')).toEqual(['1', '2']);
    expect(r.getFullPath()).toBe('/caf%C3%A9/a%2Fb?x=1&x=2');
  });

  it.each([
    ['/%zz', 400, 'bad_percent_encoding'],
    ['/%E9', 400, 'bad_percent_encoding'],
    ['/a%00b', 400, 'nul_in_path'],
    ['*', 400, 'bad_request_target'],
  ])('%s is refused with %i', (url, status, code) => {
    expect(requestFor({}, { url }).pathError).toMatchObject({ status, code });
  });

  it('refuses over-long URLs with a 414', () => {
    expect(requestFor({ MAX_URL_LENGTH: 100 }, { url: `/${'a'.repeat(100)}` }).pathError?.status).toBe(414);
  });

  it('takes the host from an absolute-form request line, still checked against ALLOWED_HOSTS', () => {
    const r = requestFor({}, { url: 'http://evil.com/x?y=1', headers: { host: 'testserver' } });
    expect(r.path).toBe('/x');
    expect(() => r.getHost()).toThrow(DisallowedHost);
    const good = requestFor({}, { url: 'http://testserver/x', headers: { host: 'evil.com' } });
    expect(good.getHost()).toBe('testserver');
  });
});

describe('host validation', () => {
  it.each([
    [['example.com'], 'example.com', true],
    [['example.com'], 'EXAMPLE.com:8000', true],
    [['example.com'], 'example.com.', true],
    [['example.com'], 'www.example.com', false],
    [['.example.com'], 'www.example.com', true],
    [['.example.com'], 'example.com', true],
    [['.example.com'], 'badexample.com', false],
    [['*'], 'anything.test', true],
    [['example.com'], 'example.com@evil.com', false],
    [['example.com'], 'example.com:80@evil.com', false],
    [['example.com'], 'example.com:xyz', false],
    [['example.com'], '', false],
    [[], 'example.com', false],
  ])('ALLOWED_HOSTS %j with Host %j → %s', (allowed, host, ok) => {
    const r = requestFor({ ALLOWED_HOSTS: allowed }, { headers: { host } });
    if (ok) expect(r.getHost()).toBe(host.toLowerCase());
    else expect(() => r.getHost()).toThrow(DisallowedHost);
  });

  it('allows localhost in DEBUG when ALLOWED_HOSTS is empty', () => {
    expect(requestFor({ DEBUG: true, ALLOWED_HOSTS: [] }, { headers: { host: 'localhost:8000' } }).getHost()).toBe('localhost:8000');
    expect(() => requestFor({ DEBUG: true, ALLOWED_HOSTS: [] }, { headers: { host: 'evil.com' } }).getHost()).toThrow(DisallowedHost);
  });

  it('ignores X-Forwarded-Host unless USE_X_FORWARDED_HOST', () => {
    const headers = { host: 'testserver', 'x-forwarded-host': 'evil.com' };
    expect(requestFor({}, { headers }).getHost()).toBe('testserver');
    expect(() => requestFor({ USE_X_FORWARDED_HOST: true }, { headers }).getHost()).toThrow(DisallowedHost);
  });

  it('builds absolute URIs only from the validated host', () => {
    const r = requestFor({}, { url: '/a/b/?q=1', headers: { host: 'testserver' } });
    expect(r.buildAbsoluteUri()).toBe('http://testserver/a/b/?q=1');
    expect(r.buildAbsoluteUri('../c/')).toBe('http://testserver/a/c/');
    expect(() => requestFor({}, { headers: { host: 'evil.com' } }).buildAbsoluteUri('/reset/')).toThrow(DisallowedHost);
  });

  it('rejects a disallowed host with a 400 through the app', async () => {
    const app = makeApp([path('', (r) => new JsonResponse({ host: r.getHost() }))]);
    expect((await new Client(app, { host: 'evil.com' }).get('/')).status).toBe(400);
  });
});

describe('isSecure and client IP', () => {
  it('believes SECURE_PROXY_SSL_HEADER only when configured', () => {
    const headers = { host: 'testserver', 'x-forwarded-proto': 'https' };
    expect(requestFor({}, { headers }).isSecure()).toBe(false);
    expect(requestFor({ SECURE_PROXY_SSL_HEADER: ['X-Forwarded-Proto', 'https'] }, { headers }).isSecure()).toBe(true);
    expect(requestFor({ SECURE_PROXY_SSL_HEADER: ['x-forwarded-proto', 'https'] }, { headers: { ...headers, 'x-forwarded-proto': 'http' } }).isSecure()).toBe(false);
    expect(requestFor({}, { encrypted: true }).scheme).toBe('https');
  });

  it('reads X-Forwarded-For only from trusted proxies', () => {
    const xff = { host: 'testserver', 'x-forwarded-for': '1.2.3.4, 10.0.0.2' };
    expect(requestFor({}, { headers: xff, remoteAddress: '10.0.0.1' }).clientIp).toBe('10.0.0.1');
    expect(requestFor({ TRUSTED_PROXIES: ['10.0.0.0/8'] }, { headers: xff, remoteAddress: '10.0.0.1' }).clientIp).toBe('1.2.3.4');
    expect(requestFor({ TRUSTED_PROXIES: ['10.0.0.1'] }, { headers: xff, remoteAddress: '10.0.0.1' }).clientIp).toBe('10.0.0.2');
    expect(requestFor({ TRUSTED_PROXIES: ['10.0.0.0/8'] }, { headers: xff, remoteAddress: '8.8.8.8' }).clientIp).toBe('8.8.8.8');
    expect(requestFor({ TRUSTED_PROXIES: ['10.0.0.0/8'] }, { headers: { ...xff, 'x-forwarded-for': 'garbage' }, remoteAddress: '10.0.0.1' }).clientIp).toBe('10.0.0.1');
    expect(requestFor({}, { remoteAddress: '::ffff:127.0.0.1' }).clientIp).toBe('127.0.0.1');
    expect(() => requestFor({ TRUSTED_PROXIES: ['not-an-ip'] })).toThrow(/TRUSTED_PROXIES entry "not-an-ip"/);
  });
});

describe('cookies', () => {
  it('parses the Cookie header leniently', () => {
    const r = requestFor({}, { headers: { host: 'testserver', cookie: 'a=1; b="quoted"; c=%E2%9C%93; broken; d=x=y; a=2' } });
    expect(r.cookies).toEqual({ a: '1', b: 'quoted', c: '✓', d: 'x=y' });
  });
});

describe('bodies', () => {
  const seen: Record<string, unknown> = {};
  const app = makeApp([
    path('form/', async (r) => {
      const form = await r.form();
      return new JsonResponse({ fields: form.toLists() });
    }),
    path('json/', async (r) => new JsonResponse({ got: await r.json() })),
    path('raw/', async (r) => new JsonResponse({ length: (await r.body()).length })),
    path('upload/', async (r) => {
      const files = await r.files();
      const form = await r.form();
      const out = await Promise.all(
        [...files].map(async ([field, f]) => ({ field, name: f.name, type: f.contentType, size: f.size, onDisk: f.temporaryFilePath !== undefined, text: (await f.read()).toString() })),
      );
      seen.tempPaths = [...files].map(([, f]) => f.temporaryFilePath).filter(Boolean);
      return new JsonResponse({ files: out, title: form.get('title') });
    }),
  ], { DATA_UPLOAD_MAX_MEMORY_SIZE: 1000, FILE_UPLOAD_MAX_MEMORY_SIZE: 100, FILE_UPLOAD_MAX_SIZE: 5000, DATA_UPLOAD_MAX_NUMBER_FIELDS: 5, DATA_UPLOAD_MAX_NUMBER_FILES: 2 });
  const client = new Client(app);

  it('parses urlencoded forms', async () => {
    const response = await client.post('/form/', 'a=1&a=2&b=caf%C3%A9', { contentType: 'application/x-www-form-urlencoded' });
    expect(response.json()).toEqual({ fields: { a: ['1', '2'], b: ['café'] } });
  });

  it('parses JSON and answers malformed JSON with a 400 that says why', async () => {
    expect((await client.post('/json/', { x: [1] }, { contentType: 'application/json' })).json()).toEqual({ got: { x: [1] } });
    const bad = await client.post('/json/', '{"x": ', { contentType: 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Malformed JSON in request body');
  });

  it('refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with a 413', async () => {
    const response = await client.post('/raw/', 'x'.repeat(1001));
    expect(response.status).toBe(413);
    expect(response.text).toContain('DATA_UPLOAD_MAX_MEMORY_SIZE (1000 bytes)');
    expect((await client.post('/raw/', 'x'.repeat(1000))).json()).toEqual({ length: 1000 });
  });

  it('refuses a declared Content-Length over the limit before reading a byte', async () => {
    const request = app.createRequest({ method: 'POST', url: '/raw/', headers: { host: 'testserver', 'content-length': '999999999' }, body: new Readable({ read() {} }) });
    expect((await app.handle(request)).status).toBe(413);
  });

  it('refuses too many fields with a 400', async () => {
    const response = await client.post('/form/', 'a=1&b=2&c=3&d=4&e=5&f=6', { contentType: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('DATA_UPLOAD_MAX_NUMBER_FIELDS (5)');
  });

  it('streams multipart files: small ones in memory, larger ones to a private temp file removed afterwards', async () => {
    const response = await client.post('/upload/', {
      title: 'Héllo',
      small: { name: '../../etc/passwd', content: 'tiny', contentType: 'text/plain' },
      big: { name: 'C:\\Users\\x\\big.txt', content: 'B'.repeat(300) },
    });
    expect(response.status).toBe(200);
    const body = response.json<{ files: Array<Record<string, unknown>>; title: string }>();
    expect(body.title).toBe('Héllo');
    expect(body.files).toEqual([
      { field: 'small', name: 'passwd', type: 'text/plain', size: 4, onDisk: false, text: 'tiny' },
      { field: 'big', name: 'big.txt', type: 'application/octet-stream', size: 300, onDisk: true, text: 'B'.repeat(300) },
    ]);
    const tempPaths = seen.tempPaths as string[];
    expect(tempPaths).toHaveLength(1);
    expect(existsSync(tempPaths[0]!)).toBe(false);
  });

  it('refuses a file over FILE_UPLOAD_MAX_SIZE with a 413, and too many files with a 400', async () => {
    const big = await client.post('/upload/', { f: { name: 'a.bin', content: Buffer.alloc(6000) } });
    expect(big.status).toBe(413);
    expect(big.text).toContain('FILE_UPLOAD_MAX_SIZE');
    const many = await client.post('/upload/', { a: { name: 'a', content: '1' }, b: { name: 'b', content: '2' }, c: { name: 'c', content: '3' } });
    expect(many.status).toBe(400);
    expect(many.text).toContain('DATA_UPLOAD_MAX_NUMBER_FILES (2)');
  });

  it.each([
    ['no boundary', 'multipart/form-data', 'whatever'],
    ['truncated', 'multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue'],
    ['garbage', 'multipart/form-data; boundary=XX', '\u0000\u0001 not multipart at all'],
  ])('answers broken multipart (%s) with a 400', async (_label, contentType, body) => {
    const response = await client.post('/upload/', body, { contentType });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Malformed multipart request');
  });

  it('gives an empty form for other content types', async () => {
    expect((await client.post('/form/', 'a=1', { contentType: 'text/plain' })).json()).toEqual({ fields: {} });
  });

  it('fails clearly (no hang) when another middleware already consumed the stream', async () => {
    const stream = Readable.from([Buffer.from('a=1')]);
    stream.resume();
    await new Promise((r) => stream.on('end', r));
    const request = app.createRequest({ method: 'POST', url: '/raw/', headers: { host: 'testserver' }, body: stream });
    const response: HttpResponse = await app.handle(request);
    expect(response.status).toBe(500);
  });
});

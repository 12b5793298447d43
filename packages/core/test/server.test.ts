import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createApp, HttpResponse, JsonResponse, path, runServer, type RunningServer } from '../src/index';
import { TEST_SECRET } from './helpers';

/** Send raw bytes and collect whatever comes back until the server closes or `waitMs` passes. */
function raw(port: number, chunks: Array<string | Buffer>, options: { gapMs?: number; waitMs?: number } = {}): Promise<{ text: string; closed: boolean; elapsed: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const done = () => resolve({ text, closed, elapsed: Date.now() - started });
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, options.waitMs ?? 3000);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      done();
    });
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) break;
        socket.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
    });
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

describe('the HTTP server under bad input', () => {
  let server: RunningServer;
  let inFlight = 0;
  beforeAll(async () => {
    const app = createApp({
      settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['127.0.0.1', 'localhost'], HTTP_HEADERS_TIMEOUT: 1, HTTP_REQUEST_TIMEOUT: 2, DATA_UPLOAD_MAX_MEMORY_SIZE: 1024, SHUTDOWN_TIMEOUT: 5 },
      urls: [
        path('', () => new JsonResponse({ ok: true })),
        path('echo/', async (r) => new JsonResponse({ size: (await r.body()).length })),
        path('json/', async (r) => new JsonResponse(await r.json())),
        path('slow/', async () => {
          inFlight++;
          await new Promise((r) => setTimeout(r, 400));
          inFlight--;
          return new HttpResponse('finished');
        }),
      ],
      env: {},
    });
    server = await runServer(app, { port: 0, handleSignals: false });
  });
  afterAll(() => server.close());

  it('serves normal requests', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers a garbage request line with 400 and closes', async () => {
    const { text, closed } = await raw(server.port, ['GARBAGE\r\n\r\n']);
    expect(statusOf(text)).toBe(400);
    expect(closed).toBe(true);
  });

  it('answers an unknown method with a 4xx, never a 500', async () => {
    const parser = await raw(server.port, ['FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']);
    expect(statusOf(parser.text)).toBe(400);
    const webdav = await raw(server.port, ['PROPFIND / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n']);
    expect(statusOf(webdav.text)).toBe(405);
    expect(webdav.text).toMatch(/allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/i);
  });

  it('answers a bad Host with 400', async () => {
    const { text } = await raw(server.port, ['GET /echo/ HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n']);
    expect(statusOf(text)).toBe(400);
  });

  it('refuses an oversized body with 413 without reading it, and closes the connection', async () => {
    const { text, closed } = await raw(server.port, ['POST /echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n', 'x'.repeat(2000)]);
    expect(statusOf(text)).toBe(413);
    expect(text).toMatch(/connection: close/i);
    expect(closed).toBe(true);
  });

  it('refuses an oversized chunked body with 413', async () => {
    const chunk = 'x'.repeat(800);
    const body = `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
    const { text } = await raw(server.port, ['POST /echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n', body]);
    expect(statusOf(text)).toBe(413);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await fetch(`${server.url}/json/`, { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Malformed JSON');
  });

  it('answers huge headers with 431', async () => {
    const { text } = await raw(server.port, [`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`]);
    expect(statusOf(text)).toBe(431);
  });

  it('cuts off a client that sends headers too slowly (slowloris) with 408', async () => {
    const { text, closed, elapsed } = await raw(server.port, ['GET / HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-A: 1\r\n', 'X-B: 1\r\n', 'X-C: 1\r\n', 'X-D: 1\r\n'], { gapMs: 400, waitMs: 5000 });
    expect(closed).toBe(true);
    expect(statusOf(text)).toBe(408);
    expect(elapsed).toBeLessThan(3000);
  });

  it('cuts off a client that sends its body too slowly with 408', async () => {
    const { text, closed, elapsed } = await raw(server.port, ['POST /echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'], { gapMs: 400, waitMs: 6000 });
    expect(closed).toBe(true);
    expect(statusOf(text)).toBe(408);
    expect(elapsed).toBeLessThan(4500);
  });

  it('keeps HEAD bodies empty but the length right', async () => {
    const { text } = await raw(server.port, ['HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n']);
    expect(statusOf(text)).toBe(200);
    expect(text).toMatch(/content-length: 11/i);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('finishes in-flight requests on shutdown and then stops accepting', async () => {
    const slow = fetch(`${server.url}/slow/`);
    await new Promise((r) => setTimeout(r, 100));
    expect(inFlight).toBe(1);
    const closing = server.close();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('finished');
    await closing;
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });
});

describe('the app as a plain node:http request listener', () => {
  it('serves through http.createServer(app.listener), with no Manouche server around it', async () => {
    const app = createApp({
      settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['127.0.0.1'] },
      urls: [path('hello/<str:name>/', (_r, { name }) => new JsonResponse({ hello: name }))],
      env: {},
    });
    await app.ready();
    const server = createServer(app.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/hello/ann/`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ hello: 'ann' });
      expect((await fetch(`http://127.0.0.1:${port}/nowhere/`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    }
  });
});

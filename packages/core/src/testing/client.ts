import { Readable } from 'node:stream';
import type { Application } from '../app/application';
import type { HttpRequest } from '../http/request';
import { type HttpResponse, StreamingHttpResponse } from '../http/response';
import { encodeMultipart, encodeUrlencoded, type FormData, hasFiles } from './multipart-body';

export interface ClientRequestOptions {
  /** Extra request headers (lower-case names). */
  headers?: Record<string, string>;
  /** Follow redirects, recording each hop in `redirectChain`. */
  followRedirects?: boolean;
  /** Make the request as if over HTTPS. */
  secure?: boolean;
  /** Body encoding for `data`: multipart (default for POST), urlencoded or JSON. */
  contentType?: 'multipart/form-data' | 'application/x-www-form-urlencoded' | 'application/json' | (string & {});
}

export interface ClientOptions {
  /** Check CSRF like a browser request would (Django's `enforce_csrf_checks`). Off by default. */
  enforceCsrfChecks?: boolean;
  /** Host header; defaults to the first ALLOWED_HOSTS entry (or `localhost`). */
  host?: string;
  remoteAddress?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** What the test client returns: the response, its body read, and test-only details. */
export interface TestResponse {
  status: number;
  headers: HttpResponse['headers'];
  /** The whole body (streaming bodies are read to the end). */
  content: Buffer;
  text: string;
  json<T = unknown>(): T;
  /** The response object the app produced. */
  response: HttpResponse;
  /** The request that produced it. */
  request: HttpRequest;
  /** `[url, status]` for each redirect followed. */
  redirectChain: Array<[string, number]>;
  /** The template the view rendered (if it rendered one). */
  templateName: string | readonly string[] | undefined;
  /** The context the view rendered it with. */
  context: Record<string, unknown> | undefined;
  /** Location header, for redirects. */
  url: string | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Django's test Client: make requests to an app in process, without a
 * socket. Cookies persist across requests, as in a browser.
 *
 * ```ts
 * const client = new Client(app);
 * const response = await client.post('/login/', { username: 'ann', password: 'secret' }, { followRedirects: true });
 * expect(response.status).toBe(200);
 * ```
 */
export class Client {
  /** Cookies the client sends, by name. */
  readonly cookies = new Map<string, string>();
  private readonly app: Application;
  private readonly config: ClientOptions;
  private readonly host: string;

  constructor(app: Application, options: ClientOptions = {}) {
    this.app = app;
    this.config = options;
    this.host = options.host ?? defaultHost(app);
  }

  get(path: string, query?: Record<string, unknown>, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('GET', withQuery(path, query), undefined, options);
  }

  head(path: string, query?: Record<string, unknown>, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('HEAD', withQuery(path, query), undefined, options);
  }

  options(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', path, undefined, options);
  }

  post(path: string, data?: FormData | string | Buffer | unknown[], options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('POST', path, data, options);
  }

  put(path: string, data?: FormData | string | Buffer | unknown[], options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, data, options);
  }

  patch(path: string, data?: FormData | string | Buffer | unknown[], options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, data, options);
  }

  delete(path: string, data?: FormData | string | Buffer | unknown[], options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, data, options);
  }

  /** Make any request; `data` is encoded by `options.contentType`. */
  async request(method: string, path: string, data?: unknown, options: ClientRequestOptions = {}): Promise<TestResponse> {
    await this.app.ready();
    let response = await this.send(method, path, data, options);
    const chain: Array<[string, number]> = [];
    let current = path;
    while (options.followRedirects && REDIRECTS.has(response.status) && response.url) {
      const next = new URL(response.url, `http://${this.host}${current}`);
      if (next.host !== this.host && next.host !== new URL(`http://${this.host}`).host) break;
      chain.push([response.url, response.status]);
      if (chain.length > 20) throw new Error(`Redirect loop: ${chain.map(([u]) => u).join(' → ')}`);
      current = next.pathname + next.search;
      const keepMethod = response.status === 307 || response.status === 308;
      response = await this.send(keepMethod ? method : method === 'HEAD' ? 'HEAD' : 'GET', current, keepMethod ? data : undefined, { ...options, contentType: keepMethod ? options.contentType : undefined });
    }
    response.redirectChain = chain;
    return response;
  }

  private async send(method: string, path: string, data: unknown, options: ClientRequestOptions): Promise<TestResponse> {
    const headers: Record<string, string> = { host: this.host, ...this.config.headers, ...options.headers };
    let body: Buffer | undefined;
    if (data !== undefined) {
      const encoded = await encodeBody(method, data, options.contentType);
      body = encoded.body;
      headers['content-type'] ??= encoded.contentType;
    }
    if (body) headers['content-length'] = String(body.length);
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    }
    const request = this.app.createRequest({
      method,
      url: path,
      headers,
      body: body ?? null,
      remoteAddress: this.config.remoteAddress ?? '127.0.0.1',
      encrypted: options.secure ?? false,
    });
    request.dontEnforceCsrfChecks = !this.config.enforceCsrfChecks;
    const response = await this.app.handle(request);
    const content = await readContent(response, method);
    await request.close();
    this.storeCookies(response);
    return {
      status: response.status,
      headers: response.headers,
      content,
      text: content.toString('utf8'),
      json: <T>() => JSON.parse(content.toString('utf8')) as T,
      response,
      request,
      redirectChain: [],
      templateName: response.templateName,
      context: response.context,
      url: response.headers.get('location'),
    };
  }

  private storeCookies(response: HttpResponse): void {
    if (!response.hasCookies) return;
    for (const cookie of response.cookies.values()) {
      const expired = cookie.maxAge !== undefined ? cookie.maxAge <= 0 : cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

function defaultHost(app: Application): string {
  const first = app.settings.ALLOWED_HOSTS[0];
  if (!first) return 'localhost';
  if (first === '*') return 'testserver';
  return first.startsWith('.') ? first.slice(1) : first;
}

function withQuery(path: string, query?: Record<string, unknown>): string {
  if (!query || Object.keys(query).length === 0) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) params.append(key, String(item));
  }
  return `${path}${path.includes('?') ? '&' : '?'}${params}`;
}

async function encodeBody(method: string, data: unknown, contentType: string | undefined): Promise<{ body: Buffer; contentType: string }> {
  if (Buffer.isBuffer(data)) return { body: data, contentType: contentType ?? 'application/octet-stream' };
  if (typeof data === 'string') return { body: Buffer.from(data), contentType: contentType ?? 'application/octet-stream' };
  const type = contentType ?? (method === 'POST' || hasFiles(data as FormData) ? 'multipart/form-data' : 'application/x-www-form-urlencoded');
  if (type.startsWith('application/json')) return { body: Buffer.from(JSON.stringify(data)), contentType: type };
  if (type === 'multipart/form-data') return encodeMultipart(data as FormData);
  return { body: Buffer.from(encodeUrlencoded(data as FormData)), contentType: type };
}

async function readContent(response: HttpResponse, method: string): Promise<Buffer> {
  if (!(response instanceof StreamingHttpResponse)) {
    return method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(response.content);
  }
  if (method === 'HEAD') {
    if (response.streamingContent instanceof Readable) response.streamingContent.destroy();
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  const source = response.streamingContent instanceof Readable ? response.streamingContent : Readable.from(response.streamingContent as AsyncIterable<unknown>);
  for await (const chunk of source) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

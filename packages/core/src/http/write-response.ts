import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { serializeCookie } from './cookies';
import type { HeaderValue } from './headers';
import type { HttpRequest } from './request';
import { type HttpResponse, StreamingHttpResponse } from './response';

/** Status codes that never carry a body. */
function bodyless(status: number, method: string): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * The headers to send: the response's own, plus the body length and the
 * Set-Cookie lines. Content-Length is recorded on the response itself (it is
 * a property of the body); cookies, whose Secure flag depends on the request,
 * go into a copy so a response written twice (from a cache) stays correct.
 */
export function finalHeaders(request: HttpRequest, response: HttpResponse): Record<string, HeaderValue> {
  const own = response.headers;
  if (!response.streaming && response.status !== 304 && response.status !== 204 && own.raw()['content-length'] === undefined) {
    const content = response.content;
    own.setTrusted('content-length', String(typeof content === 'string' ? Buffer.byteLength(content) : content.length));
  }
  const headers = own.raw() as Record<string, HeaderValue>;
  if (!response.hasCookies) return headers;
  const secure = request.isSecure();
  const lines: string[] = [];
  for (const cookie of response.cookies.values()) lines.push(serializeCookie(cookie, secure));
  const existing = headers['set-cookie'];
  return { ...headers, 'set-cookie': existing === undefined ? lines : [...(Array.isArray(existing) ? existing : [existing]), ...lines] };
}

/**
 * Write a response to node's ServerResponse. Returns a promise only for
 * streaming bodies, so the common case allocates nothing extra.
 */
export function writeResponse(request: HttpRequest, response: HttpResponse, res: ServerResponse, closeConnection: boolean): Promise<void> | undefined {
  let headers = finalHeaders(request, response);
  if (closeConnection || response.status === 413) headers = { ...headers, connection: 'close' };
  const skipBody = bodyless(response.status, request.method);
  res.writeHead(response.status, headers as Record<string, string | string[]>);
  if (!(response instanceof StreamingHttpResponse)) {
    res.end(skipBody ? undefined : response.content);
    return undefined;
  }
  const source = response.streamingContent;
  if (skipBody) {
    if (source instanceof Readable) source.destroy();
    res.end();
    return undefined;
  }
  const readable = source instanceof Readable ? source : Readable.from(source as AsyncIterable<unknown>);
  return pipeline(readable, res).catch((error: Error) => {
    // the status line is gone already: all we can do is cut the connection so the client sees a truncated body
    res.destroy(error);
  });
}

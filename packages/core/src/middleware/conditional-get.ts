import { createHash } from 'node:crypto';
import { conditionalResponse } from '../http/conditional';
import type { Middleware } from './types';

/** A weak ETag from the body's hash. */
export function etagFor(content: string | Buffer): string {
  return `W/"${createHash('sha1').update(content).digest('base64url')}"`;
}

/**
 * Django's ConditionalGetMiddleware: give successful GET responses an ETag
 * (from the body) and answer If-None-Match / If-Modified-Since with a 304.
 */
export const conditionalGetMiddleware: Middleware = (getResponse) =>
  async function conditionalGet(request) {
    const response = await getResponse(request);
    if (request.method !== 'GET' || response.status !== 200 || response.streaming) return response;
    if (!response.headers.has('etag') && !/no-store/.test(response.headers.get('cache-control') ?? '')) {
      response.headers.set('etag', etagFor(response.content));
    }
    const lastModified = response.headers.get('last-modified');
    const conditional = conditionalResponse(request, {
      etag: response.headers.get('etag'),
      lastModified: lastModified ? new Date(lastModified) : undefined,
    });
    if (conditional?.status === 304) {
      for (const name of ['cache-control', 'content-location', 'date', 'expires', 'vary']) {
        const value = response.headers.get(name);
        if (value !== undefined) conditional.headers.set(name, value);
      }
      for (const [name, cookie] of response.cookies) conditional.cookies.set(name, cookie);
      return conditional;
    }
    return response;
  };

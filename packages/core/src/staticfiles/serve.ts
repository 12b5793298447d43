import { stat } from 'node:fs/promises';
import { Http404 } from '../errors/exceptions';
import { FileResponse } from '../http/file-response';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { path as urlPath, type UrlPattern } from '../urls/patterns';
import { realRoot, resolveInside } from './safe-path';

/** Serve `relativePath` from the first of `roots` that has it; Http404 otherwise. */
export async function serveFromRoots(request: HttpRequest, roots: Promise<Array<string | null>>, relativePath: string, cacheControl?: string): Promise<HttpResponse> {
  for (const root of await roots) {
    if (!root) continue;
    const file = await resolveInside(root, relativePath);
    if (!file) continue;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const response = await FileResponse.fromPath(request, file);
    if (cacheControl) response.headers.set('cache-control', cacheControl);
    return response;
  }
  throw new Http404(`"${relativePath}" could not be found`);
}

/**
 * Django's `django.views.static.serve` as URL patterns: serve files under
 * `documentRoot` at `prefix` (e.g. user uploads at MEDIA_URL in development).
 * `urlpatterns.push(...staticPatterns('media/', { documentRoot: MEDIA_ROOT }))`
 */
export function staticPatterns(prefix: string, options: { documentRoot: string; cacheControl?: string }): UrlPattern[] {
  const route = prefix.replace(/^\/+/, '');
  if (!route.endsWith('/')) throw new TypeError(`staticPatterns() prefix must end with "/"; got ${JSON.stringify(prefix)}.`);
  const roots = realRoot(options.documentRoot).then((r) => [r]);
  return [urlPath(`${route}<path:path>`, (request, { path }) => serveFromRoots(request, roots, path, options.cacheControl))];
}

import type { Middleware } from '../middleware/types';
import { Http404 } from '../errors/exceptions';
import { realRoot } from './safe-path';
import { serveFromRoots } from './serve';
import { staticRoots } from './finders';

/**
 * Serve STATIC_URL from the static folders (what runserver does for Django,
 * and WhiteNoise in production). Paths that would leave a static folder get
 * a 404, never a file from elsewhere.
 */
export const staticFilesMiddleware: Middleware = (getResponse, app) => {
  const prefix = app.settings.STATIC_URL;
  const cacheControl = app.settings.DEBUG ? 'no-cache' : 'public, max-age=3600';
  let roots: Promise<Array<string | null>> | undefined;
  return async function staticFiles(request) {
    if (!request.path.startsWith(prefix) || (request.method !== 'GET' && request.method !== 'HEAD')) return getResponse(request);
    roots ??= Promise.all(staticRoots(app.settings).map(realRoot));
    try {
      return await serveFromRoots(request, roots, request.path.slice(prefix.length), cacheControl);
    } catch (error) {
      if (error instanceof Http404) return getResponse(request);
      throw error;
    }
  };
};

import { type HttpResponse, HttpResponsePermanentRedirect } from '../http/response';
import type { HttpRequest } from '../http/request';
import { isPromise, type Middleware } from './types';

/**
 * Django's `escape_leading_slashes`: `//evil.com/` would be a protocol-relative
 * URL, so a redirect to it would leave the site.
 */
export function escapeLeadingSlashes(path: string): string {
  return path.startsWith('//') ? `/%2F${path.slice(2)}` : path;
}

/**
 * Django's CommonMiddleware: every request's Host is checked against
 * ALLOWED_HOSTS up front (a bad one is a 400 even for views that never build
 * a URL), and with APPEND_SLASH, a 404 for `/about` becomes a
 * permanent redirect to `/about/` when that URL exists. Unsafe methods are
 * not redirected (the browser would drop the body); in DEBUG that is an
 * error explaining the fix.
 */
export const commonMiddleware: Middleware = (getResponse, app) => {
  const appendSlash = app.settings.APPEND_SLASH;
  const shouldRedirect = (request: HttpRequest): boolean =>
    appendSlash && !request.path.endsWith('/') && app.resolver.resolve(request.path) === null && app.resolver.resolve(`${request.path}/`) !== null;

  const appendSlashIfMissing = (request: HttpRequest, response: HttpResponse): HttpResponse => {
    if (response.status !== 404 || !shouldRedirect(request)) return response;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (app.settings.DEBUG) {
        throw new Error(
          `You called this URL via ${request.method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. Manouche can't redirect to the slash URL while keeping ${request.method} data. Change your form to point to ${request.path}/ (note the trailing slash), or set APPEND_SLASH=false.`,
        );
      }
      return response;
    }
    const query = request.queryString ? `?${request.queryString}` : '';
    return new HttpResponsePermanentRedirect(escapeLeadingSlashes(`${request.rawPath}/`) + query);
  };

  return function common(request) {
    request.getHost();
    const result = getResponse(request);
    return isPromise(result) ? result.then((response) => appendSlashIfMissing(request, response)) : appendSlashIfMissing(request, result);
  };
};

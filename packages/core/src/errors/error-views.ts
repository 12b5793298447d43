import { escapeHtml } from '../html/escape';
import type { HttpRequest } from '../http/request';
import { HttpResponse, JsonResponse } from '../http/response';
import type { HttpError } from './exceptions';

/** Django's handler400/403/404/500: `(request, error) => response`. */
export type ErrorView = (request: HttpRequest, error: unknown) => HttpResponse | Promise<HttpResponse>;

export type ErrorHandlers = Partial<Record<400 | 403 | 404 | 500, ErrorView>>;

const TITLES: Record<number, [string, string]> = {
  400: ['Bad Request (400)', ''],
  403: ['403 Forbidden', ''],
  404: ['Not Found', 'The requested resource was not found on this server.'],
  405: ['405 Method Not Allowed', ''],
  413: ['Request Entity Too Large (413)', ''],
  414: ['URI Too Long (414)', ''],
  415: ['Unsupported Media Type (415)', ''],
  500: ['Server Error (500)', ''],
};

/** True when the client wants JSON rather than a page (an API call). */
export function prefersJson(request: HttpRequest): boolean {
  const accept = request.headers.accept;
  return accept !== undefined && accept.includes('json') && !accept.includes('text/html');
}

/**
 * The built-in error response: Django's plain page, or JSON for API clients.
 * `detail` is shown only for errors marked safe to expose (a malformed JSON
 * body, a too-large upload), never for server errors or suspicious requests.
 */
export function defaultErrorResponse(request: HttpRequest, status: number, error?: HttpError): HttpResponse {
  const [title, fallback] = TITLES[status] ?? [`Error (${status})`, ''];
  const detail = error && isExposed(error) ? error.message : fallback;
  if (prefersJson(request)) {
    return new JsonResponse({ error: { status, code: error?.code ?? (status >= 500 ? 'server_error' : 'error'), message: detail || title } }, { status });
  }
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
  <h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>
</body>
</html>
`;
  return new HttpResponse(body, { status });
}

/** Errors whose message helps the client fix its request and reveals nothing internal. */
export function isExposed(error: HttpError): boolean {
  return ['bad_request', 'malformed_json', 'malformed_multipart', 'bad_percent_encoding', 'nul_in_path', 'bad_request_target', 'request_too_large', 'url_too_long', 'method_not_allowed', 'unsupported_media_type', 'too_many_fields', 'too_many_files', 'body_interrupted'].includes(error.code);
}

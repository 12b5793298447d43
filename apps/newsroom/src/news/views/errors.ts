import { defaultErrorResponse, type ErrorHandlers, type HttpRequest, HttpResponse, PermissionDenied, prefersJson } from '@manouche/core';
import { engines, render } from '@manouche/templates';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Page not found',
  500: 'Something went wrong',
};

/**
 * A site-styled error page. With a request it renders like any page (the
 * user, the sections); if that fails — the database may be what broke — it
 * renders the same template without the context processors.
 */
async function errorPage(request: HttpRequest, status: number, detail = ''): Promise<HttpResponse> {
  if (prefersJson(request)) return defaultErrorResponse(request, status);
  const context = { status, title: TITLES[status] ?? 'Error', detail };
  const name = `errors/${status}.eta`;
  if (status !== 500) {
    try {
      return await render(request, name, context, { status });
    } catch (error) {
      request.app.logger.warn(`The ${status} page could not use the request context; rendering it plainly.`, { error: error as Error });
    }
  }
  return new HttpResponse(await engines(request.app).renderToString(name, context, undefined), { status });
}

export const errorHandlers: ErrorHandlers = {
  400: (request) => errorPage(request, 400),
  // the message of a PermissionDenied raised by the app says what was refused ("You may not edit this article.")
  403: (request, error) => errorPage(request, 403, error instanceof PermissionDenied && error.message !== 'Permission denied' ? error.message : ''),
  404: (request) => errorPage(request, 404),
  500: (request) => errorPage(request, 500),
};

/** CSRF_FAILURE_VIEW: the refused form, explained in the site's style. */
export function csrfFailure(request: HttpRequest, reason: string): Promise<HttpResponse> {
  request.app.logger.debug(`CSRF failure: ${reason}`);
  return errorPage(request, 403, 'The form could not be verified (it may have expired, or cookies may be blocked). Go back, reload the page and try again.');
}

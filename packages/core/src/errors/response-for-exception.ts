import type { Application } from '../app/application';
import { ClientDisconnected } from '../http/read-body';
import type { HttpRequest } from '../http/request';
import { HttpResponse, HttpResponseNotAllowed } from '../http/response';
import { technical404Response, technical500Response } from './debug-page';
import { defaultErrorResponse, isExposed } from './error-views';
import { Http404, HttpError, MethodNotAllowed, PermissionDenied, Resolver404, SuspiciousOperation } from './exceptions';

/**
 * Django's response_for_exception: turn anything a view or middleware threw
 * into a response. 4xx errors get the matching handler; everything else is a
 * logged 500 whose details reach the client only with DEBUG on.
 */
export async function responseForException(app: Application, request: HttpRequest, error: unknown): Promise<HttpResponse> {
  const debug = app.settings.DEBUG;
  if (error instanceof Http404) {
    app.logger.debug(`Not Found: ${request.path}`);
    if (debug) return technical404Response(request, error instanceof Resolver404 ? withTried(app, error) : error);
    return callHandler(app, 404, request, error);
  }
  if (error instanceof PermissionDenied) {
    app.logger.warn(`Forbidden (Permission denied): ${request.path}`);
    return callHandler(app, 403, request, error);
  }
  if (error instanceof MethodNotAllowed) {
    app.logger.warn(`Method Not Allowed (${request.method}): ${request.path}`);
    const response = defaultErrorResponse(request, 405, error);
    return new HttpResponseNotAllowed(error.allowed, response.content, { contentType: response.headers.get('content-type') });
  }
  if (error instanceof SuspiciousOperation) {
    app.logger.warn(`Suspicious operation (${error.code}): ${error.message}`, { path: request.path, security: true });
    if (debug) return technical500Response(request, error, 400);
    return callHandler(app, 400, request, error);
  }
  if (error instanceof HttpError) {
    app.logger.warn(`${error.status} ${error.code}: ${error.message}`, { path: request.path });
    if (error.status === 400) return callHandler(app, 400, request, error);
    if (debug && !isExposed(error)) return technical500Response(request, error, error.status);
    return defaultErrorResponse(request, error.status, error);
  }
  if (error instanceof ClientDisconnected) {
    app.logger.debug(`Client disconnected: ${request.path}`);
    return new HttpResponse('', { status: 400 });
  }
  app.logger.error(`Internal Server Error: ${request.path}`, { error: error instanceof Error ? error : new Error(String(error)), method: request.method });
  if (debug) return technical500Response(request, error);
  return callHandler(app, 500, request, error);
}

async function callHandler(app: Application, status: 400 | 403 | 404 | 500, request: HttpRequest, error: unknown): Promise<HttpResponse> {
  const handler = app.errorHandlers[status];
  if (handler) {
    try {
      const response = await handler(request, error);
      if (response.status === 200) response.status = status;
      if (!response.isRendered) await response.render();
      return response;
    } catch (handlerError) {
      app.logger.error(`The ${status} handler failed; serving the built-in page instead.`, { error: handlerError as Error });
    }
  }
  return defaultErrorResponse(request, status, error instanceof HttpError ? error : undefined);
}

function withTried(app: Application, error: Resolver404): Resolver404 {
  return error.tried.length ? error : new Resolver404(error.path, app.resolver.routes.map((r) => r.route));
}

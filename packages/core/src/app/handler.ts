import type { Application } from './application';
import { ImproperlyConfigured, MethodNotAllowed, Resolver404 } from '../errors/exceptions';
import { responseForException } from '../errors/response-for-exception';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { type Awaitable, type Handler, isPromise, type MiddlewareInstance } from '../middleware/types';

/** Methods a view may see; anything else (TRACE, WebDAV, made-up verbs) is a 405 before any view runs. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Hooks = {
  view: NonNullable<MiddlewareInstance['processView']>[];
  exception: NonNullable<MiddlewareInstance['processException']>[];
  templateResponse: NonNullable<MiddlewareInstance['processTemplateResponse']>[];
};

/**
 * Build Django's handler once, at start-up: the innermost function resolves
 * the URL and calls the view; each middleware wraps the one inside it, and
 * each layer turns exceptions into responses, so an outer middleware always
 * sees a response (Django's convert_exception_to_response).
 *
 * Every layer passes a synchronous result straight through and only chains
 * when it gets a promise: a synchronous view behind synchronous middleware
 * is served without a single promise, hence without a microtask checkpoint.
 */
export function buildHandler(app: Application): Handler {
  const hooks: Hooks = { view: [], exception: [], templateResponse: [] };
  let handler = convertExceptions(app, (request) => getResponse(hooks, app, request));
  const middleware = app.settings.MIDDLEWARE;
  for (let i = middleware.length - 1; i >= 0; i--) {
    const factory = middleware[i]!;
    const instance = factory(handler, app);
    if (typeof instance !== 'function') {
      throw new ImproperlyConfigured(`Middleware ${factory.name || `#${i}`} must return a handler function; it returned ${typeof instance}.`);
    }
    if (instance.processView) hooks.view.unshift(instance.processView.bind(instance));
    if (instance.processException) hooks.exception.push(instance.processException.bind(instance));
    if (instance.processTemplateResponse) hooks.templateResponse.push(instance.processTemplateResponse.bind(instance));
    handler = convertExceptions(app, instance);
  }
  return handler;
}

function convertExceptions(app: Application, inner: Handler): Handler {
  return (request) => {
    let result: Awaitable<HttpResponse>;
    try {
      result = inner(request);
    } catch (error) {
      return responseForException(app, request, error);
    }
    return isPromise(result) ? result.then(undefined, (error: unknown) => responseForException(app, request, error)) : result;
  };
}

function getResponse(hooks: Hooks, app: Application, request: HttpRequest): Awaitable<HttpResponse> {
  const match = app.resolver.resolve(request.path);
  if (!match) throw new Resolver404(request.path, []);
  request.resolverMatch = match;
  if (!KNOWN_METHODS.has(request.method)) throw new MethodNotAllowed(request.method, match.view.allowedMethods ?? [...KNOWN_METHODS]);
  if (hooks.view.length > 0 || hooks.exception.length > 0) return getResponseWithHooks(hooks, request);

  const response = match.view(request, match.params);
  if (isPromise(response)) return response.then((r) => finishResponse(hooks, request, r));
  return finishResponse(hooks, request, response);
}

/** The path with processView / processException hooks: always asynchronous. */
async function getResponseWithHooks(hooks: Hooks, request: HttpRequest): Promise<HttpResponse> {
  const match = request.resolverMatch!;
  let response: HttpResponse | undefined | void;
  for (const processView of hooks.view) {
    response = await processView(request, match.view, match.params);
    if (response) break;
  }
  if (!response) {
    try {
      response = await match.view(request, match.params);
    } catch (error) {
      response = await processException(hooks, request, error);
    }
  }
  return finishResponse(hooks, request, response);
}

function finishResponse(hooks: Hooks, request: HttpRequest, response: HttpResponse | undefined | void): Awaitable<HttpResponse> {
  if (!isResponse(response)) {
    const match = request.resolverMatch!;
    throw new TypeError(
      `The view ${match.viewName ?? match.view.name ?? match.route} didn't return an HttpResponse object. It returned ${response === undefined ? 'undefined' : typeof response} instead.`,
    );
  }
  return response.isRendered ? response : renderDeferred(hooks, request, response);
}

/** Template responses: run processTemplateResponse hooks, then render. */
async function renderDeferred(hooks: Hooks, request: HttpRequest, response: HttpResponse): Promise<HttpResponse> {
  for (const processTemplateResponse of hooks.templateResponse) {
    response = await processTemplateResponse(request, response);
    if (!isResponse(response)) throw new TypeError('A processTemplateResponse hook did not return a response.');
  }
  try {
    await response.render();
  } catch (error) {
    return processException(hooks, request, error);
  }
  return response;
}

async function processException(hooks: Hooks, request: HttpRequest, error: unknown): Promise<HttpResponse> {
  for (const hook of hooks.exception) {
    const response = await hook(request, error);
    if (response) return response;
  }
  throw error;
}

function isResponse(value: unknown): value is HttpResponse {
  return typeof value === 'object' && value !== null && typeof (value as HttpResponse).status === 'number' && typeof (value as HttpResponse).isRendered === 'boolean';
}

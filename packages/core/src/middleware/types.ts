import type { Application } from '../app/application';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { ViewFunction } from '../views/types';

export type Awaitable<T> = T | Promise<T>;

/**
 * Turns a request into a response: a view behind middleware, or the next
 * middleware. It may answer synchronously; a chain of synchronous layers
 * serves a request without allocating a single promise.
 */
export type Handler = (request: HttpRequest) => Awaitable<HttpResponse>;

/** True for a promise (or any thenable); responses are never thenables. */
export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Apply `fn` to a handler's result, synchronously when the result is already
 * there: lets a middleware stay synchronous for synchronous views.
 *
 * ```ts
 * const addHeader: Middleware = (getResponse) => (request) =>
 *   thenResponse(getResponse(request), (response) => {
 *     response.headers.set('x-frame-options', 'DENY');
 *     return response;
 *   });
 * ```
 */
export function thenResponse<T, R>(result: Awaitable<T>, fn: (value: T) => Awaitable<R>): Awaitable<R> {
  return isPromise(result) ? result.then(fn) : fn(result);
}

/**
 * What a middleware factory returns: a handler, optionally with Django's
 * hooks. Returning nothing from a hook means "carry on".
 */
export interface MiddlewareInstance {
  (request: HttpRequest): Awaitable<HttpResponse>;
  /** Called after URL resolution, before the view; a response short-circuits the view. */
  processView?(request: HttpRequest, view: ViewFunction, params: Record<string, unknown>): Awaitable<HttpResponse | undefined | void>;
  /** Called when the view throws; a response replaces the error. */
  processException?(request: HttpRequest, error: unknown): Awaitable<HttpResponse | undefined | void>;
  /** Called with a response that renders a template, before it renders (to change its context). */
  processTemplateResponse?(request: HttpRequest, response: HttpResponse): Awaitable<HttpResponse>;
}

/**
 * Django's middleware: given the next handler (`getResponse`), return the
 * handler for this layer. The factory runs once, at start-up, so it should do
 * its set-up (reading settings, compiling patterns) there and keep the
 * per-request work small.
 */
export type Middleware = (getResponse: Handler, app: Application) => MiddlewareInstance;

/** Identity helper that types a middleware factory. */
export function defineMiddleware(factory: Middleware): Middleware {
  return factory;
}

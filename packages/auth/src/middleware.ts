import { ImproperlyConfigured, type Middleware } from '@manouche/core';
import { getUser } from './auth';
import { attachUserLoader } from './request-user';
import { sessionMiddleware } from './sessions/middleware';

function requireSessionMiddleware(middleware: readonly Middleware[], self: Middleware, name: string): void {
  const session = middleware.indexOf(sessionMiddleware);
  const here = middleware.indexOf(self);
  if (session === -1 || (here !== -1 && session > here)) {
    throw new ImproperlyConfigured(`${name} requires sessionMiddleware before it in MIDDLEWARE.`);
  }
}

/**
 * Django's AuthenticationMiddleware: gives the request `request.user` and
 * `request.auser()`, loaded lazily (a view that never asks does no query).
 * Put it right after sessionMiddleware.
 */
export const authenticationMiddleware: Middleware = (getResponse, app) => {
  requireSessionMiddleware(app.settings.MIDDLEWARE, authenticationMiddleware, 'authenticationMiddleware');
  return (request) => {
    attachUserLoader(request, getUser);
    return getResponse(request);
  };
};

/**
 * authenticationMiddleware that loads the user of every authenticated
 * request before the view runs, so that `request.user` is always readable
 * synchronously (by other middleware, such as a rate limiter keyed by user).
 * Costs a query per authenticated request; anonymous ones stay synchronous.
 */
export const eagerAuthenticationMiddleware: Middleware = (getResponse, app) => {
  requireSessionMiddleware(app.settings.MIDDLEWARE, eagerAuthenticationMiddleware, 'eagerAuthenticationMiddleware');
  return (request) => {
    attachUserLoader(request, getUser);
    if (!request.session.has('_auth_user_id')) return getResponse(request);
    return request.auser().then(() => getResponse(request));
  };
};

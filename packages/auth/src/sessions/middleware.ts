import { type HttpRequest, type HttpResponse, isPromise, type Middleware, patchVaryHeaders, thenResponse } from '@manouche/core';
import { type AuthSettings, authSettings } from '../settings';
import { SessionBase, SessionInterrupted, type SessionStoreClass, UpdateError } from './base';
import { sessionStoreClass } from './engines';

declare module '@manouche/core' {
  interface HttpRequest {
    /** The session, loaded before the view runs (set by sessionMiddleware). */
    session: SessionBase;
  }
}

/**
 * Django's SessionMiddleware. Reads the session cookie, loads the session
 * from its store before calling the next handler (so `request.session` and
 * the CSRF middleware's CSRF_USE_SESSIONS can read it synchronously), and
 * after the response saves it when it changed and sets, refreshes or deletes
 * the cookie. A request without a session cookie touches no store and stays
 * synchronous. Put it after commonMiddleware and before csrfViewMiddleware.
 *
 * Concurrency is Django's: each request works on the copy it loaded and
 * saves the whole session when it changed it, so of two overlapping requests
 * that both change the session, the one finishing last wins. A request
 * whose session was deleted meanwhile (a logout) gets a 400 rather than
 * bringing it back.
 */
export const sessionMiddleware: Middleware = (getResponse, app) => {
  const settings = authSettings(app.settings);
  const Store = sessionStoreClass(settings.SESSION_ENGINE);
  const cookieName = settings.SESSION_COOKIE_NAME;
  return (request) => {
    const session = openSession(request, Store, settings, cookieName);
    const loading = session.load();
    if (isPromise(loading)) return loading.then(() => thenResponse(getResponse(request), (response) => finishSession(request, response, settings)));
    return thenResponse(getResponse(request), (response) => finishSession(request, response, settings));
  };
};

/** Attach a (not yet loaded) session from the request's cookie. */
export function openSession(request: HttpRequest, Store: SessionStoreClass, settings: AuthSettings, cookieName = settings.SESSION_COOKIE_NAME): SessionBase {
  const session = new Store(request.cookies[cookieName] ?? null, settings);
  request.session = session;
  return session;
}

/** Django's SessionMiddleware.process_response: save the session and set or delete its cookie. */
export function finishSession(request: HttpRequest, response: HttpResponse, settings: AuthSettings): HttpResponse | Promise<HttpResponse> {
  const session = request.session;
  if (!session.accessed && !session.modified && !settings.SESSION_SAVE_EVERY_REQUEST) return response;
  const cookieName = settings.SESSION_COOKIE_NAME;
  const empty = session.isEmpty();
  if (empty && request.cookies[cookieName] !== undefined) {
    // flushed (a logout): expire the browser's cookie too
    response.deleteCookie(cookieName, { path: settings.SESSION_COOKIE_PATH, domain: settings.SESSION_COOKIE_DOMAIN ?? undefined, sameSite: settings.SESSION_COOKIE_SAMESITE });
    patchVaryHeaders(response, ['Cookie']);
    return response;
  }
  if (session.accessed) patchVaryHeaders(response, ['Cookie']);
  if (!(session.modified || settings.SESSION_SAVE_EVERY_REQUEST) || empty || response.status >= 500) return response;
  return session.save().then(
    () => {
      const atClose = session.getExpireAtBrowserClose();
      response.setCookie(cookieName, session.sessionKey ?? '', {
        maxAge: atClose ? undefined : session.getExpiryAge(),
        domain: settings.SESSION_COOKIE_DOMAIN ?? undefined,
        path: settings.SESSION_COOKIE_PATH,
        // unset, core makes the cookie Secure whenever the request came over HTTPS
        secure: settings.SESSION_COOKIE_SECURE || undefined,
        httpOnly: settings.SESSION_COOKIE_HTTPONLY,
        sameSite: settings.SESSION_COOKIE_SAMESITE,
      });
      return response;
    },
    (error: unknown) => {
      if (error instanceof UpdateError) throw new SessionInterrupted();
      throw error;
    },
  );
}

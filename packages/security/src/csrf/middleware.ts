import { type Application, type Awaitable, type HttpRequest, type HttpResponse, isPromise, type Middleware, patchVaryHeaders } from '@manouche/core';
import { checkSource, checkToken, isFormBody, SAFE_METHODS } from './check';
import { type CsrfConfig, csrfConfig } from './config';
import { csrfFailure } from './failure';
import { CSRF_SESSION_KEY, existingCsrfState, manoucheCsrfState, requireSession, sessionGet, sessionSet } from './state';

declare module '@manouche/core' {
  interface ViewMetadata {
    /** Set by `csrfExempt()`: unsafe requests to this view skip the CSRF check. */
    csrfExempt?: boolean;
  }
}

/** Send the secret back when the request used or rotated it: a cookie, or the session. */
function commitSecret(request: HttpRequest, response: HttpResponse, config: CsrfConfig): HttpResponse {
  const state = existingCsrfState(request);
  if (state === undefined || !state.needsUpdate || state.secret === null) return response;
  state.needsUpdate = false;
  if (config.settings.CSRF_USE_SESSIONS) {
    const session = requireSession(request);
    if (sessionGet(session, CSRF_SESSION_KEY) !== state.secret) sessionSet(session, CSRF_SESSION_KEY, state.secret);
  } else {
    response.setCookie(config.cookieName, state.secret, config.cookieOptions);
  }
  // the page now embeds a token derived from the client's secret: caches must key on it
  patchVaryHeaders(response, ['Cookie']);
  return response;
}

/**
 * The reason an unsafe request fails, or null. Synchronous unless the token
 * has to be read from a form body.
 */
function verify(request: HttpRequest, config: CsrfConfig): Awaitable<string | null> {
  const sourceProblem = checkSource(request, config);
  if (sourceProblem !== null) return sourceProblem;
  const state = manoucheCsrfState(request, config);
  const header = (): string | undefined => request.header(config.headerName);
  if (request.method === 'POST' && isFormBody(request.contentType) && state.incoming !== null && state.incomingProblem === null) {
    return request.form().then((form) => {
      const field = form.get('csrfmiddlewaretoken');
      return field ? checkToken(state, field, 'POST', config) : checkToken(state, header(), 'header', config);
    });
  }
  return checkToken(state, header(), 'header', config);
}

/**
 * Django's CsrfViewMiddleware. Safe methods pass untouched (the cookie is set
 * only when a view asked for a token). Every other method is checked, unless
 * the view is `csrfExempt` or the test client turned checks off: Fetch
 * Metadata, Origin (or Referer over HTTPS), then the token.
 *
 * The exemption is read from the view the URL resolves to, here rather than
 * in a processView hook, which would make every request asynchronous.
 */
export const csrfViewMiddleware: Middleware = (getResponse, app: Application) => {
  const config = csrfConfig(app.settings);
  const failureView = config.settings.CSRF_FAILURE_VIEW ?? csrfFailure;

  const finish = (request: HttpRequest, result: Awaitable<HttpResponse>): Awaitable<HttpResponse> =>
    isPromise(result) ? result.then((response) => commitSecret(request, response, config)) : commitSecret(request, result, config);

  const reject = (request: HttpRequest, reason: string): Awaitable<HttpResponse> => {
    app.logger.warn(`Forbidden (${reason}): ${request.path}`, { status: 403, security: true });
    return finish(request, failureView(request, reason));
  };

  const decide = (request: HttpRequest, reason: string | null): Awaitable<HttpResponse> =>
    reason === null ? finish(request, getResponse(request)) : reject(request, reason);

  return function csrf(request) {
    if (SAFE_METHODS.has(request.method) || request.dontEnforceCsrfChecks || isExempt(app, request)) return finish(request, getResponse(request));
    const reason = verify(request, config);
    return isPromise(reason) ? reason.then((r) => decide(request, r)) : decide(request, reason);
  };
};

function isExempt(app: Application, request: HttpRequest): boolean {
  // No matching view is no exemption: an inner middleware might still act on the request.
  return app.resolver.resolve(request.path)?.view.csrfExempt === true;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { serializeCookie } from '@manouche/core';
import { checkSource, checkToken, SAFE_METHODS } from '../csrf/check';
import { csrfConfig } from '../csrf/config';
import { csrfFailureJson, csrfFailurePage } from '../csrf/failure';
import { attachCsrfState, CSRF_SESSION_KEY, manoucheCsrfState, requireSession, sessionGet, sessionSet } from '../csrf/state';
import { Bridge } from './bridge';
import { appendSetCookie, beforeHeaders, type ConnectMiddleware, type ExpressOptions, locals, sendError } from './types';

export interface ExpressCsrfOptions extends ExpressOptions {
  /** Requests that skip the check (a webhook authenticated by signature). */
  exempt?: (req: IncomingMessage) => boolean;
  /** Answer a refused request yourself (default: the 403 page, or JSON for API clients). */
  onFailure?: (req: IncomingMessage, res: ServerResponse, reason: string) => void;
}

function addVaryCookie(res: ServerResponse): void {
  const vary = String(res.getHeader('vary') ?? '');
  if (!vary.split(',').some((v) => ['cookie', '*'].includes(v.trim().toLowerCase()))) res.setHeader('vary', vary ? `${vary}, Cookie` : 'Cookie');
}

/** The `csrfmiddlewaretoken` field of a body Express already parsed (urlencoded or multipart). */
function formToken(req: IncomingMessage): string | undefined {
  const body = (req as { body?: unknown }).body;
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrfmiddlewaretoken : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function csrfWith(bridge: Bridge, options: ExpressCsrfOptions): ConnectMiddleware {
  const config = csrfConfig(bridge.app.settings);
  const logger = bridge.app.logger;
  const debug = bridge.settings.DEBUG;
  return (req, res, next) => {
    const request = bridge.request(req);
    let state;
    try {
      state = attachCsrfState(req, manoucheCsrfState(request, config));
    } catch (error) {
      next(error);
      return;
    }
    const resLocals = locals(res);
    if (resLocals) Object.defineProperty(resLocals, 'csrfToken', { get: () => state.token(), configurable: true, enumerable: true });
    beforeHeaders(res, () => {
      if (!state.needsUpdate || state.secret === null) return;
      state.needsUpdate = false;
      if (config.settings.CSRF_USE_SESSIONS) {
        const session = requireSession(request);
        if (sessionGet(session, CSRF_SESSION_KEY) !== state.secret) sessionSet(session, CSRF_SESSION_KEY, state.secret);
      } else {
        appendSetCookie(res, config.cookieName, serializeCookie({ name: config.cookieName, value: state.secret, ...config.cookieOptions }, request.isSecure()));
      }
      addVaryCookie(res);
    });

    if (SAFE_METHODS.has(request.method) || options.exempt?.(req)) {
      next();
      return;
    }
    const field = formToken(req);
    const reason = checkSource(request, config) ?? (field !== undefined ? checkToken(state, field, 'POST', config) : checkToken(state, request.header(config.headerName), 'header', config));
    if (reason === null) {
      next();
      return;
    }
    logger.warn(`Forbidden (${reason}): ${request.path}`, { status: 403, security: true });
    if (options.onFailure) options.onFailure(req, res, reason);
    else sendError(req, res, 403, csrfFailurePage(reason, debug), csrfFailureJson(reason, debug));
  };
}

/**
 * CSRF protection for Express/Connect, with the same checks as
 * csrfViewMiddleware. Mount it after your body parser (so a form's
 * `csrfmiddlewaretoken` field is in `req.body`) and after any session
 * middleware. Routes get the token from `getToken(req)` or
 * `res.locals.csrfToken`; fetch sends it in `X-CSRFToken`.
 */
export function expressCsrf(options: ExpressCsrfOptions = {}): ConnectMiddleware {
  const { exempt, onFailure, ...settings } = options;
  return csrfWith(new Bridge(settings), { exempt, onFailure });
}

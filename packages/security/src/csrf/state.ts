import { HttpRequest, ImproperlyConfigured } from '@manouche/core';
import { type CsrfConfig, csrfConfig } from './config';
import { CSRF_TOKEN_LENGTH, maskCipherSecret, newCsrfString, tokenFormatProblem, unmaskCipherToken } from './token';

/** Where the secret is kept with CSRF_USE_SESSIONS (Django's key). */
export const CSRF_SESSION_KEY = '_csrftoken';

/**
 * A session as this package sees it: `get`/`set` (Manouche's sessions), or a
 * plain object (express-session). It must already be loaded: calls are synchronous.
 */
export type SessionLike = { get(key: string): unknown; set(key: string, value: unknown): void } | Record<string, unknown>;

export function sessionGet(session: SessionLike, key: string): unknown {
  const value = typeof session.get === 'function' ? (session.get as (k: string) => unknown)(key) : (session as Record<string, unknown>)[key];
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    throw new ImproperlyConfigured('request.session.get() returned a promise: the session must be loaded (by its middleware) before the CSRF middleware reads it.');
  }
  return value;
}

export function sessionSet(session: SessionLike, key: string, value: unknown): void {
  if (typeof session.set === 'function') (session.set as (k: string, v: unknown) => void)(key, value);
  else (session as Record<string, unknown>)[key] = value;
}

/** The session on a request, or an error explaining how to provide one. */
export function requireSession(request: object): SessionLike {
  const session = (request as { session?: unknown }).session;
  if (typeof session !== 'object' || session === null) {
    throw new ImproperlyConfigured(
      'CSRF_USE_SESSIONS is true, but the request has no session. Install the session middleware before the CSRF middleware, or set CSRF_USE_SESSIONS to false.',
    );
  }
  return session as SessionLike;
}

/**
 * One request's CSRF secret: what the client sent, and what it will be told
 * to keep (a new secret after `rotateToken()` or a malformed cookie).
 */
export class CsrfState {
  /** The well-formed secret the client sent (cookie or session), or null. */
  readonly incoming: string | null;
  /** Why the client's cookie was refused (`has incorrect length`), or null. */
  readonly incomingProblem: string | null;
  /** The secret the client keeps after this response. */
  secret: string | null;
  /** Send the secret back (cookie or session) with the response. */
  needsUpdate = false;

  constructor(raw: unknown, fromCookie: boolean) {
    let incoming = typeof raw === 'string' && raw !== '' ? raw : null;
    let problem: string | null = null;
    if (incoming !== null && fromCookie) problem = tokenFormatProblem(incoming);
    if (problem !== null) incoming = null;
    // a 64-character secret is a masked one, as Django before 4.0 stored it
    else if (incoming !== null && incoming.length === CSRF_TOKEN_LENGTH) incoming = unmaskCipherToken(incoming);
    this.incoming = incoming;
    this.incomingProblem = problem;
    this.secret = incoming;
    // a malformed cookie is replaced, so the client recovers on its next form
    if (problem !== null) this.rotate();
  }

  /** Django's `get_token`: a freshly masked token for the secret, which the response will send. */
  token(): string {
    this.secret ??= newCsrfString();
    this.needsUpdate = true;
    return maskCipherSecret(this.secret);
  }

  /** Django's `rotate_token`: a new secret from this response on (call it at login). */
  rotate(): void {
    this.secret = newCsrfString();
    this.needsUpdate = true;
  }
}

const STATE = Symbol.for('@manouche/security.csrf');
type Carrier = { [STATE]?: CsrfState };

export function attachCsrfState(request: object, state: CsrfState): CsrfState {
  (request as Carrier)[STATE] = state;
  return state;
}

/** The state already attached to a request, without creating one. */
export function existingCsrfState(request: object): CsrfState | undefined {
  return (request as Carrier)[STATE];
}

/** A Manouche request's state, read from its cookie or session on first use. */
export function manoucheCsrfState(request: HttpRequest, config: CsrfConfig = csrfConfig(request.settings)): CsrfState {
  const existing = (request as Carrier)[STATE];
  if (existing) return existing;
  const state = config.settings.CSRF_USE_SESSIONS
    ? new CsrfState(sessionGet(requireSession(request), CSRF_SESSION_KEY), false)
    : new CsrfState(request.cookies[config.cookieName], true);
  return attachCsrfState(request, state);
}

function stateFor(request: object, caller: string): CsrfState {
  const existing = (request as Carrier)[STATE];
  if (existing) return existing;
  if (request instanceof HttpRequest) return manoucheCsrfState(request);
  throw new ImproperlyConfigured(`${caller} needs the CSRF middleware to have seen this request: add expressCsrf() before this route.`);
}

/**
 * Django's `get_token(request)`: the masked CSRF token to put in a form field
 * (`csrfmiddlewaretoken`) or send in the `X-CSRFToken` header. Calling it
 * makes the response set the CSRF cookie. Works on a Manouche request, or an
 * Express request behind `expressCsrf()`.
 */
export function getToken(request: object): string {
  return stateFor(request, 'getToken()').token();
}

/**
 * Django's `rotate_token(request)`: change the client's CSRF secret, so
 * tokens issued before (for an earlier user of the browser) stop working.
 * Login calls it.
 */
export function rotateToken(request: object): void {
  stateFor(request, 'rotateToken()').rotate();
}

import { DisallowedHost } from '@manouche/core';
import type { CsrfConfig } from './config';
import { isSameDomain, parseOrigin } from './origins';
import {
  REASON_BAD_ORIGIN,
  REASON_BAD_REFERER,
  REASON_CROSS_SITE,
  REASON_CSRF_TOKEN_MISSING,
  REASON_INSECURE_REFERER,
  REASON_MALFORMED_REFERER,
  REASON_NO_CSRF_COOKIE,
  REASON_NO_REFERER,
} from './reasons';
import type { CsrfState } from './state';
import { doesTokenMatch, tokenFormatProblem } from './token';

/** Methods RFC 9110 calls safe: never checked. Everything else is. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** What the checks read from a request: a Manouche HttpRequest fits, and so does the Express adapter. */
export interface CsrfRequest {
  readonly method: string;
  header(name: string): string | undefined;
  isSecure(): boolean;
  /** The host, validated against ALLOWED_HOSTS; throws DisallowedHost otherwise. */
  getHost(): string;
  getPort(): string;
}

function validatedHost(request: CsrfRequest): string | null {
  try {
    return request.getHost();
  } catch (error) {
    if (error instanceof DisallowedHost) return null;
    throw error;
  }
}

/** Long attacker-chosen headers are cut in messages and logs. */
function shown(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/**
 * The checks of an unsafe request that need no token: Fetch Metadata, then
 * Origin, or without Origin over HTTPS a strict Referer. Returns the reason
 * it fails, or null.
 */
export function checkSource(request: CsrfRequest, config: CsrfConfig): string | null {
  const origin = request.header('origin');
  // A browser saying "cross-site" cannot be a same-site form or fetch; only an
  // origin the project trusts explicitly may still go on to the token check.
  if (request.header('sec-fetch-site') === 'cross-site' && !(origin !== undefined && config.trustedOrigins.includes(origin))) return REASON_CROSS_SITE;
  if (origin !== undefined) return originVerified(request, origin, config) ? null : REASON_BAD_ORIGIN(shown(origin));
  // Over HTTPS a Referer is (almost) always sent for same-site requests, and it
  // defeats a man-in-the-middle who plants a cookie and token over plain HTTP.
  if (request.isSecure()) return checkReferer(request, config);
  return null;
}

function originVerified(request: CsrfRequest, origin: string, config: CsrfConfig): boolean {
  const host = validatedHost(request);
  if (host !== null && origin === `${request.isSecure() ? 'https' : 'http'}://${host}`) return true;
  return config.trustedOrigins.includes(origin);
}

function checkReferer(request: CsrfRequest, config: CsrfConfig): string | null {
  const referer = request.header('referer');
  if (referer === undefined) return REASON_NO_REFERER;
  const parsed = parseOrigin(referer);
  if (parsed === null) return REASON_MALFORMED_REFERER;
  if (parsed.scheme !== 'https') return REASON_INSECURE_REFERER;
  if (config.trustedOrigins.hosts.some((host) => isSameDomain(parsed.netloc, host))) return null;
  let good = config.refererDomain;
  if (good === null) {
    good = validatedHost(request);
    if (good === null) return REASON_BAD_REFERER(shown(referer));
  } else {
    const port = request.getPort();
    if (port !== '443' && port !== '80') good = `${good}:${port}`;
  }
  return isSameDomain(parsed.netloc, good) ? null : REASON_BAD_REFERER(shown(referer));
}

/** Where the submitted token came from, for the message. */
export type TokenSource = 'POST' | 'header';

/**
 * Compare the submitted token with the secret the client sent. `token` is
 * the form field, or the header when the field is missing.
 */
export function checkToken(state: CsrfState, token: string | undefined, source: TokenSource, config: CsrfConfig): string | null {
  if (state.incomingProblem !== null) return `CSRF cookie ${state.incomingProblem}.`;
  // No secret, no entry: refusing here also stops login CSRF, where the
  // attacker would post their own credentials from another site.
  if (state.incoming === null) return REASON_NO_CSRF_COOKIE;
  if (token === undefined || token === '') return REASON_CSRF_TOKEN_MISSING;
  const from = source === 'POST' ? 'POST' : `the '${config.headerLabel}' HTTP header`;
  const problem = tokenFormatProblem(token);
  if (problem !== null) return `CSRF token from ${from} ${problem}.`;
  return doesTokenMatch(token, state.incoming) ? null : `CSRF token from ${from} incorrect.`;
}

/** The form content types whose body can carry `csrfmiddlewaretoken`. */
export function isFormBody(contentType: string): boolean {
  return contentType === 'application/x-www-form-urlencoded' || contentType === 'multipart/form-data';
}

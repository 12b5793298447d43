import { ImproperlyConfigured } from '@manouche/core';
import { describe, type ResolvedSettings } from './settings';

/** Django's REFERRER_POLICY_VALUES. */
export const REFERRER_POLICY_VALUES: ReadonlySet<string> = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

/** Django's CROSS_ORIGIN_OPENER_POLICY_VALUES. */
export const CROSS_ORIGIN_OPENER_POLICY_VALUES: ReadonlySet<string> = new Set(['same-origin', 'same-origin-allow-popups', 'unsafe-none']);

/** The Referrer-Policy header value (a list becomes fallbacks), or null. */
export function referrerPolicyValue(setting: ResolvedSettings['SECURE_REFERRER_POLICY']): string | null {
  if (setting === null || setting === undefined) return null;
  const values = typeof setting === 'string' ? setting.split(',') : setting;
  return values.map((v) => String(v).trim()).join(',');
}

/** Why SECURE_REFERRER_POLICY is invalid, or null (Django's security.E023). */
export function referrerPolicyProblem(setting: unknown): string | null {
  if (setting === null || setting === undefined) return null;
  const values = typeof setting === 'string' ? setting.split(',').map((v) => v.trim()) : Array.isArray(setting) ? setting : null;
  if (values === null || values.length === 0 || values.some((v) => typeof v !== 'string' || !REFERRER_POLICY_VALUES.has(v))) {
    return `(security.E023) SECURE_REFERRER_POLICY must be one of ${[...REFERRER_POLICY_VALUES].join(', ')} (or a list of them, or null); got ${describe(setting)}.`;
  }
  return null;
}

/** Why SECURE_CROSS_ORIGIN_OPENER_POLICY is invalid, or null (Django's security.E024). */
export function crossOriginOpenerPolicyProblem(setting: unknown): string | null {
  if (setting === null || setting === undefined) return null;
  if (typeof setting === 'string' && CROSS_ORIGIN_OPENER_POLICY_VALUES.has(setting)) return null;
  return `(security.E024) SECURE_CROSS_ORIGIN_OPENER_POLICY must be one of ${[...CROSS_ORIGIN_OPENER_POLICY_VALUES].join(', ')} or null; got ${describe(setting)}.`;
}

/** X_FRAME_OPTIONS, upper-cased; throws on anything but DENY or SAMEORIGIN. */
export function xFrameOptionsValue(setting: unknown): 'DENY' | 'SAMEORIGIN' {
  const value = typeof setting === 'string' ? setting.toUpperCase() : setting;
  if (value !== 'DENY' && value !== 'SAMEORIGIN') throw new ImproperlyConfigured(`The X_FRAME_OPTIONS setting must be "DENY" or "SAMEORIGIN"; got ${describe(setting)}.`);
  return value;
}

/** The compiled header values of SecurityMiddleware, checked once. */
export interface SecurityHeaders {
  /** Strict-Transport-Security, or null when SECURE_HSTS_SECONDS is 0. */
  readonly hsts: string | null;
  readonly nosniff: boolean;
  readonly referrerPolicy: string | null;
  readonly crossOriginOpenerPolicy: string | null;
  readonly sslRedirect: boolean;
  readonly sslHost: string | null;
  readonly redirectExempt: readonly RegExp[];
}

export function securityHeaders(s: ResolvedSettings): SecurityHeaders {
  const fail = (problem: string | null): void => {
    if (problem !== null) throw new ImproperlyConfigured(problem);
  };
  if (!Number.isInteger(s.SECURE_HSTS_SECONDS) || s.SECURE_HSTS_SECONDS < 0) {
    fail(`The SECURE_HSTS_SECONDS setting must be a whole number of seconds (0 to send no HSTS); got ${describe(s.SECURE_HSTS_SECONDS)}.`);
  }
  fail(referrerPolicyProblem(s.SECURE_REFERRER_POLICY));
  fail(crossOriginOpenerPolicyProblem(s.SECURE_CROSS_ORIGIN_OPENER_POLICY));
  if (s.SECURE_SSL_HOST !== null && (typeof s.SECURE_SSL_HOST !== 'string' || !/^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:.]+\](:\d+)?$/i.test(s.SECURE_SSL_HOST))) {
    fail(`The SECURE_SSL_HOST setting must be a host name, with an optional port, or null; got ${describe(s.SECURE_SSL_HOST)}.`);
  }
  if (!Array.isArray(s.SECURE_REDIRECT_EXEMPT)) fail(`The SECURE_REDIRECT_EXEMPT setting must be a list of regular expressions; got ${describe(s.SECURE_REDIRECT_EXEMPT)}.`);
  const redirectExempt = s.SECURE_REDIRECT_EXEMPT.map((pattern) => {
    if (pattern instanceof RegExp) return pattern;
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new ImproperlyConfigured(`SECURE_REDIRECT_EXEMPT has an invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  });
  let hsts: string | null = null;
  if (s.SECURE_HSTS_SECONDS > 0) {
    hsts = `max-age=${s.SECURE_HSTS_SECONDS}`;
    if (s.SECURE_HSTS_INCLUDE_SUBDOMAINS) hsts += '; includeSubDomains';
    if (s.SECURE_HSTS_PRELOAD) hsts += '; preload';
  }
  return {
    hsts,
    nosniff: s.SECURE_CONTENT_TYPE_NOSNIFF === true,
    referrerPolicy: referrerPolicyValue(s.SECURE_REFERRER_POLICY),
    crossOriginOpenerPolicy: s.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    sslRedirect: s.SECURE_SSL_REDIRECT === true,
    sslHost: s.SECURE_SSL_HOST,
    redirectExempt,
  };
}

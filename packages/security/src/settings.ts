import { type HttpRequest, type HttpResponse, ImproperlyConfigured, type Settings } from '@manouche/core';
import type { CspConfig } from './csp/policy';

/** Django's `CSRF_FAILURE_VIEW`: answers a request refused by the CSRF check. */
export type CsrfFailureView = (request: HttpRequest, reason: string) => HttpResponse | Promise<HttpResponse>;

/** The settings this package reads, with Django's names. */
export interface SecuritySettings {
  /** Name of the cookie holding the CSRF secret. */
  CSRF_COOKIE_NAME: string;
  /** Lifetime of the CSRF cookie in seconds; null for a session cookie. */
  CSRF_COOKIE_AGE: number | null;
  CSRF_COOKIE_DOMAIN: string | null;
  CSRF_COOKIE_PATH: string;
  /** Force `Secure` on the CSRF cookie even over plain HTTP; it is `Secure` over HTTPS either way. */
  CSRF_COOKIE_SECURE: boolean;
  /** False (Django's default) lets same-site JavaScript read the cookie for `X-CSRFToken`. */
  CSRF_COOKIE_HTTPONLY: boolean;
  CSRF_COOKIE_SAMESITE: 'Lax' | 'Strict' | 'None' | false;
  /** Header carrying the token for fetch/XHR: `X-CSRFToken` (Django's `HTTP_X_CSRFTOKEN` is accepted too). */
  CSRF_HEADER_NAME: string;
  /** Origins (`https://example.com`, `https://*.example.com`) trusted for unsafe requests besides the site's own. */
  CSRF_TRUSTED_ORIGINS: string[];
  /** Keep the CSRF secret in `request.session` instead of a cookie. */
  CSRF_USE_SESSIONS: boolean;
  /** Answers refused requests; null for the built-in 403 page. */
  CSRF_FAILURE_VIEW: CsrfFailureView | null;
  /** X-Frame-Options for every response: `DENY` or `SAMEORIGIN`. */
  X_FRAME_OPTIONS: 'DENY' | 'SAMEORIGIN';
  /** HSTS max-age in seconds; 0 sends no Strict-Transport-Security. */
  SECURE_HSTS_SECONDS: number;
  SECURE_HSTS_INCLUDE_SUBDOMAINS: boolean;
  SECURE_HSTS_PRELOAD: boolean;
  SECURE_CONTENT_TYPE_NOSNIFF: boolean;
  /** Redirect plain-HTTP requests to HTTPS. */
  SECURE_SSL_REDIRECT: boolean;
  /** Host to redirect to (default: the request's own, validated host). */
  SECURE_SSL_HOST: string | null;
  /** Paths (without the leading slash) never redirected: regular expressions, searched as in Django. */
  SECURE_REDIRECT_EXEMPT: Array<string | RegExp>;
  /** Referrer-Policy; a list gives fallbacks for old browsers. */
  SECURE_REFERRER_POLICY: string | string[] | null;
  SECURE_CROSS_ORIGIN_OPENER_POLICY: string | null;
  /** Content-Security-Policy directives (`{ 'default-src': [CSP.SELF] }`); empty sends none. */
  SECURE_CSP: CspConfig;
  /** Content-Security-Policy-Report-Only directives; empty sends none. */
  SECURE_CSP_REPORT_ONLY: CspConfig;
}

declare module '@manouche/core' {
  interface Settings extends SecuritySettings {}
}

/** Django's defaults, so the protections are on as soon as the middleware is. */
export const securityDefaults: SecuritySettings = {
  CSRF_COOKIE_NAME: 'csrftoken',
  CSRF_COOKIE_AGE: 60 * 60 * 24 * 7 * 52,
  CSRF_COOKIE_DOMAIN: null,
  CSRF_COOKIE_PATH: '/',
  CSRF_COOKIE_SECURE: false,
  CSRF_COOKIE_HTTPONLY: false,
  CSRF_COOKIE_SAMESITE: 'Lax',
  CSRF_HEADER_NAME: 'X-CSRFToken',
  CSRF_TRUSTED_ORIGINS: [],
  CSRF_USE_SESSIONS: false,
  CSRF_FAILURE_VIEW: null,
  X_FRAME_OPTIONS: 'DENY',
  SECURE_HSTS_SECONDS: 0,
  SECURE_HSTS_INCLUDE_SUBDOMAINS: false,
  SECURE_HSTS_PRELOAD: false,
  SECURE_CONTENT_TYPE_NOSNIFF: true,
  SECURE_SSL_REDIRECT: false,
  SECURE_SSL_HOST: null,
  SECURE_REDIRECT_EXEMPT: [],
  SECURE_REFERRER_POLICY: 'same-origin',
  SECURE_CROSS_ORIGIN_OPENER_POLICY: 'same-origin',
  SECURE_CSP: {},
  SECURE_CSP_REPORT_ONLY: {},
};

/** Core settings the protections also read; Express users pass them in the same options object. */
export interface RequestSettings {
  DEBUG: boolean;
  ALLOWED_HOSTS: string[];
  SECURE_PROXY_SSL_HEADER: [string, string] | null;
  USE_X_FORWARDED_HOST: boolean;
  USE_X_FORWARDED_PORT: boolean;
}

export type ResolvedSettings = SecuritySettings & RequestSettings;

/** What an Express user passes: any of the settings above, by their Django names. */
export type SecurityOptions = Partial<ResolvedSettings>;

const requestDefaults: RequestSettings = {
  DEBUG: false,
  ALLOWED_HOSTS: [],
  SECURE_PROXY_SSL_HEADER: null,
  USE_X_FORWARDED_HOST: false,
  USE_X_FORWARDED_PORT: false,
};

const resolved = new WeakMap<object, ResolvedSettings>();

/**
 * The settings with this package's defaults under them, so the middleware
 * works whether or not `securityApp()` is installed. Computed once per
 * settings object.
 */
export function resolveSettings(settings: Partial<Settings> | SecurityOptions): ResolvedSettings {
  let result = resolved.get(settings);
  if (!result) {
    result = { ...requestDefaults, ...securityDefaults } as ResolvedSettings;
    for (const [key, value] of Object.entries(settings)) if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
    resolved.set(settings, result);
  }
  return result;
}

/** Throw ImproperlyConfigured naming the setting, the bad value and what is valid. */
export function invalidSetting(name: string, value: unknown, expected: string): never {
  throw new ImproperlyConfigured(`The ${name} setting must be ${expected}; got ${describe(value)}.`);
}

export function describe(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

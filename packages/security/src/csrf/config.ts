import type { CookieOptions, Settings } from '@manouche/core';
import { invalidSetting, type ResolvedSettings, resolveSettings, type SecurityOptions } from '../settings';
import { TrustedOrigins } from './origins';

/** The CSRF settings, checked and compiled once per settings object. */
export interface CsrfConfig {
  readonly settings: ResolvedSettings;
  readonly trustedOrigins: TrustedOrigins;
  /** The token header, lower-case (`x-csrftoken`). */
  readonly headerName: string;
  /** The token header as people write it, for messages (`X-CSRFToken`). */
  readonly headerLabel: string;
  readonly cookieName: string;
  readonly cookieOptions: CookieOptions;
  /** The domain a Referer may match besides the host: the cookie's (or the session cookie's) domain. */
  readonly refererDomain: string | null;
}

const SAMESITE = ['Lax', 'Strict', 'None', false] as const;
const configs = new WeakMap<ResolvedSettings, CsrfConfig>();

export function csrfConfig(settings: Partial<Settings> | SecurityOptions): CsrfConfig {
  const s = resolveSettings(settings);
  let config = configs.get(s);
  if (!config) {
    config = compile(s);
    configs.set(s, config);
  }
  return config;
}

function compile(s: ResolvedSettings): CsrfConfig {
  if (!Array.isArray(s.CSRF_TRUSTED_ORIGINS)) invalidSetting('CSRF_TRUSTED_ORIGINS', s.CSRF_TRUSTED_ORIGINS, 'a list of origins such as ["https://example.com"]');
  if (typeof s.CSRF_COOKIE_NAME !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s.CSRF_COOKIE_NAME)) {
    invalidSetting('CSRF_COOKIE_NAME', s.CSRF_COOKIE_NAME, 'a cookie name (letters, digits and !#$%&\'*+-.^_`|~)');
  }
  if (!SAMESITE.includes(s.CSRF_COOKIE_SAMESITE)) invalidSetting('CSRF_COOKIE_SAMESITE', s.CSRF_COOKIE_SAMESITE, 'one of "Lax", "Strict", "None" or false');
  if (s.CSRF_COOKIE_AGE !== null && !(Number.isFinite(s.CSRF_COOKIE_AGE) && s.CSRF_COOKIE_AGE >= 0)) {
    invalidSetting('CSRF_COOKIE_AGE', s.CSRF_COOKIE_AGE, 'a number of seconds or null');
  }
  if (typeof s.CSRF_HEADER_NAME !== 'string' || !/^(HTTP_)?[A-Za-z0-9_-]+$/.test(s.CSRF_HEADER_NAME)) {
    invalidSetting('CSRF_HEADER_NAME', s.CSRF_HEADER_NAME, 'a header name such as "X-CSRFToken"');
  }
  if (s.CSRF_FAILURE_VIEW !== null && typeof s.CSRF_FAILURE_VIEW !== 'function') {
    invalidSetting('CSRF_FAILURE_VIEW', s.CSRF_FAILURE_VIEW, 'a view function (request, reason) => response, or null');
  }
  // Django spells it HTTP_X_CSRFTOKEN (a WSGI environ key); both name the X-CSRFToken header
  const headerLabel = s.CSRF_HEADER_NAME.startsWith('HTTP_') ? s.CSRF_HEADER_NAME.slice(5).replace(/_/g, '-') : s.CSRF_HEADER_NAME;
  const sessionCookieDomain = (s as unknown as { SESSION_COOKIE_DOMAIN?: string | null }).SESSION_COOKIE_DOMAIN ?? null;
  return {
    settings: s,
    trustedOrigins: new TrustedOrigins(s.CSRF_TRUSTED_ORIGINS),
    headerName: headerLabel.toLowerCase(),
    headerLabel,
    cookieName: s.CSRF_COOKIE_NAME,
    cookieOptions: {
      maxAge: s.CSRF_COOKIE_AGE ?? undefined,
      domain: s.CSRF_COOKIE_DOMAIN ?? undefined,
      path: s.CSRF_COOKIE_PATH,
      // undefined lets the cookie follow the request: Secure over HTTPS
      secure: s.CSRF_COOKIE_SECURE ? true : undefined,
      httpOnly: s.CSRF_COOKIE_HTTPONLY,
      sameSite: s.CSRF_COOKIE_SAMESITE,
    },
    refererDomain: s.CSRF_USE_SESSIONS ? sessionCookieDomain : s.CSRF_COOKIE_DOMAIN,
  };
}

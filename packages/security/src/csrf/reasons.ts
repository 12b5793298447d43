/** Why a request failed the CSRF check: Django's messages, shown on the DEBUG 403 page and logged. */
export const REASON_BAD_ORIGIN = (origin: string): string => `Origin checking failed - ${origin} does not match any trusted origins.`;
export const REASON_NO_REFERER = 'Referer checking failed - no Referer.';
export const REASON_BAD_REFERER = (referer: string): string => `Referer checking failed - ${referer} does not match any trusted origins.`;
export const REASON_NO_CSRF_COOKIE = 'CSRF cookie not set.';
export const REASON_CSRF_TOKEN_MISSING = 'CSRF token missing.';
export const REASON_MALFORMED_REFERER = 'Referer checking failed - Referer is malformed.';
export const REASON_INSECURE_REFERER = 'Referer checking failed - Referer is insecure while host is secure.';
export const REASON_CROSS_SITE = 'Sec-Fetch-Site checking failed - the browser says the request came from another site (cross-site).';

import type { ContextProcessor } from './engine';

/**
 * Django's built-in context processors. List them (and those of other
 * packages: @manouche/security's CSRF token and CSP nonce, @manouche/auth's
 * user and messages) in `TEMPLATES[0].OPTIONS.contextProcessors`.
 */
export const contextProcessors = {
  /** `debug: true` when DEBUG is on and the client is in INTERNAL_IPS (Django's debug processor). */
  debug: ((request) => (request.settings.DEBUG && request.settings.INTERNAL_IPS.includes(request.clientIp) ? { debug: true } : {})) as ContextProcessor,
  /** The current request as `request`. */
  request: ((request) => ({ request })) as ContextProcessor,
  /** `STATIC_URL`. */
  static: ((request) => ({ STATIC_URL: request.settings.STATIC_URL })) as ContextProcessor,
  /** `MEDIA_URL`. */
  media: ((request) => ({ MEDIA_URL: request.settings.MEDIA_URL })) as ContextProcessor,
} satisfies Record<string, ContextProcessor>;

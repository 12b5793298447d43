import { Bridge } from './bridge';
import { csrfWith, type ExpressCsrfOptions } from './csrf';
import { allowedHostsWith, cspWith, securityHeadersWith, xFrameOptionsWith } from './headers';
import type { ConnectMiddleware } from './types';

/**
 * The default stack for Express, in Django's order: host check, security
 * headers and HTTPS redirect, CSP, CSRF, X-Frame-Options.
 * `app.use(express.urlencoded({ extended: false }), expressSecurity({ ALLOWED_HOSTS: ['example.com'] }))`.
 */
export function expressSecurity(options: ExpressCsrfOptions = {}): ConnectMiddleware[] {
  const { exempt, onFailure, ...settings } = options;
  const bridge = new Bridge(settings);
  return [allowedHostsWith(bridge), securityHeadersWith(bridge), cspWith(bridge), csrfWith(bridge, { exempt, onFailure }), xFrameOptionsWith(bridge)];
}

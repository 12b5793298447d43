import { type AppConfig, commonMiddleware, defineApp, type Middleware } from '@manouche/core';
import { securityChecks } from './checks';
import { xFrameOptionsMiddleware } from './clickjacking';
import { cspMiddleware } from './csp/middleware';
import { csrfViewMiddleware } from './csrf/middleware';
import { securityMiddleware } from './security-middleware';
import { securityDefaults } from './settings';

/**
 * Django's default order: security headers and the HTTPS redirect first, CSP
 * outside X-Frame-Options (it derives frame-ancestors from it), the host
 * check (commonMiddleware), then CSRF. Add a session middleware between
 * commonMiddleware and csrfViewMiddleware.
 */
export const defaultMiddleware: readonly Middleware[] = Object.freeze([securityMiddleware, cspMiddleware, commonMiddleware, csrfViewMiddleware, xFrameOptionsMiddleware]);

/**
 * The `security` app for INSTALLED_APPS: Django's defaults for every
 * security setting, `defaultMiddleware` as MIDDLEWARE unless the project
 * lists its own, and the deployment checks of `manouche check --deploy`.
 */
export function securityApp(): AppConfig {
  return defineApp({
    label: 'security',
    defaults: { ...securityDefaults, MIDDLEWARE: [...defaultMiddleware] },
    checks: securityChecks,
  });
}

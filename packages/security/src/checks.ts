import { type Application, type Check, type CheckMessage, defineCheck, type Middleware } from '@manouche/core';
import { xFrameOptionsMiddleware } from './clickjacking';
import { csrfViewMiddleware } from './csrf/middleware';
import { securityMiddleware } from './security-middleware';
import { resolveSettings } from './settings';

const installed = (app: Application, middleware: Middleware): boolean => app.settings.MIDDLEWARE.includes(middleware);

/** Auth's session settings, read only when @manouche/auth defined them. */
function sessionSetting(app: Application, name: 'SESSION_COOKIE_SECURE' | 'SESSION_COOKIE_HTTPONLY'): boolean | undefined {
  const value = (app.settings as unknown as Record<string, unknown>)[name];
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * Django's deployment checks (`manouche check --deploy`), with Django's ids.
 * DEBUG (security.W018) and SECRET_KEY (W009, W025) are core's; invalid
 * values (E023, E024) stop the app at start-up instead.
 */
const deploymentCheck = defineCheck(
  (app) => {
    const s = resolveSettings(app.settings);
    const messages: CheckMessage[] = [];
    const warn = (id: string, msg: string, hint?: string): void => void messages.push({ level: 'WARNING', id, msg, ...(hint ? { hint } : {}) });

    if (installed(app, securityMiddleware)) {
      if (s.SECURE_HSTS_SECONDS === 0) {
        warn(
          'security.W004',
          'You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.',
        );
      } else {
        if (!s.SECURE_HSTS_INCLUDE_SUBDOMAINS) {
          warn(
            'security.W005',
            'You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to true. Without this, your site is potentially vulnerable to attack via an insecure connection to a subdomain. Only set this to true if you are certain that all subdomains of your domain should be served exclusively via SSL.',
          );
        }
        if (!s.SECURE_HSTS_PRELOAD) {
          warn('security.W021', 'You have not set the SECURE_HSTS_PRELOAD setting to true. Without this, your site cannot be submitted to the browser preload list.');
        }
      }
      if (!s.SECURE_CONTENT_TYPE_NOSNIFF) {
        warn(
          'security.W006',
          "Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to true, so your pages will not be served with an 'X-Content-Type-Options: nosniff' header. You should consider enabling this header to prevent the browser from identifying content types incorrectly.",
        );
      }
      if (!s.SECURE_SSL_REDIRECT) {
        warn(
          'security.W008',
          'Your SECURE_SSL_REDIRECT setting is not set to true. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting to true or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.',
          'Behind a proxy that terminates TLS, also set SECURE_PROXY_SSL_HEADER, or the redirect will loop.',
        );
      }
      if (s.SECURE_REFERRER_POLICY === null) {
        warn(
          'security.W022',
          'You have not set the SECURE_REFERRER_POLICY setting. Without this, your site will not send a Referrer-Policy header. You should consider enabling this header to protect user privacy.',
        );
      }
    } else {
      warn(
        'security.W001',
        'You do not have securityMiddleware in your MIDDLEWARE so the SECURE_HSTS_SECONDS, SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, and SECURE_SSL_REDIRECT settings will have no effect.',
      );
    }

    if (installed(app, xFrameOptionsMiddleware)) {
      if (String(s.X_FRAME_OPTIONS).toUpperCase() !== 'DENY') {
        warn(
          'security.W019',
          "You have xFrameOptionsMiddleware in your MIDDLEWARE, but X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your site to serve other parts of itself in a frame, you should change it to 'DENY'.",
        );
      }
    } else {
      warn(
        'security.W002',
        "You do not have xFrameOptionsMiddleware in your MIDDLEWARE, so your pages will not be served with an 'x-frame-options' header. Unless there is a good reason for your site to be served in a frame, you should consider enabling this header to help prevent clickjacking attacks.",
      );
    }

    if (installed(app, csrfViewMiddleware)) {
      if (!s.CSRF_USE_SESSIONS && !s.CSRF_COOKIE_SECURE) {
        warn(
          'security.W016',
          'You have csrfViewMiddleware in your MIDDLEWARE, but you have not set CSRF_COOKIE_SECURE to true. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.',
          'Manouche marks the cookie Secure on HTTPS requests already; set CSRF_COOKIE_SECURE so it stays Secure when TLS ends at a proxy the app cannot see.',
        );
      }
    } else {
      warn(
        'security.W003',
        "You don't appear to be using the built-in cross-site request forgery protection via the middleware (csrfViewMiddleware is not in your MIDDLEWARE). Enabling the middleware is the safest approach to ensure you don't leave any holes.",
      );
    }

    if (sessionSetting(app, 'SESSION_COOKIE_SECURE') === false) {
      warn(
        'security.W010',
        'You have sessions installed, but you have not set SESSION_COOKIE_SECURE to true. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions.',
      );
    }
    if (sessionSetting(app, 'SESSION_COOKIE_HTTPONLY') === false) {
      warn('security.W012', 'SESSION_COOKIE_HTTPONLY is not set to true. Using an HttpOnly session cookie makes it more difficult for cross-site scripting attacks to hijack user sessions.');
    }

    // with DEBUG off, core already reports an empty ALLOWED_HOSTS as security.E001
    if (app.settings.DEBUG && app.settings.ALLOWED_HOSTS.length === 0) warn('security.W020', 'ALLOWED_HOSTS must not be empty in deployment.');
    return messages;
  },
  { deployOnly: true, tags: ['security'] },
);

export const securityChecks: Check[] = [deploymentCheck];

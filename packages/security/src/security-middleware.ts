import { type HttpRequest, type HttpResponse, HttpResponsePermanentRedirect, isPromise, type Middleware } from '@manouche/core';
import { securityHeaders } from './headers-config';
import { resolveSettings } from './settings';

/**
 * Django's SecurityMiddleware: redirects plain HTTP to HTTPS
 * (SECURE_SSL_REDIRECT) and adds Strict-Transport-Security (over HTTPS),
 * X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy to
 * every response that has not set its own. Put it first in MIDDLEWARE.
 */
export const securityMiddleware: Middleware = (getResponse, app) => {
  const config = securityHeaders(resolveSettings(app.settings));
  const { hsts, nosniff, referrerPolicy, crossOriginOpenerPolicy } = config;
  const proxyConfigured = app.settings.SECURE_PROXY_SSL_HEADER !== null;
  let warnedAboutProxy = false;

  const addHeaders = (request: HttpRequest, response: HttpResponse): HttpResponse => {
    const headers = response.headers;
    const present = headers.raw();
    // values were validated at start-up: skip per-request header validation
    if (hsts !== null && present['strict-transport-security'] === undefined && request.isSecure()) headers.setTrusted('strict-transport-security', hsts);
    if (nosniff && present['x-content-type-options'] === undefined) headers.setTrusted('x-content-type-options', 'nosniff');
    if (referrerPolicy !== null && present['referrer-policy'] === undefined) headers.setTrusted('referrer-policy', referrerPolicy);
    if (crossOriginOpenerPolicy !== null && present['cross-origin-opener-policy'] === undefined) headers.setTrusted('cross-origin-opener-policy', crossOriginOpenerPolicy);
    return response;
  };

  const redirectToHttps = (request: HttpRequest): HttpResponse => {
    // A proxy that terminates TLS and says so in a header we were not told to
    // trust makes every request look like plain HTTP: an endless redirect loop.
    if (!proxyConfigured && !warnedAboutProxy && (request.header('x-forwarded-proto') ?? request.header('forwarded'))?.includes('https')) {
      warnedAboutProxy = true;
      app.logger.warn(
        'SECURE_SSL_REDIRECT is redirecting a request that a proxy marked as HTTPS. If a proxy terminates TLS in front of the app, set SECURE_PROXY_SSL_HEADER (e.g. ["x-forwarded-proto", "https"]) or every request will be redirected in a loop.',
        { security: true },
      );
    }
    const host = config.sslHost ?? request.getHost();
    return new HttpResponsePermanentRedirect(`https://${host}${request.getFullPath()}`);
  };

  const mustRedirect = (request: HttpRequest): boolean => {
    if (request.isSecure()) return false;
    const path = request.path.replace(/^\/+/, '');
    return !config.redirectExempt.some((pattern) => pattern.test(path));
  };

  return function security(request) {
    if (config.sslRedirect && mustRedirect(request)) return addHeaders(request, redirectToHttps(request));
    const result = getResponse(request);
    return isPromise(result) ? result.then((response) => addHeaders(request, response)) : addHeaders(request, result);
  };
};

import type { IncomingMessage } from 'node:http';
import { DisallowedHost, escapeHtml } from '@manouche/core';
import { getCspNonce, usedCspNonce } from '../csp/nonce';
import { compilePolicy, CSP } from '../csp/policy';
import { securityHeaders, xFrameOptionsValue } from '../headers-config';
import { Bridge } from './bridge';
import { beforeHeaders, type ConnectMiddleware, type ExpressOptions, locals, sendError } from './types';

function badHost(bridge: Bridge, req: IncomingMessage, res: Parameters<ConnectMiddleware>[1], error: DisallowedHost): void {
  bridge.app.logger.warn(`Suspicious operation (${error.code}): ${error.message}`, { security: true });
  const detail = bridge.settings.DEBUG ? `<p>${escapeHtml(error.message)}</p>` : '';
  sendError(req, res, 400, `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Bad Request (400)</title></head>\n<body><h1>Bad Request (400)</h1>${detail}</body></html>\n`, {
    error: { status: 400, code: error.code, message: bridge.settings.DEBUG ? error.message : 'Bad Request' },
  });
}

export function allowedHostsWith(bridge: Bridge): ConnectMiddleware {
  return (req, res, next) => {
    try {
      bridge.request(req).getHost();
    } catch (error) {
      if (error instanceof DisallowedHost) return badHost(bridge, req, res, error);
      return next(error);
    }
    next();
  };
}

export function securityHeadersWith(bridge: Bridge): ConnectMiddleware {
  const config = securityHeaders(bridge.settings);
  return (req, res, next) => {
    const request = bridge.request(req);
    const secure = request.isSecure();
    if (config.sslRedirect && !secure && !config.redirectExempt.some((p) => p.test(request.path.replace(/^\/+/, '')))) {
      let host: string;
      try {
        host = config.sslHost ?? request.getHost();
      } catch (error) {
        if (error instanceof DisallowedHost) return badHost(bridge, req, res, error);
        return next(error);
      }
      res.writeHead(301, { location: `https://${host}${request.getFullPath()}`, 'content-length': 0 });
      res.end();
      return;
    }
    // set before the route runs, so a route can still replace or remove any of them
    if (config.hsts !== null && secure) res.setHeader('strict-transport-security', config.hsts);
    if (config.nosniff) res.setHeader('x-content-type-options', 'nosniff');
    if (config.referrerPolicy !== null) res.setHeader('referrer-policy', config.referrerPolicy);
    if (config.crossOriginOpenerPolicy !== null) res.setHeader('cross-origin-opener-policy', config.crossOriginOpenerPolicy);
    next();
  };
}

export function xFrameOptionsWith(bridge: Bridge): ConnectMiddleware {
  const value = xFrameOptionsValue(bridge.settings.X_FRAME_OPTIONS);
  return (_req, res, next) => {
    res.setHeader('x-frame-options', value);
    next();
  };
}

export function cspWith(bridge: Bridge): ConnectMiddleware {
  const enforce = compilePolicy(bridge.settings.SECURE_CSP, 'SECURE_CSP');
  const reportOnly = compilePolicy(bridge.settings.SECURE_CSP_REPORT_ONLY, 'SECURE_CSP_REPORT_ONLY');
  return (req, res, next) => {
    const resLocals = locals(res);
    if (resLocals) Object.defineProperty(resLocals, 'cspNonce', { get: () => getCspNonce(req), configurable: true, enumerable: true });
    beforeHeaders(res, () => {
      if (!enforce.empty && !res.hasHeader(CSP.HEADER_ENFORCE)) {
        let value = enforce.render(usedCspNonce(req));
        const frame = String(res.getHeader('x-frame-options') ?? '').toUpperCase();
        if (!enforce.hasFrameAncestors && frame === 'DENY') value += "; frame-ancestors 'none'";
        if (!enforce.hasFrameAncestors && frame === 'SAMEORIGIN') value += "; frame-ancestors 'self'";
        res.setHeader(CSP.HEADER_ENFORCE, value);
      }
      if (!reportOnly.empty && !res.hasHeader(CSP.HEADER_REPORT_ONLY)) res.setHeader(CSP.HEADER_REPORT_ONLY, reportOnly.render(usedCspNonce(req)));
    });
    next();
  };
}

/** Refuse (400) requests whose Host is not in ALLOWED_HOSTS. X-Forwarded-Host counts only with USE_X_FORWARDED_HOST. */
export const expressAllowedHosts = (options: ExpressOptions = {}): ConnectMiddleware => allowedHostsWith(new Bridge(options));
/** SecurityMiddleware for Express: SSL redirect, HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy. */
export const expressSecurityHeaders = (options: ExpressOptions = {}): ConnectMiddleware => securityHeadersWith(new Bridge(options));
/** X-Frame-Options (DENY unless X_FRAME_OPTIONS says SAMEORIGIN); `res.removeHeader('x-frame-options')` exempts a route. */
export const expressXFrameOptions = (options: ExpressOptions = {}): ConnectMiddleware => xFrameOptionsWith(new Bridge(options));
/** Content-Security-Policy from SECURE_CSP / SECURE_CSP_REPORT_ONLY; `res.locals.cspNonce` or `getCspNonce(req)` for inline scripts. */
export const expressCsp = (options: ExpressOptions = {}): ConnectMiddleware => cspWith(new Bridge(options));

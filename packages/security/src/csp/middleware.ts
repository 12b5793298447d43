import { type HttpRequest, type HttpResponse, isPromise, type Middleware, thenResponse, type ViewFunction } from '@manouche/core';
import { resolveSettings } from '../settings';
import { type CompiledPolicy, compilePolicy, CSP, type CspConfig } from './policy';
import { usedCspNonce } from './nonce';

const OVERRIDE = Symbol.for('@manouche/security.cspOverride');
type Overridden = HttpResponse & { [OVERRIDE]?: { enforce?: CompiledPolicy; reportOnly?: CompiledPolicy } };

const ENFORCE = CSP.HEADER_ENFORCE.toLowerCase();
const REPORT_ONLY = CSP.HEADER_REPORT_ONLY.toLowerCase();
const FRAME_ANCESTORS: Readonly<Record<string, string>> = { DENY: "; frame-ancestors 'none'", SAMEORIGIN: "; frame-ancestors 'self'" };

/**
 * Django's ContentSecurityPolicyMiddleware: sends SECURE_CSP as
 * Content-Security-Policy and SECURE_CSP_REPORT_ONLY as
 * Content-Security-Policy-Report-Only, unless the response set its own.
 * `CSP.NONCE` becomes the request's nonce when the page used it.
 *
 * When the policy has no `frame-ancestors`, the enforced header gets the one
 * matching the response's X-Frame-Options (`'none'` for DENY, `'self'` for
 * SAMEORIGIN): list this middleware before (outside) xFrameOptionsMiddleware.
 */
export const cspMiddleware: Middleware = (getResponse, app) => {
  const settings = resolveSettings(app.settings);
  const enforce = compilePolicy(settings.SECURE_CSP, 'SECURE_CSP');
  const reportOnly = compilePolicy(settings.SECURE_CSP_REPORT_ONLY, 'SECURE_CSP_REPORT_ONLY');

  const apply = (request: HttpRequest, response: HttpResponse): HttpResponse => {
    const override = (response as Overridden)[OVERRIDE];
    const headers = response.headers;
    const present = headers.raw();
    const policy = override?.enforce ?? enforce;
    if (!policy.empty && present[ENFORCE] === undefined) {
      let value = policy.render(policy.usesNonce ? usedCspNonce(request) : undefined);
      const frame = present['x-frame-options'];
      if (!policy.hasFrameAncestors && typeof frame === 'string') value += FRAME_ANCESTORS[frame.toUpperCase()] ?? '';
      headers.setTrusted(ENFORCE, value);
    }
    const ro = override?.reportOnly ?? reportOnly;
    if (!ro.empty && present[REPORT_ONLY] === undefined) headers.setTrusted(REPORT_ONLY, ro.render(ro.usesNonce ? usedCspNonce(request) : undefined));
    return response;
  };

  return function csp(request) {
    const result = getResponse(request);
    return isPromise(result) ? result.then((response) => apply(request, response)) : apply(request, result);
  };
};

function override<V extends ViewFunction>(view: V, key: 'enforce' | 'reportOnly', policy: CompiledPolicy): V {
  const wrapped = ((request, params) =>
    thenResponse(view(request, params), (response) => {
      const target = response as Overridden;
      target[OVERRIDE] = { ...target[OVERRIDE], [key]: policy };
      return response;
    })) as V;
  return Object.assign(wrapped, view);
}

/**
 * Django's `csp_override`: this view's responses use `config` instead of
 * SECURE_CSP (`{}` sends no policy).
 */
export function cspOverride(config: CspConfig): <V extends ViewFunction>(view: V) => V {
  const policy = compilePolicy(config, 'cspOverride()');
  return (view) => override(view, 'enforce', policy);
}

/** Django's `csp_report_only_override`: the same for SECURE_CSP_REPORT_ONLY. */
export function cspReportOnlyOverride(config: CspConfig): <V extends ViewFunction>(view: V) => V {
  const policy = compilePolicy(config, 'cspReportOnlyOverride()');
  return (view) => override(view, 'reportOnly', policy);
}

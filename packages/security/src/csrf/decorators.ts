import type { ViewFunction } from '@manouche/core';
import { getToken } from './state';

/**
 * Django's `csrf_exempt`: unsafe requests to this view skip the CSRF check.
 * Only for views that authenticate each request some other way (a webhook
 * checking a signature, a token-authenticated API): a cookie-authenticated
 * view that is exempt can be driven by any site.
 */
export function csrfExempt<V extends ViewFunction>(view: V): V & { csrfExempt: true } {
  const wrapped = ((request, params) => view(request, params)) as V;
  return Object.assign(wrapped, view, { csrfExempt: true as const });
}

/**
 * Django's `ensure_csrf_cookie`: the response sets the CSRF cookie even if
 * the page renders no form, for pages whose JavaScript posts with fetch and
 * reads the token from the cookie.
 */
export function ensureCsrfCookie<V extends ViewFunction>(view: V): V {
  const wrapped = ((request, params) => {
    getToken(request);
    return view(request, params);
  }) as V;
  return Object.assign(wrapped, view);
}

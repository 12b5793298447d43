import { type HttpResponse, isPromise, type Middleware, thenResponse, type ViewFunction } from '@manouche/core';
import { xFrameOptionsValue } from './headers-config';
import { resolveSettings } from './settings';

declare module '@manouche/core' {
  interface HttpResponse {
    /** Set by `xframeOptionsExempt()`: the response may be framed by any site. */
    xframeOptionsExempt?: boolean;
  }
}

/**
 * Django's XFrameOptionsMiddleware: `X-Frame-Options: DENY` (or X_FRAME_OPTIONS)
 * on every response that has not set its own or been exempted, so no other
 * site can frame a page to trick clicks on it.
 */
export const xFrameOptionsMiddleware: Middleware = (getResponse, app) => {
  const value = xFrameOptionsValue(resolveSettings(app.settings).X_FRAME_OPTIONS);
  const addHeader = (response: HttpResponse): HttpResponse => {
    if (response.xframeOptionsExempt !== true && response.headers.raw()['x-frame-options'] === undefined) response.headers.setTrusted('x-frame-options', value);
    return response;
  };
  return function xFrameOptions(request) {
    const result = getResponse(request);
    return isPromise(result) ? result.then(addHeader) : addHeader(result);
  };
};

function decorate<V extends ViewFunction>(view: V, change: (response: HttpResponse) => void): V {
  const wrapped = ((request, params) =>
    thenResponse(view(request, params), (response) => {
      change(response);
      return response;
    })) as V;
  return Object.assign(wrapped, view);
}

/** Django's `xframe_options_deny`: this view's responses send `X-Frame-Options: DENY`. */
export function xframeOptionsDeny<V extends ViewFunction>(view: V): V {
  return decorate(view, (response) => response.headers.setDefault('x-frame-options', 'DENY'));
}

/** Django's `xframe_options_sameorigin`: this view's pages may be framed by this site only. */
export function xframeOptionsSameorigin<V extends ViewFunction>(view: V): V {
  return decorate(view, (response) => response.headers.setDefault('x-frame-options', 'SAMEORIGIN'));
}

/** Django's `xframe_options_exempt`: this view's pages may be framed by any site (an embeddable widget). */
export function xframeOptionsExempt<V extends ViewFunction>(view: V): V {
  return decorate(view, (response) => {
    response.xframeOptionsExempt = true;
  });
}

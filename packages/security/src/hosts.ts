import type { Middleware } from '@manouche/core';

/**
 * Refuse (400) a request whose Host (or trusted X-Forwarded-Host) is not in
 * ALLOWED_HOSTS, before any view runs. Core's `commonMiddleware` already does
 * this; use this one when your MIDDLEWARE leaves commonMiddleware out.
 */
export const allowedHostsMiddleware: Middleware = (getResponse) =>
  function allowedHosts(request) {
    request.getHost();
    return getResponse(request);
  };

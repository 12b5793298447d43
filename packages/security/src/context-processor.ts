import type { HttpRequest } from '@manouche/core';
import { getToken } from './csrf/state';
import { getCspNonce } from './csp/nonce';

/** What the security context processor gives templates. */
export interface SecurityContext {
  /** The masked CSRF token (templates' `csrfInput()` renders it as the hidden field). */
  readonly csrfToken: string;
  /** The request's CSP nonce, for `<script nonce="…">`. */
  readonly cspNonce: string;
}

/**
 * The context processor for `@manouche/templates`: `csrfToken` and
 * `cspNonce`. Both are lazy: a template that reads neither creates no token
 * (so sets no cookie) and no nonce.
 */
export function securityContextProcessor(request: HttpRequest): SecurityContext {
  let token: string | undefined;
  return {
    get csrfToken() {
      return (token ??= getToken(request));
    },
    get cspNonce() {
      return getCspNonce(request);
    },
  };
}

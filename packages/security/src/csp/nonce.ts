import { randomBytes } from 'node:crypto';

const NONCE = Symbol.for('@manouche/security.cspNonce');
type Carrier = { [NONCE]?: string };

/**
 * This request's CSP nonce (128 random bits, base64), created on first use:
 * put it on inline `<script nonce="…">` tags. The CSP middleware adds it to
 * the policy only when it was used, so pages without inline scripts cost
 * nothing and stay cacheable.
 */
export function getCspNonce(request: object): string {
  return ((request as Carrier)[NONCE] ??= randomBytes(16).toString('base64'));
}

/** The nonce if the request created one, without creating it. */
export function usedCspNonce(request: object): string | undefined {
  return (request as Carrier)[NONCE];
}

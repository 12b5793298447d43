import { randomBytes } from 'node:crypto';
import { constantTimeCompare } from '@manouche/core';

/**
 * Django's CSRF tokens. The secret (32 characters) lives in the cookie or the
 * session; every page gets it masked by a fresh random 32-character mask, so
 * the token (64 characters) differs on every render and a compression oracle
 * (BREACH) cannot recover it from responses. Masking is not a nonce: any
 * masked form of the right secret is accepted, as many times as it is sent.
 */
export const CSRF_SECRET_LENGTH = 32;
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH;
export const CSRF_ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const BASE = CSRF_ALLOWED_CHARS.length;
// bytes at or above this would make some characters likelier than others (modulo bias)
const UNBIASED_LIMIT = 256 - (256 % BASE);
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE; i++) INDEX[CSRF_ALLOWED_CHARS.charCodeAt(i)] = i;

/** A new random 32-character string over CSRF_ALLOWED_CHARS (a secret or a mask). */
export function newCsrfString(): string {
  let out = '';
  while (out.length < CSRF_SECRET_LENGTH) {
    for (const byte of randomBytes(48)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += CSRF_ALLOWED_CHARS[byte % BASE];
      if (out.length === CSRF_SECRET_LENGTH) break;
    }
  }
  return out;
}

function index(text: string, at: number): number {
  return INDEX[text.charCodeAt(at)]!;
}

/** Mask the secret with a new random mask: `mask + cipher`, 64 characters. */
export function maskCipherSecret(secret: string): string {
  const mask = newCsrfString();
  let cipher = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) cipher += CSRF_ALLOWED_CHARS[(index(secret, i) + index(mask, i)) % BASE];
  return mask + cipher;
}

/** Recover the secret from a 64-character masked token (which must have a valid format). */
export function unmaskCipherToken(token: string): string {
  let secret = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    secret += CSRF_ALLOWED_CHARS[(index(token, CSRF_SECRET_LENGTH + i) - index(token, i) + BASE) % BASE];
  }
  return secret;
}

export const REASON_INCORRECT_LENGTH = 'has incorrect length';
export const REASON_INVALID_CHARACTERS = 'has invalid characters';

/** Why a token or secret has the wrong shape, or null when it is well formed. */
export function tokenFormatProblem(token: string): string | null {
  if (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH) return REASON_INCORRECT_LENGTH;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 128 || INDEX[code] === -1) return REASON_INVALID_CHARACTERS;
  }
  return null;
}

/**
 * Does a well-formed token (masked, or the bare secret read from the cookie
 * by JavaScript) carry `secret`? Compared in constant time.
 */
export function doesTokenMatch(token: string, secret: string): boolean {
  const candidate = token.length === CSRF_TOKEN_LENGTH ? unmaskCipherToken(token) : token;
  return constantTimeCompare(candidate, secret);
}

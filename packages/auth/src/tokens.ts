import { constantTimeCompare, getSettings, saltedHmac } from '@manouche/core';
import { authSettings } from './settings';
import type { AuthUser } from './user-methods';

const EPOCH = Date.UTC(2001, 0, 1);

/** `2024-05-01 12:30:45`: Python's str() of a naive datetime without microseconds, as Django hashes it. */
function pythonDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Django's PasswordResetTokenGenerator: `<timestamp>-<hmac>` where the HMAC
 * (SHA-256 over SECRET_KEY) covers the user's id, password hash, last login
 * and email. Nothing is stored: a token stops working once it is older than
 * PASSWORD_RESET_TIMEOUT, or once the password, the email or the last login
 * changed (so after it was used, or the user logged in meanwhile).
 */
export class PasswordResetTokenGenerator {
  keySalt = 'manouche.auth.tokens.PasswordResetTokenGenerator';
  algorithm: 'sha256' | 'sha1' = 'sha256';
  /** Defaults to SECRET_KEY and SECRET_KEY_FALLBACKS. */
  secret: string | undefined;
  secretFallbacks: string[] | undefined;

  makeToken(user: AuthUser): string {
    return this.makeTokenWithTimestamp(user, this.numSeconds(this.now()), this.secret ?? getSettings().SECRET_KEY);
  }

  checkToken(user: AuthUser | null | undefined, token: unknown): boolean {
    if (!user || typeof token !== 'string' || !token) return false;
    const parts = token.split('-');
    if (parts.length !== 2 || !/^[0-9a-z]{1,13}$/.test(parts[0]!)) return false;
    const timestamp = parseInt(parts[0]!, 36);
    const secrets = [this.secret ?? getSettings().SECRET_KEY, ...(this.secretFallbacks ?? getSettings().SECRET_KEY_FALLBACKS)];
    if (!secrets.some((secret) => constantTimeCompare(this.makeTokenWithTimestamp(user, timestamp, secret), token))) return false;
    return this.numSeconds(this.now()) - timestamp <= authSettings(getSettings()).PASSWORD_RESET_TIMEOUT;
  }

  protected makeTokenWithTimestamp(user: AuthUser, timestamp: number, secret: string): string {
    const hash = saltedHmac(this.keySalt, this.makeHashValue(user, timestamp), secret, this.algorithm).toString('hex');
    // every other character: shorter URLs, still 128 bits of HMAC
    let short = '';
    for (let i = 0; i < hash.length; i += 2) short += hash[i];
    return `${timestamp.toString(36)}-${short}`;
  }

  /** What the token commits to; override to invalidate tokens on other changes. */
  protected makeHashValue(user: AuthUser, timestamp: number): string {
    const lastLogin = user.lastLogin ? pythonDateTime(user.lastLogin) : '';
    const emailField = (user.constructor as { EMAIL_FIELD?: string }).EMAIL_FIELD ?? 'email';
    const email = (user as unknown as Record<string, unknown>)[emailField] ?? '';
    return `${String(user.pk)}${user.password}${lastLogin}${timestamp}${String(email)}`;
  }

  protected numSeconds(date: Date): number {
    return Math.floor((date.getTime() - EPOCH) / 1000);
  }

  protected now(): Date {
    return new Date();
  }
}

export const defaultTokenGenerator = new PasswordResetTokenGenerator();

/** Django's urlsafe_base64_encode of the user's primary key, for reset links. */
export function uidToBase64(pk: unknown): string {
  return Buffer.from(String(pk), 'utf8').toString('base64url');
}

/** The primary key text back from a reset link, or null when it is not valid base64. */
export function uidFromBase64(uidb64: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(uidb64)) return null;
  const text = Buffer.from(uidb64, 'base64url').toString('utf8');
  return text && !text.includes('\uFFFD') ? text : null;
}

import { createHash } from 'node:crypto';
import type { HttpRequest, Settings } from '@manouche/core';
import { MemoryStore, RateLimiter } from '@manouche/security';
import { authSettings, type LoginThrottleSetting } from './settings';

/** The outcome of a throttle check: allowed, or locked out for `retryAfter` seconds. */
export interface ThrottleResult {
  allowed: boolean;
  retryAfter: number;
}

/**
 * Login throttling (beyond Django): every login attempt counts against its
 * username (whatever the case) and its client IP, through the security
 * package's rate limiter, *before* the password is checked — so concurrent
 * attempts cannot slip past the limit, and a locked-out attempt costs no
 * hashing. Whether the username exists plays no part, so the lockout says
 * nothing about it. A successful login resets its username's count.
 */
export class LoginThrottle {
  readonly byUsername: RateLimiter | null;
  readonly byIp: RateLimiter | null;

  constructor(setting: LoginThrottleSetting) {
    const store = setting.STORE ?? new MemoryStore();
    this.byUsername = setting.USERNAME_RATE ? new RateLimiter({ rate: setting.USERNAME_RATE, name: 'auth-login-user', store }) : null;
    this.byIp = setting.IP_RATE ? new RateLimiter({ rate: setting.IP_RATE, name: 'auth-login-ip', store }) : null;
  }

  /** The key a username counts under: case- and width-folded, hashed (no usernames in Redis, bounded key length). */
  static usernameKey(username: string): string {
    return createHash('sha256').update(username.normalize('NFKC').toLowerCase().trim()).digest('base64url');
  }

  /** Count one attempt; refuse it when either limit is exceeded. */
  async hit(request: HttpRequest, username: string): Promise<ThrottleResult> {
    const [user, ip] = await Promise.all([
      this.byUsername?.hit(LoginThrottle.usernameKey(username)),
      this.byIp?.hit(request.clientIp || 'unknown'),
    ]);
    const refused = [user, ip].filter((r) => r && !r.allowed);
    return { allowed: refused.length === 0, retryAfter: Math.max(0, ...refused.map((r) => r!.retryAfter)) };
  }

  /** Forget a username's attempts after it logged in. */
  async succeeded(username: string): Promise<void> {
    await this.byUsername?.reset(LoginThrottle.usernameKey(username));
  }
}

const throttles = new WeakMap<object, LoginThrottle | null>();

/** The application's login throttle (from AUTH_LOGIN_THROTTLE, built once), or null when it is off. */
export function loginThrottle(settings: Settings): LoginThrottle | null {
  let throttle = throttles.get(settings);
  if (throttle === undefined) {
    const setting = authSettings(settings).AUTH_LOGIN_THROTTLE;
    throttle = setting ? new LoginThrottle(setting) : null;
    throttles.set(settings, throttle);
  }
  return throttle;
}

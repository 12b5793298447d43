import { type Awaitable, ImproperlyConfigured, isPromise } from '@manouche/core';
import { describe } from '../settings';
import { parseRate, type Rate } from './rate';
import { type Algorithm, ALGORITHMS, MemoryStore, type RateLimitStore, type Rule, type StoreHit } from './store';

export interface RateLimiterOptions {
  /** `5/m`, `100/h`, `10/15m`, or `{ limit, periodMs }`. */
  rate: string | Rate;
  /**
   * `fixed-window` (default): at most `limit` hits per window, the window
   * starting at a key's first hit. `token-bucket`: bursts up to `limit`,
   * refilled steadily at limit/period.
   */
  algorithm?: Algorithm;
  /** Where counts live (default: a new MemoryStore for this limiter). */
  store?: RateLimitStore;
  /** Prefix keeping this limiter's keys apart from others sharing the store (default: from the rate and algorithm). */
  name?: string;
}

/** The outcome of one hit. */
export interface RateLimitResult extends StoreHit {
  readonly limit: number;
  /** Seconds to wait, for Retry-After (whole, at least 1); 0 when allowed. */
  readonly retryAfter: number;
}

/**
 * A rate limit usable anywhere: `await limiter.hit(key)` counts one hit for
 * `key` (an IP, a user id, `login:ann@example.com`) and says whether it is
 * allowed. This is what the middleware, the view decorator and login
 * throttling build on.
 */
export class RateLimiter {
  readonly rule: Rule;
  readonly store: RateLimitStore;
  readonly name: string;

  constructor(options: RateLimiterOptions) {
    const { limit, periodMs } = parseRate(options.rate);
    const algorithm = options.algorithm ?? 'fixed-window';
    if (!ALGORITHMS.includes(algorithm)) throw new ImproperlyConfigured(`Unknown rate-limit algorithm ${describe(algorithm)}; choose one of ${ALGORITHMS.join(', ')}.`);
    this.rule = { algorithm, limit, periodMs };
    this.store = options.store ?? new MemoryStore();
    this.name = options.name ?? `${algorithm === 'fixed-window' ? 'fw' : 'tb'}:${limit}/${periodMs}`;
  }

  /** Count a hit (of weight `cost`) for `key`. */
  hit(key: string, cost = 1): Promise<RateLimitResult> {
    try {
      return Promise.resolve(this.attempt(key, cost));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `hit()`, but synchronous when the store is (the memory store): for middleware on the hot path. */
  attempt(key: string, cost = 1): Awaitable<RateLimitResult> {
    if (!Number.isInteger(cost) || cost < 1 || cost > this.rule.limit) {
      throw new RangeError(`A rate-limit hit costs a whole number from 1 to the limit (${this.rule.limit}); got ${describe(cost)}.`);
    }
    const result = this.store.hit(`${this.name}:${key}`, this.rule, cost);
    return isPromise(result) ? result.then((r) => this.complete(r)) : this.complete(result);
  }

  /** Forget `key`'s hits (after a successful login, say). */
  reset(key: string): Promise<void> {
    return Promise.resolve(this.store.reset(`${this.name}:${key}`));
  }

  private complete(hit: StoreHit): RateLimitResult {
    return { ...hit, limit: this.rule.limit, retryAfter: hit.allowed ? 0 : Math.max(1, Math.ceil(hit.retryAfterMs / 1000)) };
  }
}

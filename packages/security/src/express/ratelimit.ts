import type { IncomingMessage } from 'node:http';
import { ImproperlyConfigured, isPromise } from '@manouche/core';
import { RateLimiter, type RateLimiterOptions, type RateLimitResult } from '../ratelimit/limiter';
import { describe } from '../settings';
import { Bridge } from './bridge';
import { type ConnectMiddleware, type ExpressOptions, sendError } from './types';

export interface ExpressRateLimitOptions extends RateLimiterOptions, ExpressOptions {
  /** `ip` (default; X-Forwarded-For only from TRUSTED_PROXIES), `user` (`req.user.id`, else the IP) or a function (null: not limited). */
  key?: 'ip' | 'user' | ((req: IncomingMessage) => string | null);
  /** Only these methods count (default: all). */
  methods?: readonly string[];
}

/** Rate limiting for Express/Connect: a 429 with Retry-After past the limit. */
export function expressRateLimit(options: ExpressRateLimitOptions): ConnectMiddleware {
  const { rate, algorithm, store, name, key = 'ip', methods, ...settings } = options;
  const limiter = new RateLimiter({ rate, algorithm, store, name });
  const bridge = new Bridge(settings);
  const ip = (req: IncomingMessage): string => `ip:${bridge.request(req).clientIp}`;
  let keyOf: (req: IncomingMessage) => string | null;
  if (key === 'ip') keyOf = ip;
  else if (key === 'user') {
    keyOf = (req) => {
      const id = (req as { user?: { id?: unknown } }).user?.id;
      return id === undefined || id === null ? ip(req) : `user:${String(id)}`;
    };
  } else if (typeof key === 'function') keyOf = key;
  else throw new ImproperlyConfigured(`A rate-limit key is "ip", "user" or a function (req) => string | null; got ${describe(key)}.`);
  const only = methods ? new Set(methods.map((m) => m.toUpperCase())) : null;

  return (req, res, next) => {
    const k = only === null || only.has((req.method ?? 'GET').toUpperCase()) ? keyOf(req) : null;
    if (k === null) return next();
    const decide = (result: RateLimitResult): void => {
      if (result.allowed) return next();
      bridge.app.logger.warn(`Rate limited (${limiter.name}): ${req.method} ${req.url}`, { status: 429, security: true });
      sendError(
        req,
        res,
        429,
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Too Many Requests (429)</title></head>\n<body><h1>Too Many Requests (429)</h1></body></html>\n',
        { error: { status: 429, code: 'rate_limited', message: `Too many requests; retry in ${result.retryAfter} s.` } },
        { 'retry-after': String(result.retryAfter) },
      );
    };
    let result;
    try {
      result = limiter.attempt(k);
    } catch (error) {
      return next(error);
    }
    if (isPromise(result)) result.then(decide, next);
    else decide(result);
  };
}

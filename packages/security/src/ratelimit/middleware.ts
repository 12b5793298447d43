import { type Awaitable, type HttpRequest, HttpResponse, ImproperlyConfigured, isPromise, JsonResponse, type Middleware, prefersJson, type ViewFunction } from '@manouche/core';
import { describe } from '../settings';
import { RateLimiter, type RateLimiterOptions, type RateLimitResult } from './limiter';

/** Who a hit counts against: the client IP, the user (the IP when anonymous), or your own key (null: not limited). */
export type RateLimitKey = 'ip' | 'user' | ((request: HttpRequest) => string | null);

export interface RateLimitOptions extends RateLimiterOptions {
  /** Default `ip`. */
  key?: RateLimitKey;
  /** Only these methods count (default: all). */
  methods?: readonly string[];
  /** Answers a refused request (default: a 429 page, or JSON for API clients, with Retry-After). */
  onLimited?: (request: HttpRequest, result: RateLimitResult) => HttpResponse;
}

/** The user's id when authenticated (duck-typed: `request.user` with `pk` or `id`), else null. */
function userId(request: HttpRequest): string | null {
  const user = (request as { user?: { pk?: unknown; id?: unknown; isAuthenticated?: unknown } }).user;
  if (!user || user.isAuthenticated === false) return null;
  const id = user.pk ?? user.id;
  return id === undefined || id === null ? null : String(id);
}

function keyFunction(key: RateLimitKey): (request: HttpRequest) => string | null {
  if (key === 'ip') return (request) => `ip:${request.clientIp}`;
  if (key === 'user') {
    return (request) => {
      const id = userId(request);
      return id === null ? `ip:${request.clientIp}` : `user:${id}`;
    };
  }
  if (typeof key === 'function') return key;
  throw new ImproperlyConfigured(`A rate-limit key is "ip", "user" or a function (request) => string | null; got ${describe(key)}.`);
}

/** The 429 answer: Retry-After in whole seconds, a short page or JSON. */
export function tooManyRequests(request: HttpRequest, result: RateLimitResult): HttpResponse {
  const response = prefersJson(request)
    ? new JsonResponse({ error: { status: 429, code: 'rate_limited', message: `Too many requests; retry in ${result.retryAfter} s.` } }, { status: 429 })
    : new HttpResponse('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Too Many Requests (429)</title></head>\n<body><h1>Too Many Requests (429)</h1></body></html>\n', { status: 429 });
  response.headers.set('retry-after', String(result.retryAfter));
  return response;
}

/** Build the check once; returns null (pass) or the refusal, synchronously with a synchronous store. */
function compile(options: RateLimitOptions): (request: HttpRequest) => Awaitable<HttpResponse | null> {
  const limiter = new RateLimiter(options);
  const keyOf = keyFunction(options.key ?? 'ip');
  const methods = options.methods ? new Set(options.methods.map((m) => m.toUpperCase())) : null;
  const onLimited = options.onLimited ?? tooManyRequests;
  const decide = (request: HttpRequest, result: RateLimitResult): HttpResponse | null => {
    if (result.allowed) return null;
    request.app.logger.warn(`Rate limited (${limiter.name}): ${request.method} ${request.path}`, { status: 429, security: true });
    return onLimited(request, result);
  };
  return (request) => {
    if (methods !== null && !methods.has(request.method)) return null;
    const key = keyOf(request);
    if (key === null) return null;
    const result = limiter.attempt(key);
    return isPromise(result) ? result.then((r) => decide(request, r)) : decide(request, result);
  };
}

/** Rate-limit every request through this middleware (put it early in MIDDLEWARE). */
export function rateLimitMiddleware(options: RateLimitOptions): Middleware {
  const check = compile(options);
  return (getResponse) =>
    function rateLimit(request) {
      const refusal = check(request);
      if (isPromise(refusal)) return refusal.then((r) => r ?? getResponse(request));
      return refusal ?? getResponse(request);
    };
}

/** Rate-limit one view: `ratelimit({ rate: '5/m', key: 'ip', methods: ['POST'] })(loginView)`. */
export function ratelimit(options: RateLimitOptions): <V extends ViewFunction>(view: V) => V {
  const check = compile(options);
  return <V extends ViewFunction>(view: V): V => {
    const wrapped = ((request, params) => {
      const refusal = check(request);
      if (isPromise(refusal)) return refusal.then((r) => r ?? view(request, params));
      return refusal ?? view(request, params);
    }) as V;
    return Object.assign(wrapped, view);
  };
}

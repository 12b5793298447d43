import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client, ImproperlyConfigured, JsonResponse, type Middleware, path } from '@manouche/core';
import { MemoryStore, parseRate, RateLimiter, rateLimitMiddleware, ratelimit } from '../src/index';
import { RedisStore, type RedisScriptClient } from '../src/redis';
import { describeWith } from '../../../test-support/services';
import { makeApp } from './helpers';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('parseRate', () => {
  it('reads django-ratelimit rates', () => {
    expect(parseRate('5/m')).toEqual({ limit: 5, periodMs: 60_000 });
    expect(parseRate('100/h')).toEqual({ limit: 100, periodMs: 3_600_000 });
    expect(parseRate('10/15m')).toEqual({ limit: 10, periodMs: 900_000 });
    expect(parseRate(' 2 / s ')).toEqual({ limit: 2, periodMs: 1000 });
    expect(parseRate({ limit: 3, periodMs: 250 })).toEqual({ limit: 3, periodMs: 250 });
  });

  it('refuses anything else, saying how to write it', () => {
    for (const bad of ['5', '0/m', '5/w', '-1/m', '5/0m', 'five/m', { limit: 1.5, periodMs: 10 }]) {
      expect(() => parseRate(bad as never)).toThrow(ImproperlyConfigured);
    }
    expect(() => parseRate('5/w')).toThrow(/Invalid rate "5\/w": write "<count>\/<period>"/);
  });
});

describe('RateLimiter with the memory store', () => {
  it('fixed window: allows `limit` hits per window, then says how long to wait', async () => {
    const time = clock();
    const limiter = new RateLimiter({ rate: '3/m', store: new MemoryStore({ now: time.now }) });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit('ann'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]).toMatchObject({ retryAfterMs: 60_000, retryAfter: 60, limit: 3 });
    time.advance(59_500);
    expect((await limiter.hit('ann')).retryAfter).toBe(1);
    expect((await limiter.hit('bob')).allowed).toBe(true);
    time.advance(500);
    expect((await limiter.hit('ann')).allowed).toBe(true);
  });

  it('token bucket: allows a burst of `limit`, then refills steadily', async () => {
    const time = clock();
    const limiter = new RateLimiter({ rate: '4/m', algorithm: 'token-bucket', store: new MemoryStore({ now: time.now }) });
    for (let i = 0; i < 4; i++) expect((await limiter.hit('ip')).allowed).toBe(true);
    const refused = await limiter.hit('ip');
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 15_000, retryAfter: 15 });
    time.advance(15_000);
    expect((await limiter.hit('ip')).allowed).toBe(true);
    expect((await limiter.hit('ip')).allowed).toBe(false);
    time.advance(10 * 60_000);
    expect((await limiter.hit('ip')).remaining).toBe(3); // full again, never more than the limit
  });

  it('weighs hits by cost, and resets a key', async () => {
    const limiter = new RateLimiter({ rate: '5/m' });
    expect((await limiter.hit('k', 5)).allowed).toBe(true);
    expect((await limiter.hit('k')).allowed).toBe(false);
    await limiter.reset('k');
    expect((await limiter.hit('k')).allowed).toBe(true);
    await expect(limiter.hit('k', 6)).rejects.toThrow(/whole number from 1 to the limit \(5\); got 6/);
    expect(() => new RateLimiter({ rate: '5/m', algorithm: 'leaky' as never })).toThrow(/choose one of fixed-window, token-bucket/);
  });

  it('keeps limiters sharing a store apart by name', async () => {
    const store = new MemoryStore();
    const a = new RateLimiter({ rate: '1/m', store, name: 'login' });
    const b = new RateLimiter({ rate: '1/m', store, name: 'signup' });
    expect((await a.hit('x')).allowed).toBe(true);
    expect((await b.hit('x')).allowed).toBe(true);
    expect((await a.hit('x')).allowed).toBe(false);
  });

  it('never over-admits concurrent hits', async () => {
    for (const algorithm of ['fixed-window', 'token-bucket'] as const) {
      const limiter = new RateLimiter({ rate: '50/h', algorithm });
      const results = await Promise.all(Array.from({ length: 500 }, () => limiter.hit('same')));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
    }
  });

  it('bounds its memory: expired keys go first, then the oldest', async () => {
    const time = clock();
    const store = new MemoryStore({ maxKeys: 10, now: time.now });
    const limiter = new RateLimiter({ rate: '1/s', store });
    for (let i = 0; i < 10; i++) await limiter.hit(`old${i}`);
    time.advance(2000);
    for (let i = 0; i < 10; i++) await limiter.hit(`new${i}`);
    expect(store.size).toBe(10);
    for (let i = 0; i < 25; i++) await limiter.hit(`more${i}`);
    expect(store.size).toBeLessThanOrEqual(10);
  });
});

describe('rate limiting requests', () => {
  const view = () => new JsonResponse({ ok: true });

  it('answers 429 with Retry-After once the limit is reached, per client IP', async () => {
    const app = makeApp([path('api/', view)], { MIDDLEWARE: [rateLimitMiddleware({ rate: '2/m' })] });
    const ann = new Client(app, { host: 'example.com', remoteAddress: '10.0.0.1' });
    const bob = new Client(app, { host: 'example.com', remoteAddress: '10.0.0.2' });
    expect((await ann.get('/api/')).status).toBe(200);
    expect((await ann.get('/api/')).status).toBe(200);
    const refused = await ann.get('/api/');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.text).toContain('Too Many Requests');
    expect((await ann.get('/api/', undefined, { headers: { accept: 'application/json' } })).json()).toEqual({
      error: { status: 429, code: 'rate_limited', message: 'Too many requests; retry in 60 s.' },
    });
    expect((await bob.get('/api/')).status).toBe(200);
  });

  it('admits exactly the limit among many concurrent requests', async () => {
    const app = makeApp([path('api/', async () => new JsonResponse({ ok: true }))], { MIDDLEWARE: [rateLimitMiddleware({ rate: '25/h', algorithm: 'token-bucket' })] });
    const client = new Client(app, { host: 'example.com' });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => client.get('/api/').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.filter((s) => s === 429)).toHaveLength(175);
  });

  it('as a view decorator, counts only the chosen methods and keys by user when logged in', async () => {
    const login = ratelimit({ rate: '1/m', key: 'user', methods: ['post'] })(view);
    const users: Record<string, unknown> = { a: { pk: 1 }, b: { pk: 2 }, anon: { isAuthenticated: false } };
    // stands in for @manouche/auth's authentication middleware
    const withUser: Middleware = (getResponse) => (request) => {
      Object.assign(request, { user: users[request.header('x-user') ?? 'anon'] });
      return getResponse(request);
    };
    const app = makeApp([path('login/', login)], { MIDDLEWARE: [withUser] });
    const client = new Client(app, { host: 'example.com' });
    const as = (user: string) => ({ headers: { 'x-user': user } });
    expect((await client.get('/login/')).status).toBe(200);
    expect((await client.get('/login/')).status).toBe(200);
    expect((await client.post('/login/', undefined, as('a'))).status).toBe(200);
    expect((await client.post('/login/', undefined, as('a'))).status).toBe(429);
    expect((await client.post('/login/', undefined, as('b'))).status).toBe(200);
    expect((await client.post('/login/', undefined, as('anon'))).status).toBe(200);
    expect((await client.post('/login/', undefined, as('anon'))).status).toBe(429);
  });

  it('takes a custom key, and does not limit when it returns null', async () => {
    const byToken = ratelimit({ rate: '1/m', key: (request) => request.header('x-api-key') ?? null })(view);
    const app = makeApp([path('api/', byToken)]);
    const client = new Client(app, { host: 'example.com' });
    expect((await client.get('/api/', undefined, { headers: { 'x-api-key': 'k1' } })).status).toBe(200);
    expect((await client.get('/api/', undefined, { headers: { 'x-api-key': 'k1' } })).status).toBe(429);
    expect((await client.get('/api/')).status).toBe(200);
    expect((await client.get('/api/')).status).toBe(200);
    expect(() => ratelimit({ rate: '1/m', key: 'session' as never })).toThrow(/"ip", "user" or a function/);
  });
});

describe('RedisStore (fake client)', () => {
  it('loads the script with EVAL when the server does not have it yet', async () => {
    const calls: string[] = [];
    const fake: RedisScriptClient = {
      evalsha: async () => {
        calls.push('evalsha');
        throw new Error('NOSCRIPT No matching script. Please use EVAL.');
      },
      eval: async () => {
        calls.push('eval');
        return [1, 60_000];
      },
      del: async () => 1,
    };
    const limiter = new RateLimiter({ rate: '1/m', store: new RedisStore(fake) });
    expect((await limiter.hit('x')).allowed).toBe(true);
    expect(calls).toEqual(['evalsha', 'eval']);
  });
});

describeWith('redis', 'RedisStore (real Redis)', () => {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `manouche-test:security:${randomBytes(6).toString('hex')}:`;
  const clients = Array.from({ length: 4 }, () => new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 }));

  afterAll(async () => {
    const keys = await clients[0]!.keys(`${prefix}*`);
    if (keys.length) await clients[0]!.del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('never over-admits concurrent hits from several connections, with either algorithm', async () => {
    for (const algorithm of ['fixed-window', 'token-bucket'] as const) {
      const limiters = clients.map((client) => new RateLimiter({ rate: '40/h', algorithm, name: algorithm, store: new RedisStore(client, { prefix }) }));
      const results = await Promise.all(Array.from({ length: 400 }, (_, i) => limiters[i % limiters.length]!.hit('burst')));
      expect([algorithm, results.filter((r) => r.allowed).length]).toEqual([algorithm, 40]);
      const refused = results.find((r) => !r.allowed)!;
      expect(refused.retryAfter).toBeGreaterThan(0);
      expect(refused.remaining).toBe(0);
    }
  });

  it('expires windows and refills buckets on the server clock', async () => {
    const store = new RedisStore(clients[0]!, { prefix });
    const window = new RateLimiter({ rate: { limit: 2, periodMs: 300 }, store, name: 'short' });
    expect((await window.hit('k')).allowed).toBe(true);
    expect((await window.hit('k')).allowed).toBe(true);
    const refused = await window.hit('k');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 350));
    expect((await window.hit('k')).allowed).toBe(true);

    const bucket = new RateLimiter({ rate: { limit: 2, periodMs: 400 }, algorithm: 'token-bucket', store, name: 'bucket' });
    expect((await bucket.hit('k')).allowed).toBe(true);
    expect((await bucket.hit('k')).allowed).toBe(true);
    const empty = await bucket.hit('k');
    expect(empty.allowed).toBe(false);
    expect(empty.retryAfterMs).toBeGreaterThan(0);
    expect(empty.retryAfterMs).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, 220));
    expect((await bucket.hit('k')).allowed).toBe(true);
    await bucket.reset('k');
    expect((await bucket.hit('k')).remaining).toBe(1);
    expect(await clients[0]!.pttl(`${prefix}bucket:k`)).toBeGreaterThan(0);
  });

  it('limits requests across two app instances sharing Redis', async () => {
    const middleware = rateLimitMiddleware({ rate: '3/h', store: new RedisStore(clients[1]!, { prefix }), name: 'app' });
    const apps = [0, 1].map(() => makeApp([path('api/', () => new JsonResponse({ ok: true }))], { MIDDLEWARE: [middleware] }));
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => new Client(apps[i % 2]!, { host: 'example.com' }).get('/api/').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
  });
});

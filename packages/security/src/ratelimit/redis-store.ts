import { createHash } from 'node:crypto';
import type { RateLimitStore, Rule, StoreHit } from './store';

/**
 * The part of an ioredis client (or cluster) this store uses. Typed here so
 * the package has no type dependency on ioredis.
 */
export interface RedisScriptClient {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

// INCRBY and PEXPIRE in one script: no other hit can slip between them.
const FIXED_WINDOW = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

// The server's clock (TIME), not each app server's, so machines agree on refills.
const TOKEN_BUCKET = `
if redis.replicate_commands then redis.replicate_commands() end
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
local rate = capacity / period
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
return {allowed, math.floor(tokens), retry}
`;

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** EVALSHA, loading the script with EVAL the first time a server lacks it. */
  async run(client: RedisScriptClient, key: string, args: Array<string | number>): Promise<number[]> {
    try {
      return (await client.evalsha(this.sha, 1, key, ...args)) as number[];
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return (await client.eval(this.source, 1, key, ...args)) as number[];
    }
  }
}

const fixedWindow = new Script(FIXED_WINDOW);
const tokenBucket = new Script(TOKEN_BUCKET);

export interface RedisStoreOptions {
  /** Prefix of every key (default `manouche:ratelimit:`). */
  prefix?: string;
}

/**
 * Counts in Redis, shared by every process and machine: each hit is one Lua
 * script, atomic on the server, so concurrent requests are never over-admitted.
 *
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisStore } from '@manouche/security/redis';
 * const store = new RedisStore(new Redis(process.env.REDIS_URL));
 * ```
 */
export class RedisStore implements RateLimitStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisScriptClient,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'manouche:ratelimit:';
  }

  async hit(key: string, rule: Rule, cost: number): Promise<StoreHit> {
    const redisKey = this.prefix + key;
    if (rule.algorithm === 'fixed-window') {
      const [count, ttl] = await fixedWindow.run(this.client, redisKey, [rule.periodMs, cost]);
      const allowed = count! <= rule.limit;
      return { allowed, remaining: Math.max(0, rule.limit - count!), retryAfterMs: allowed ? 0 : Math.max(0, ttl!) };
    }
    const [allowed, tokens, retry] = await tokenBucket.run(this.client, redisKey, [rule.limit, rule.periodMs, cost]);
    return { allowed: allowed === 1, remaining: tokens!, retryAfterMs: retry! };
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}

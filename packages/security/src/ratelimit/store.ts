import type { Awaitable } from '@manouche/core';

export type Algorithm = 'fixed-window' | 'token-bucket';
export const ALGORITHMS: readonly Algorithm[] = ['fixed-window', 'token-bucket'];

/** One limit as a store applies it. */
export interface Rule {
  readonly algorithm: Algorithm;
  readonly limit: number;
  readonly periodMs: number;
}

/** What a store answers for one hit. */
export interface StoreHit {
  readonly allowed: boolean;
  /** Hits (or whole tokens) left after this one. */
  readonly remaining: number;
  /** Milliseconds until a refused hit would be allowed; 0 when allowed. */
  readonly retryAfterMs: number;
}

/**
 * Where counts live. `hit` must be atomic per key: two concurrent hits never
 * both take the last slot (the memory store runs synchronously; Redis runs a
 * Lua script).
 */
export interface RateLimitStore {
  hit(key: string, rule: Rule, cost: number): Awaitable<StoreHit>;
  reset(key: string): Awaitable<void>;
}

interface WindowEntry {
  kind: 'window';
  count: number;
  expiresAt: number;
}

interface BucketEntry {
  kind: 'bucket';
  tokens: number;
  updatedAt: number;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Keys kept at most; past it, expired keys go first, then the oldest. Default 100 000. */
  maxKeys?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

/**
 * Counts in this process's memory: exact under any concurrency inside one
 * process (each hit is synchronous), but every process counts on its own.
 * Use the Redis store when several processes or machines serve the site.
 */
export class MemoryStore implements RateLimitStore {
  private readonly entries = new Map<string, WindowEntry | BucketEntry>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  hit(key: string, rule: Rule, cost: number): StoreHit {
    const now = this.now();
    const entry = this.entries.get(key);
    if (rule.algorithm === 'fixed-window') {
      let window = entry?.kind === 'window' && entry.expiresAt > now ? entry : undefined;
      if (!window) window = this.store(key, { kind: 'window', count: 0, expiresAt: now + rule.periodMs });
      window.count += cost;
      const allowed = window.count <= rule.limit;
      return { allowed, remaining: Math.max(0, rule.limit - window.count), retryAfterMs: allowed ? 0 : window.expiresAt - now };
    }
    const rate = rule.limit / rule.periodMs;
    let bucket = entry?.kind === 'bucket' ? entry : undefined;
    if (!bucket) bucket = this.store(key, { kind: 'bucket', tokens: rule.limit, updatedAt: now, expiresAt: now });
    bucket.tokens = Math.min(rule.limit, bucket.tokens + Math.max(0, now - bucket.updatedAt) * rate);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    // once full again the bucket is the same as no bucket: forget it then
    bucket.expiresAt = now + Math.ceil((rule.limit - bucket.tokens) / rate);
    return { allowed, remaining: Math.floor(bucket.tokens), retryAfterMs: allowed ? 0 : Math.ceil((cost - bucket.tokens) / rate) };
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  private store<E extends WindowEntry | BucketEntry>(key: string, entry: E): E {
    this.entries.delete(key);
    if (this.entries.size >= this.maxKeys) this.evict();
    this.entries.set(key, entry);
    return entry;
  }

  /** Drop expired entries; if that is not enough, the oldest tenth. */
  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    if (this.entries.size < this.maxKeys) return;
    let excess = this.entries.size - this.maxKeys + Math.ceil(this.maxKeys / 10);
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

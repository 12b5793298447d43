import { randomUUID } from 'node:crypto';
import type { Logger } from '@manouche/core';
import type { Cluster, Redis } from 'ioredis';
import { type BackendParams, type CacheBackend, type Clock, StaleValue, type WriteOptions } from '../backend';
import { InvalidCacheBackendError } from '../errors';
import { MemoryBackend, type MemoryBackendOptions } from './memory';
import { rejectUnknown, seconds } from './options';
import { RedisBackend, type RedisBackendOptions } from './redis';

/** OPTIONS of the tiered backend: the Redis backend's, plus `local` for the memory tier. */
export interface TieredBackendOptions extends RedisBackendOptions {
  local?: MemoryBackendOptions & {
    /** Longest a value stays in a process's memory tier, in seconds (default 60); never longer than its own timeout. */
    TIMEOUT?: number;
  };
}

interface Invalidation {
  /** The sending process (each ignores its own messages). */
  o: string;
  /** Keys to drop; absent with `c`. */
  k?: readonly string[];
  /** Drop everything (clear()). */
  c?: 1;
}

/**
 * A memory tier in each process in front of a shared Redis. Reads hit memory
 * first (synchronously); misses read Redis and keep a copy locally. Every
 * write, delete and tag invalidation goes to Redis, then is announced on a
 * pub/sub channel so every other process drops its local copy. While the
 * subscription is down a process cannot hear those announcements, so it
 * empties its memory tier and stops filling it until it is back.
 */
export class TieredBackend implements CacheBackend {
  readonly local: MemoryBackend;
  readonly remote: RedisBackend;
  private readonly localMaxMs: number;
  private readonly channel: string;
  private readonly origin = randomUUID();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly alias: string;
  private subscriber: Redis | Cluster | undefined;
  private subscribing: Promise<void> | undefined;
  /** True while subscribed: only then may the memory tier hold values. */
  private listening = false;
  /** Bumped by every invalidation: a Redis read that started before one must not fill the memory tier. */
  private generation = 0;

  constructor(params: BackendParams) {
    const { local = {}, ...remoteOptions } = params.options as TieredBackendOptions;
    if (local === null || typeof local !== 'object') throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].OPTIONS.local must be an object.`);
    const { TIMEOUT, ...memoryOptions } = local;
    rejectUnknown(params.alias, 'tiered (OPTIONS.local)', local as Record<string, unknown>, ['MAX_ENTRIES', 'MAX_SIZE', 'TIMEOUT']);
    this.localMaxMs = seconds(params.alias, { 'local.TIMEOUT': TIMEOUT }, 'local.TIMEOUT', 60) * 1000;
    this.local = new MemoryBackend({ ...params, options: memoryOptions as Record<string, unknown> });
    this.remote = new RedisBackend({ ...params, options: remoteOptions });
    this.channel = this.remote.internalKey('invalidate', 'tiered');
    this.clock = params.clock;
    this.logger = params.logger;
    this.alias = params.alias;
  }

  get(key: string): unknown {
    const hit = this.local.get(key);
    if (hit !== undefined) return hit;
    return this.readThrough(key);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async set(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    const [stored] = await Promise.all([this.remote.set(key, value, ttlMs, options), this.changed([key])]);
    if (stored) this.keepLocally(key, value, ttlMs, options);
    return stored;
  }

  async add(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    const stored = await this.remote.add(key, value, ttlMs, options);
    if (stored) {
      await this.changed([key]);
      this.keepLocally(key, value, ttlMs, options);
    }
    return stored;
  }

  async setMany(entries: ReadonlyArray<readonly [string, unknown]>, ttlMs: number | null, options?: WriteOptions): Promise<string[]> {
    const [failed] = await Promise.all([this.remote.setMany(entries, ttlMs, options), this.changed(entries.map(([key]) => key))]);
    for (const [key, value] of entries) if (!failed.includes(key)) this.keepLocally(key, value, ttlMs, options);
    return failed;
  }

  async delete(key: string): Promise<boolean> {
    const [existed] = await Promise.all([this.remote.delete(key), this.changed([key])]);
    return existed;
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    await Promise.all([this.remote.deleteMany(keys), this.changed(keys)]);
  }

  async incr(key: string, delta: number): Promise<number> {
    const [value] = await Promise.all([this.remote.incr(key, delta), this.changed([key])]);
    return value;
  }

  async touch(key: string, ttlMs: number | null): Promise<boolean> {
    const [existed] = await Promise.all([this.remote.touch(key, ttlMs), this.changed([key])]);
    return existed;
  }

  async clear(): Promise<void> {
    await this.remote.clear();
    this.dropLocal();
    await this.remote.publish(this.channel, JSON.stringify({ o: this.origin, c: 1 } satisfies Invalidation));
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    const { count, keys } = await this.remote.invalidateTagsReturningKeys(tags);
    this.local.invalidateTags(tags);
    await this.changed(keys);
    return count;
  }

  tagsVersion(tags: readonly string[]): Promise<string> {
    return this.remote.tagsVersion(tags);
  }

  lock(key: string, ttlMs: number): Promise<string | null> {
    return this.remote.lock(key, ttlMs);
  }

  unlock(key: string, token: string): Promise<void> {
    return this.remote.unlock(key, token);
  }

  async ready(): Promise<void> {
    await this.remote.ready();
    await this.subscribe();
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.listening = false;
    subscriber?.disconnect();
    await this.remote.close();
    this.local.close();
  }

  /** Whether this process hears other processes' invalidations (and so keeps a memory tier). */
  get subscribed(): boolean {
    return this.listening;
  }

  private async readThrough(key: string): Promise<unknown> {
    if (!this.subscribing) void this.subscribe();
    const generation = this.generation;
    const found = await this.remote.readWithTtl(key);
    if (found === undefined) return undefined;
    if (this.listening && generation === this.generation) {
      this.local.set(key, found.value, found.ttlMs === null ? this.localMaxMs : Math.min(found.ttlMs, this.localMaxMs), found.staleAt ? { staleAt: found.staleAt } : undefined);
    }
    return found.staleAt !== 0 && this.clock.now() >= found.staleAt ? new StaleValue(found.value) : found.value;
  }

  private keepLocally(key: string, value: unknown, ttlMs: number | null, options: WriteOptions | undefined): void {
    if (!this.listening) return;
    this.local.set(key, value, ttlMs === null ? this.localMaxMs : Math.min(ttlMs, this.localMaxMs), options);
  }

  /**
   * Drop local copies of `keys` here and, through Redis, in every other
   * process. Sent together with the write it follows, on the same connection,
   * so Redis applies the write before other processes hear of it.
   */
  private changed(keys: readonly string[]): Promise<void> {
    this.generation++;
    this.local.deleteMany(keys);
    return keys.length ? this.remote.publish(this.channel, JSON.stringify({ o: this.origin, k: keys } satisfies Invalidation)) : Promise.resolve();
  }

  private dropLocal(): void {
    this.generation++;
    this.local.clear();
  }

  private subscribe(): Promise<void> {
    return (this.subscribing ??= (async () => {
      const client = await this.remote.connect();
      // a connection in subscriber mode can run nothing else: use a second one
      const subscriber = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate({ autoResubscribe: false, enableAutoPipelining: false });
      this.subscriber = subscriber;
      subscriber.on('error', () => {
        // the main connection reports outages
      });
      subscriber.on('message', (channel: string, message: string) => {
        if (channel === this.channel) this.received(message);
      });
      subscriber.on('close', () => {
        // invalidations sent while we cannot hear them would leave stale copies
        this.listening = false;
        this.dropLocal();
      });
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const listen = (): void => {
        subscriber.subscribe(this.channel).then(() => {
          this.dropLocal();
          this.listening = this.subscriber === subscriber;
          settle();
        }, settle);
      };
      subscriber.on('ready', listen);
      subscriber.once('error', settle);
      if (subscriber.status === 'ready') listen();
      // like the first connection of the main client: wait for the first outcome, boundedly
      const timer = setTimeout(settle, 2500);
      await settled;
      clearTimeout(timer);
    })());
  }

  private received(message: string): void {
    let invalidation: Invalidation;
    try {
      invalidation = JSON.parse(message) as Invalidation;
    } catch {
      this.logger.warn(`Cache ${JSON.stringify(this.alias)}: ignoring a malformed invalidation message.`);
      return;
    }
    if (invalidation.o === this.origin) return;
    if (invalidation.c) this.dropLocal();
    else if (Array.isArray(invalidation.k)) {
      this.generation++;
      this.local.deleteMany(invalidation.k.filter((k) => typeof k === 'string'));
    }
  }
}

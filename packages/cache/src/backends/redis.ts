import { randomBytes } from 'node:crypto';
import type { Logger } from '@manouche/core';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { type BackendParams, type CacheBackend, type Clock, StaleValue, type WriteOptions } from '../backend';
import { CacheUnavailableError, CacheValueError, InvalidCacheBackendError, MissingKeyError } from '../errors';
import { decode, encode } from '../serializer';
import { defineScripts, type ScriptCommands } from './redis-scripts';

export type RedisClient = (Redis | Cluster) & ScriptCommands;

/**
 * OPTIONS of the Redis backend: ioredis's own options (password, tls, db,
 * `sentinels` + `name` for Sentinel…) plus these.
 */
export interface RedisBackendOptions extends Omit<RedisOptions, 'keyPrefix'> {
  /** On an unreachable server: `warn` (default; log once, reads miss, writes are dropped) or `raise` (CacheUnavailableError). */
  onError?: 'warn' | 'raise';
  /** Redis Cluster: LOCATION lists seed nodes (`redis://host:port`). */
  cluster?: boolean;
  /** Options for ioredis's Cluster (with `cluster: true`). */
  clusterOptions?: ClusterOptions;
  /** Use this ioredis client (Redis or Cluster) instead of creating one. The backend does not close it. */
  client?: Redis | Cluster;
}

/**
 * What the backend sets unless OPTIONS say otherwise: pipeline concurrent
 * commands, fail fast instead of queueing while disconnected (a cache miss is
 * better than a request waiting for Redis), and give up on a server that
 * stops answering. That last one is socketTimeout (one timer per connection,
 * re-armed when data arrives) rather than commandTimeout (a timer per
 * command, which cost 10-25% of a pipelined get).
 */
const CLIENT_DEFAULTS: RedisOptions = {
  enableAutoPipelining: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  socketTimeout: 500,
  connectTimeout: 2000,
  // how long closing waits for a socket to end before destroying it
  disconnectTimeout: 500,
};

const OWN_OPTIONS = ['onError', 'cluster', 'clusterOptions', 'client'];

/** The lock token handed out while the server is unreachable: compute locally, nothing to release. */
const NO_LOCK = 'unavailable';

/**
 * A "~<staleAt>~" prefix marks an entry stored with a grace period (a JSON
 * text never starts with "~").
 */
const GRACE_MARK = 126; // '~'

/** Errors Redis answered with (WRONGTYPE, not an integer…): bugs to report, not outages to ride out. */
function isReplyError(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ReplyError';
}

function describe(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

async function loadIoredis(alias: string): Promise<typeof import('ioredis')> {
  try {
    const lib = (await import('ioredis')) as typeof import('ioredis') & { default: typeof import('ioredis') };
    // ESM sees ioredis (CommonJS) as { default: module.exports }; CommonJS sees module.exports
    return lib.Cluster ? lib : lib.default;
  } catch (error) {
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}] uses a Redis backend, which needs the ioredis package: npm install ioredis (${describe(error)}).`);
  }
}

/**
 * Redis through ioredis: the cache to share between processes and machines.
 * Keys are made by the Cache (KEY_PREFIX, VERSION); values are serialized
 * JSON; incr, add, tags and locks are atomic on the server. When Redis is
 * unreachable the backend degrades to an empty cache that drops writes,
 * logs one warning per outage (or raises, with `onError: 'raise'`), and
 * reconnects by itself.
 */
export class RedisBackend implements CacheBackend {
  /** The ioredis client, once connected (or failed to connect the first time). */
  client: RedisClient | undefined;
  readonly alias: string;
  private readonly clientOptions: RedisOptions;
  private readonly options: RedisBackendOptions;
  private readonly location: string | readonly string[] | undefined;
  private readonly namespace: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly onError: 'warn' | 'raise';
  private connecting: Promise<RedisClient> | undefined;
  private warned = false;
  private closed = false;

  constructor(params: BackendParams) {
    const options = params.options as RedisBackendOptions & { keyPrefix?: unknown };
    this.alias = params.alias;
    if (options.keyPrefix !== undefined) {
      throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].OPTIONS.keyPrefix is not supported: set KEY_PREFIX instead (the cache prefixes keys itself, and clear() relies on it).`);
    }
    if (options.onError !== undefined && options.onError !== 'warn' && options.onError !== 'raise') {
      throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].OPTIONS.onError must be 'warn' or 'raise'; got ${JSON.stringify(options.onError)}.`);
    }
    if (Array.isArray(params.location) && !options.cluster) {
      throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(params.alias)}].LOCATION is a list: set OPTIONS.cluster to true for Redis Cluster, or give one URL (use OPTIONS.sentinels + name for Sentinel).`);
    }
    this.options = options;
    this.onError = options.onError ?? 'warn';
    this.location = params.location;
    this.namespace = `${params.keyPrefix}:`;
    this.clock = params.clock;
    this.logger = params.logger;
    const own = Object.fromEntries(Object.entries(options).filter(([k]) => !OWN_OPTIONS.includes(k)));
    this.clientOptions = { ...CLIENT_DEFAULTS, ...own };
  }

  /** Where the server is, for messages (never the password). */
  get where(): string {
    const location = this.location;
    if (typeof location === 'string') {
      try {
        const url = new URL(location);
        return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
      } catch {
        return 'the configured location';
      }
    }
    return Array.isArray(location) ? `${location.length} cluster nodes` : this.clientOptions.sentinels ? `sentinel master ${JSON.stringify(this.clientOptions.name)}` : `${this.clientOptions.host ?? '127.0.0.1'}:${this.clientOptions.port ?? 6379}`;
  }

  // Reads

  get(key: string): Promise<unknown> {
    const client = this.client;
    if (client === undefined) return this.connect().then(() => this.get(key));
    return client.get(key).then(this.decodeFound, this.readFailed);
  }

  getMany(keys: readonly string[]): Promise<unknown[]> {
    return this.run(async (client) => (await Promise.all(keys.map((key) => client.get(key)))).map(this.decodeFound), () => keys.map(() => undefined));
  }

  /** The entry and its remaining lifetime (ms, null = forever), for the tiered backend's memory tier. */
  readWithTtl(key: string): Promise<{ value: unknown; staleAt: number; ttlMs: number | null } | undefined> {
    return this.run(
      async (client) => {
        const [text, pttl] = await Promise.all([client.get(key), client.pttl(key)]);
        if (text === null || pttl === -2) return undefined;
        const { value, staleAt } = this.parse(text);
        return value === undefined ? undefined : { value, staleAt, ttlMs: pttl < 0 ? null : pttl };
      },
      () => undefined,
    );
  }

  // Writes

  set(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    return this.write(key, value, ttlMs, options, false);
  }

  add(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Promise<boolean> {
    return this.write(key, value, ttlMs, options, true);
  }

  async setMany(entries: ReadonlyArray<readonly [string, unknown]>, ttlMs: number | null, options?: WriteOptions): Promise<string[]> {
    const stored = await Promise.all(entries.map(([key, value]) => this.set(key, value, ttlMs, options)));
    return entries.filter((_, i) => !stored[i]).map(([key]) => key);
  }

  delete(key: string): Promise<boolean> {
    return this.run(async (client) => (await client.del(key)) > 0, () => false);
  }

  deleteMany(keys: readonly string[]): Promise<void> {
    // one DEL per key: auto-pipelining sends them together, and Cluster needs no same-slot keys
    return this.run(async (client) => void (await Promise.all(keys.map((key) => client.del(key)))), () => undefined);
  }

  async incr(key: string, delta: number): Promise<number> {
    let result: number | null;
    try {
      result = await this.run((client) => client.manoucheCacheIncr(key, delta), () => null);
    } catch (error) {
      if (isReplyError(error) && /not an integer|out of range/.test(describe(error))) {
        throw new CacheValueError(`incr()/decr() need an integer; the value under ${JSON.stringify(key)} is not one (or would overflow).`);
      }
      throw error;
    }
    if (result === null) throw new MissingKeyError(key, this.warned ? ' (the cache server is unreachable)' : '');
    return Number(result);
  }

  touch(key: string, ttlMs: number | null): Promise<boolean> {
    return this.run(async (client) => (await client.manoucheCacheTouch(key, ttlMs === null ? 0 : Math.max(1, Math.round(ttlMs)))) === 1, () => false);
  }

  /** Delete this cache's keys (`<KEY_PREFIX>:*`), scanning: never FLUSHDB, since other apps may share the database. */
  clear(): Promise<void> {
    const pattern = `${this.namespace.replace(/[*?[\]\\]/g, '\\$&')}*`;
    return this.run(async (client) => {
      const cluster = client.isCluster;
      const nodes: Redis[] = cluster ? (client as Cluster).nodes('master') : [client as Redis];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          if (keys.length) await (cluster ? Promise.all(keys.map((k) => node.unlink(k))) : node.unlink(...keys));
          cursor = next;
        } while (cursor !== '0');
      }
    }, () => undefined);
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    return (await this.invalidateTagsReturningKeys(tags)).count;
  }

  /** invalidateTags(), also returning the keys that were filed under the tags. */
  invalidateTagsReturningKeys(tags: readonly string[]): Promise<{ count: number; keys: string[] }> {
    return this.run(
      async (client) => {
        const [count, ...keys] = await client.manoucheCacheInvalidate(2 * tags.length, ...tags.map((tag) => this.tagKey(tag)), ...tags.map((tag) => this.tagEpochKey(tag)));
        return { count, keys };
      },
      () => ({ count: 0, keys: [] }),
    );
  }

  /** The tags' invalidation counters, as SET_TAGGED compares them (one GET each: no shared slot needed). */
  tagsVersion(tags: readonly string[]): Promise<string> {
    return this.run(async (client) => (await Promise.all(tags.map((tag) => client.get(this.tagEpochKey(tag))))).map((n) => n ?? '0').join(','), () => '');
  }

  // Locks (stampede protection across processes)

  lock(key: string, ttlMs: number): Promise<string | null> {
    const token = randomBytes(12).toString('base64url');
    return this.run(async (client) => ((await client.set(this.lockKey(key), token, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK' ? token : null), () => NO_LOCK);
  }

  unlock(key: string, token: string): Promise<void> {
    if (token === NO_LOCK) return Promise.resolve();
    return this.run(async (client) => void (await client.manoucheCacheUnlock(this.lockKey(key), token)), () => undefined);
  }

  /** Send a pub/sub message (tiered backend invalidations); dropped when unreachable. */
  publish(channel: string, message: string): Promise<void> {
    return this.run(async (client) => void (await client.publish(channel, message)), () => undefined);
  }

  /** Internal keys live under the cache's prefix, with a `~` no version number has. */
  internalKey(kind: string, name: string): string {
    return `${this.namespace}~${kind}:${name}`;
  }

  // Connection

  ready(): Promise<void> {
    return this.connect().then(() => undefined);
  }

  /** Create the client (on first use) and wait for its first connection attempt, bounded by connectTimeout. */
  connect(): Promise<RedisClient> {
    return (this.connecting ??= this.createClient());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.connecting) return;
    const client = await this.connecting.catch(() => undefined);
    if (!client || this.options.client) return;
    await client.quit().catch(() => client.disconnect());
  }

  private async createClient(): Promise<RedisClient> {
    if (this.closed) throw new CacheUnavailableError(`Cache ${JSON.stringify(this.alias)} is closed.`);
    let client: Redis | Cluster;
    if (this.options.client) {
      client = this.options.client;
    } else {
      const { Redis: RedisClass, Cluster: ClusterClass } = await loadIoredis(this.alias);
      if (this.options.cluster) {
        const nodes = (Array.isArray(this.location) ? this.location : [this.location ?? 'redis://127.0.0.1:6379']) as string[];
        client = new ClusterClass(nodes, { enableAutoPipelining: true, enableOfflineQueue: false, ...this.options.clusterOptions, redisOptions: this.clientOptions });
      } else {
        client = typeof this.location === 'string' ? new RedisClass(this.location, this.clientOptions) : new RedisClass(this.clientOptions);
      }
    }
    defineScripts(client);
    client.on('error', () => {
      // reported where it matters: by the commands that fail
    });
    client.on('ready', () => {
      if (!this.warned) return;
      this.warned = false;
      this.logger.info(`Cache ${JSON.stringify(this.alias)}: Redis at ${this.where} is reachable again.`);
    });
    await firstAttempt(client, (this.clientOptions.connectTimeout ?? 2000) + 250);
    this.client = client as RedisClient;
    if (client.status !== 'ready') this.noteUnavailable(new Error(`connection ${client.status}`));
    return this.client;
  }

  /** Run a command; on an outage, answer `fallback()` (an empty cache) or raise, as configured. */
  private run<T>(op: (client: RedisClient) => Promise<T>, fallback: () => T): Promise<T> {
    const client = this.client;
    if (client === undefined) return this.connect().then(() => this.run(op, fallback));
    return op(client).catch((error: unknown) => this.failed(error, fallback));
  }

  private failed<T>(error: unknown, fallback: () => T): T {
    if (isReplyError(error) || error instanceof CacheValueError) throw error;
    if (this.onError === 'raise') {
      throw new CacheUnavailableError(`Cache ${JSON.stringify(this.alias)}: Redis at ${this.where} is unreachable: ${describe(error)}`, { cause: error });
    }
    this.noteUnavailable(error);
    return fallback();
  }

  private noteUnavailable(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(`Cache ${JSON.stringify(this.alias)}: Redis at ${this.where} is unreachable (${describe(error)}); reads miss and writes are dropped until it is back.`);
  }

  private readonly readFailed = (error: unknown): undefined => this.failed(error, () => undefined);

  private readonly decodeFound = (text: string | null): unknown => {
    if (text === null) return undefined;
    const { value, staleAt } = this.parse(text);
    return staleAt !== 0 && this.clock.now() >= staleAt ? new StaleValue(value) : value;
  };

  /** Payload → value; an unreadable payload (written by something else) reads as a miss. */
  private parse(text: string): { value: unknown; staleAt: number } {
    try {
      if (text.charCodeAt(0) !== GRACE_MARK) return { value: decode(text), staleAt: 0 };
      const end = text.indexOf('~', 1);
      return { value: decode(text.slice(end + 1)), staleAt: Number(text.slice(1, end)) };
    } catch (error) {
      this.logger.warn(`Cache ${JSON.stringify(this.alias)}: ignoring an entry that is not a cache payload (${describe(error)}).`);
      return { value: undefined, staleAt: 0 };
    }
  }

  private write(key: string, value: unknown, ttlMs: number | null, options: WriteOptions | undefined, onlyIfAbsent: boolean): Promise<boolean> {
    const json = encode(value);
    const payload = options?.staleAt ? `~${options.staleAt}~${json}` : json;
    const ttl = ttlMs === null ? 0 : Math.max(1, Math.round(ttlMs));
    const tags = options?.tags;
    return this.run(async (client) => {
      if (tags?.length) {
        const keys = [key, ...tags.map((tag) => this.tagKey(tag)), ...tags.map((tag) => this.tagEpochKey(tag))];
        return (await client.manoucheCacheSet(keys.length, ...keys, payload, ttl, onlyIfAbsent ? '1' : '0', options?.tagsVersion ?? '')) === 1;
      }
      let reply: string | null;
      if (onlyIfAbsent) reply = ttl ? await client.set(key, payload, 'PX', ttl, 'NX') : await client.set(key, payload, 'NX');
      else reply = ttl ? await client.set(key, payload, 'PX', ttl) : await client.set(key, payload);
      return reply === 'OK';
    }, () => false);
  }

  private tagKey(tag: string): string {
    return this.internalKey('tag', tag);
  }

  private tagEpochKey(tag: string): string {
    return this.internalKey('tagv', tag);
  }

  private lockKey(key: string): string {
    return this.internalKey('lock', key);
  }
}

/** Resolve when the client is ready, or its first attempt failed, or after `ms`. */
function firstAttempt(client: Redis | Cluster, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      client.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.on('ready', done);
    client.on('error', done);
    client.on('end', done);
  });
}

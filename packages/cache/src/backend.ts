import type { Awaitable, Logger } from '@manouche/core';

/** Where time comes from, in milliseconds; tests pass a clock they can move. */
export interface Clock {
  now(): number;
}

let coarseNow = 0;
const forgetNow = (): void => {
  coarseNow = 0;
};

/**
 * Wall-clock time read at most once per millisecond (as lru-cache's
 * ttlResolution does): Date.now() costs about as much as a whole memory-cache
 * hit. The reading is dropped by a timer, so within one long synchronous or
 * microtask stretch time stands still; expiry is at most that late.
 */
export const systemClock: Clock = {
  now() {
    if (coarseNow === 0) {
      coarseNow = Date.now();
      setTimeout(forgetNow, 1).unref();
    }
    return coarseNow;
  },
};

/**
 * What a backend returns for an entry past its fresh life but inside its
 * grace period: `getOrSet()` serves it while one caller recomputes; every
 * other read treats it as a miss.
 */
export class StaleValue {
  constructor(readonly value: unknown) {}
}

export interface WriteOptions {
  /** Tags the entry is filed under, for `invalidateTags()`. */
  tags?: readonly string[];
  /** With a grace period: the clock time (ms) at which the value turns stale. The entry itself lives `ttlMs`. */
  staleAt?: number;
  /**
   * From `tagsVersion(tags)` before the value was computed: store it only if
   * none of its tags was invalidated since, so a value computed from data that
   * changed meanwhile is not kept.
   */
  tagsVersion?: string;
}

/**
 * A storage backend. The `Cache` in front of it makes and validates keys,
 * applies the default timeout, versions, stampede protection and grace; a
 * backend only stores values under already-made keys. `ttlMs` is a positive
 * number of milliseconds or null (never expire): a timeout of 0 never reaches
 * a backend. Methods may answer synchronously (the memory backend does), so a
 * hit costs no promise on the request path.
 *
 * Backends: memory, dummy, redis, tiered, database.
 */
export interface CacheBackend {
  /** The value, a StaleValue inside its grace period, or undefined. */
  get(key: string): Awaitable<unknown>;
  getMany(keys: readonly string[]): Awaitable<unknown[]>;
  /** False when the value could not be stored (the server is unreachable). */
  set(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Awaitable<boolean>;
  /** Store only when absent; true when stored. */
  add(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): Awaitable<boolean>;
  /** The keys that could not be stored. */
  setMany(entries: ReadonlyArray<readonly [string, unknown]>, ttlMs: number | null, options?: WriteOptions): Awaitable<string[]>;
  delete(key: string): Awaitable<boolean>;
  deleteMany(keys: readonly string[]): Awaitable<void>;
  /** Add `delta` atomically where the store can; throws MissingKeyError when absent, CacheValueError on a non-integer. */
  incr(key: string, delta: number): Awaitable<number>;
  /** Give an existing entry a new lifetime; false when absent. */
  touch(key: string, ttlMs: number | null): Awaitable<boolean>;
  /** Delete every entry of this cache (only its own keys on a shared server). */
  clear(): Awaitable<void>;
  /** Delete the entries filed under any of `tags`; returns how many. */
  invalidateTags(tags: readonly string[]): Awaitable<number>;
  /** An opaque snapshot of how often these tags were invalidated, for `WriteOptions.tagsVersion`. */
  tagsVersion?(tags: readonly string[]): Awaitable<string>;
  /**
   * Take a short lock shared by every process using the store (stampede
   * protection across processes): a token, or null when another holds it.
   * Stores private to one process leave it out.
   */
  lock?(key: string, ttlMs: number): Promise<string | null>;
  unlock?(key: string, token: string): Promise<void>;
  /**
   * A fast path for the Cache in front of the backend, which calls
   * `own(<KEY_PREFIX>:<VERSION>:)` once: when the backend accepts (true),
   * `getOwn(key)` is `get()` of the made key `<namespace><key>`, without the
   * Cache making it. The memory backend has it, to answer a hit with one map
   * lookup rather than two.
   */
  own?(namespace: string): boolean;
  getOwn?(key: string): unknown;
  /** Resolves once the backend has tried to connect (never rejects). */
  ready?(): Promise<void>;
  close(): Awaitable<void>;
}

/** What a backend's constructor receives, from a CACHES entry. */
export interface BackendParams {
  /** The CACHES alias (`default`), for messages. */
  alias: string;
  /** LOCATION: a server URL, a list of them, or a name. */
  location: string | readonly string[] | undefined;
  /** OPTIONS, specific to the backend. */
  options: Record<string, unknown>;
  /** KEY_PREFIX: every made key starts with `<keyPrefix>:`; internal keys (tags, locks) use it too. */
  keyPrefix: string;
  clock: Clock;
  logger: Logger;
}

/** A backend class for BACKEND in CACHES. */
export type CacheBackendClass = new (params: BackendParams) => CacheBackend;

import { type Awaitable, consoleLogger, isPromise, type Logger } from '@manouche/core';
import { type CacheBackend, type Clock, StaleValue, systemClock, type WriteOptions } from './backend';
import { checkKeyPrefix, checkTimeout, checkVersion, DEFAULT_TIMEOUT, type Timeout } from './config';
import { CacheValueError, InvalidCacheKey, InvalidCacheTimeout, MissingKeyError } from './errors';
import { defaultKeyFunction, type KeyFunction, MAX_KEY_LENGTH, validateKey } from './keys';
import { internalize } from './internalize';
import { decode, encode, isImmutable } from './serializer';

export interface KeyOptions {
  /** The key version (default: the cache's VERSION). */
  version?: number;
}

export interface SetOptions extends KeyOptions {
  /** Seconds (default: the cache's TIMEOUT); null: never expire; 0 or less: do not cache. */
  timeout?: Timeout;
  /** Tags to file the entry under, for `invalidateTags()`. */
  tags?: readonly string[];
}

export interface GetOrSetOptions extends SetOptions {
  /**
   * Stale-while-revalidate: for this many seconds after the timeout, callers
   * still get the old value while one of them recomputes it in the background.
   */
  grace?: number;
  /**
   * Seconds the cross-process lock of a computation lives (default 10): other
   * processes wait for the value up to this long, then compute it themselves.
   */
  lockTimeout?: number;
}

export interface CacheOptions {
  backend: CacheBackend;
  /** The name in CACHES, for messages (default `default`). */
  alias?: string;
  /** Default timeout in seconds (default 300); null: never expire. */
  timeout?: Timeout;
  keyPrefix?: string;
  version?: number;
  keyFunction?: KeyFunction;
  clock?: Clock;
  /** Where failures of background refreshes (grace) are reported. */
  logger?: Logger;
}

/** A value frozen at computation time: each caller of getOrSet() gets its own copy. */
interface Snapshot {
  value: unknown;
  text: string | undefined;
}

const DEFAULT_LOCK_TIMEOUT = 10;
const MADE_KEYS_KEPT = 10_000;

const fresh = (found: unknown): any => (found instanceof StaleValue ? undefined : found);

function snapshot(value: unknown): Snapshot {
  return isImmutable(value) ? { value, text: undefined } : { value: undefined, text: encode(value) };
}

function restore<T>(snap: Snapshot): T {
  return (snap.text === undefined ? snap.value : decode(snap.text)) as T;
}

function splitOptions<O extends SetOptions>(timeoutOrOptions: Timeout | O | undefined): O {
  if (timeoutOrOptions !== null && typeof timeoutOrOptions === 'object') return timeoutOrOptions;
  return { timeout: timeoutOrOptions } as O;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Django's cache API over a backend: keys made from KEY_PREFIX, VERSION and
 * KEY_FUNCTION and validated; timeouts in seconds; values serialized safely.
 * Beyond Django: tags, stampede protection and stale-while-revalidate in
 * `getOrSet()`.
 */
export class Cache {
  readonly alias: string;
  readonly backend: CacheBackend;
  readonly defaultTimeout: Timeout;
  readonly keyPrefix: string;
  readonly version: number;
  readonly keyFunction: KeyFunction;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** `<KEY_PREFIX>:<VERSION>:` when keys use the default format: making a key is one concatenation. */
  private readonly defaultPrefix: string | undefined;
  /**
   * Made (and validated) keys of the default version, by user key. A made
   * key is a fresh string whose hash the backend's map would compute on every
   * lookup; the remembered one has its hash cached. Key functions are pure.
   */
  private readonly madeKeys = new Map<string, string>();
  /** The backend accepted `own()`: reads of the default version go by the user's key (`getOwn`). */
  private readonly ownsBackend: boolean;
  /** getOrSet() computations under way in this process, by made key. */
  private readonly inFlight = new Map<string, Promise<Snapshot | undefined>>();

  constructor(options: CacheOptions) {
    this.alias = options.alias ?? 'default';
    this.backend = options.backend;
    this.defaultTimeout = options.timeout === undefined ? DEFAULT_TIMEOUT : checkTimeout(this.alias, options.timeout);
    this.keyPrefix = options.keyPrefix === undefined ? '' : checkKeyPrefix(this.alias, options.keyPrefix);
    this.version = options.version === undefined ? 1 : checkVersion(this.alias, options.version);
    this.keyFunction = options.keyFunction ?? defaultKeyFunction;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger();
    this.defaultPrefix = this.keyFunction === defaultKeyFunction ? `${this.keyPrefix}:${this.version}:` : undefined;
    this.ownsBackend = this.defaultPrefix !== undefined && typeof this.backend.getOwn === 'function' && this.backend.own?.(this.defaultPrefix) === true;
  }

  /** The stored key for `key` (Django's `make_key`), validated: InvalidCacheKey when too long or holding control characters. */
  makeKey(key: string, version?: number): string {
    if (version === undefined) {
      const known = this.madeKeys.get(key);
      if (known !== undefined) return known;
    }
    if (typeof key !== 'string') throw new InvalidCacheKey(key, 'is not a string');
    const made = version === undefined && this.defaultPrefix !== undefined ? this.defaultPrefix + key : this.keyFunction(key, this.keyPrefix, version ?? this.version);
    validateKey(made);
    if (version === undefined) {
      if (this.madeKeys.size >= MADE_KEYS_KEPT) this.madeKeys.clear();
      const flat = internalize(made);
      this.madeKeys.set(key, flat);
      return flat;
    }
    return made;
  }

  /** The value under `key`, or undefined on a miss. */
  get<T = unknown>(key: string, options?: KeyOptions): Promise<T | undefined> {
    let found: unknown;
    try {
      found = this.ownsBackend && options?.version === undefined ? this.getOwn(key) : this.backend.get(this.makeKey(key, options?.version));
    } catch (error) {
      return Promise.reject(error);
    }
    // most hits are strings and numbers: test for objects (promises, stale values) first
    if (typeof found === 'object' && found !== null) {
      if (isPromise(found)) return found.then(fresh);
      if (found instanceof StaleValue) return Promise.resolve(undefined);
    }
    return Promise.resolve(found as T | undefined);
  }

  /**
   * `get()` that answers synchronously when the backend has the value at hand
   * (memory, or the memory tier of `tiered`), and with a promise otherwise: for
   * hot paths that keep a synchronous fast path, like the page cache.
   */
  lookup<T = unknown>(key: string, options?: KeyOptions): Awaitable<T | undefined> {
    const found = this.ownsBackend && options?.version === undefined ? this.getOwn(key) : this.backend.get(this.makeKey(key, options?.version));
    return isPromise(found) ? found.then(fresh) : fresh(found);
  }

  /**
   * The owned backend's entry for `key` in the default version. A hit needs
   * no key check (only valid keys were stored); a miss checks the key, so a
   * bad one raises InvalidCacheKey as it would on any backend.
   */
  private getOwn(key: string): unknown {
    // no valid key starts with U+0000, which marks the backend's entries of other namespaces
    if (typeof key === 'string' && key.charCodeAt(0) !== 0) {
      const found = this.backend.getOwn!(key);
      if (found !== undefined) return found;
    }
    this.makeKey(key);
    return undefined;
  }

  /** Store `value`; the third argument is the timeout in seconds or `{ timeout, tags, version }`. */
  async set(key: string, value: unknown, timeoutOrOptions?: Timeout | SetOptions): Promise<void> {
    const options = splitOptions(timeoutOrOptions);
    const made = this.makeKey(key, options.version);
    const ttl = this.ttlMs(options.timeout);
    checkValue(value);
    if (ttl !== null && ttl <= 0) {
      await this.backend.delete(made);
      return;
    }
    await this.backend.set(made, value, ttl, writeOptions(options.tags));
  }

  /** Store only if `key` is absent; true when stored. A timeout of 0 stores nothing and returns false. */
  async add(key: string, value: unknown, timeoutOrOptions?: Timeout | SetOptions): Promise<boolean> {
    const options = splitOptions(timeoutOrOptions);
    const made = this.makeKey(key, options.version);
    const ttl = this.ttlMs(options.timeout);
    checkValue(value);
    if (ttl !== null && ttl <= 0) return false;
    return this.backend.add(made, value, ttl, writeOptions(options.tags));
  }

  /**
   * The value under `key`, or else `fn()`'s result, stored. Concurrent calls
   * for one key run `fn` once in this process, and once across processes on
   * backends shared between them (Redis), the others waiting for its value.
   * With `grace`, an expired value is still returned for that many seconds
   * while one caller refreshes it in the background.
   */
  async getOrSet<T>(key: string, fn: () => T | Promise<T>, timeoutOrOptions?: Timeout | GetOrSetOptions): Promise<T> {
    const options = splitOptions(timeoutOrOptions);
    const made = this.makeKey(key, options.version);
    const ttl = this.ttlMs(options.timeout);
    if (options.grace !== undefined && !(typeof options.grace === 'number' && options.grace >= 0 && Number.isFinite(options.grace))) {
      throw new CacheValueError(`getOrSet() grace must be a number of seconds (0 or more); got ${String(options.grace)}.`);
    }
    if (options.tags) checkTags(options.tags);
    // the key is valid (makeKey checked it): an owned backend answers by it directly
    const found = this.ownsBackend && options.version === undefined ? this.backend.getOwn!(key) : await this.backend.get(made);
    if (found instanceof StaleValue) {
      if (!this.inFlight.has(made)) this.track(made, this.compute(made, fn, ttl, options, false)).catch((error: unknown) => this.refreshFailed(key, error));
      return found.value as T;
    }
    if (found !== undefined) return found as T;
    const flight = this.inFlight.get(made) ?? this.track(made, this.compute(made, fn, ttl, options, true));
    const snap = await flight;
    // a background refresh that found another process refreshing yields nothing: compute now
    return snap === undefined ? this.getOrSet(key, fn, options) : restore<T>(snap);
  }

  /** Found values by key; missing keys are left out (Django's `get_many`). */
  async getMany<T = unknown>(keys: Iterable<string>, options?: KeyOptions): Promise<Map<string, T>> {
    const list = [...keys];
    const values = await this.backend.getMany(list.map((key) => this.makeKey(key, options?.version)));
    const result = new Map<string, T>();
    values.forEach((value, i) => {
      if (value !== undefined && !(value instanceof StaleValue)) result.set(list[i]!, value as T);
    });
    return result;
  }

  /** Store several values; returns the keys that could not be stored (Django's `set_many`). */
  async setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, timeoutOrOptions?: Timeout | SetOptions): Promise<string[]> {
    const options = splitOptions(timeoutOrOptions);
    const pairs = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
    const byMade = new Map<string, string>();
    const made = pairs.map(([key, value]): [string, unknown] => {
      checkValue(value);
      const k = this.makeKey(key, options.version);
      byMade.set(k, key);
      return [k, value];
    });
    const ttl = this.ttlMs(options.timeout);
    if (ttl !== null && ttl <= 0) {
      await this.backend.deleteMany([...byMade.keys()]);
      return [];
    }
    const failed = await this.backend.setMany(made, ttl, writeOptions(options.tags));
    return failed.map((k) => byMade.get(k)!);
  }

  /** Delete `key`; true when it was there. */
  async delete(key: string, options?: KeyOptions): Promise<boolean> {
    return this.backend.delete(this.makeKey(key, options?.version));
  }

  async deleteMany(keys: Iterable<string>, options?: KeyOptions): Promise<void> {
    const made = [...keys].map((key) => this.makeKey(key, options?.version));
    if (made.length) await this.backend.deleteMany(made);
  }

  /** Whether `key` holds a value (Django's `has_key`). */
  async has(key: string, options?: KeyOptions): Promise<boolean> {
    return (await this.get(key, options)) !== undefined;
  }

  /**
   * Add `delta` to the integer under `key` and return the result, keeping its
   * timeout; atomic on Redis and within a process. Throws MissingKeyError when
   * the key is absent (or the cache unreachable), CacheValueError when the
   * value is not an integer.
   */
  async incr(key: string, delta = 1, options?: KeyOptions): Promise<number> {
    if (!Number.isSafeInteger(delta)) throw new CacheValueError(`incr()/decr() delta must be a whole number; got ${String(delta)}.`);
    return this.backend.incr(this.makeKey(key, options?.version), delta);
  }

  async decr(key: string, delta = 1, options?: KeyOptions): Promise<number> {
    return this.incr(key, -delta, options);
  }

  /** Give `key` a new timeout (default: the cache's TIMEOUT); true when the key exists. */
  async touch(key: string, timeout?: Timeout, options?: KeyOptions): Promise<boolean> {
    const made = this.makeKey(key, options?.version);
    const ttl = this.ttlMs(timeout);
    if (ttl !== null && ttl <= 0) return this.backend.delete(made);
    return this.backend.touch(made, ttl);
  }

  /** Move `key`'s value to version + delta (Django's `incr_version`); returns the new version. */
  async incrVersion(key: string, delta = 1, options?: KeyOptions): Promise<number> {
    const version = options?.version ?? this.version;
    const value = await this.get(key, { version });
    if (value === undefined) throw new MissingKeyError(key);
    await this.set(key, value, { version: version + delta });
    await this.delete(key, { version });
    return version + delta;
  }

  async decrVersion(key: string, delta = 1, options?: KeyOptions): Promise<number> {
    return this.incrVersion(key, -delta, options);
  }

  /** Delete every entry stored with any of these tags (in every process sharing the store); returns how many. */
  async invalidateTags(tags: string | readonly string[]): Promise<number> {
    const list = typeof tags === 'string' ? [tags] : [...tags];
    checkTags(list);
    return list.length ? this.backend.invalidateTags(list) : 0;
  }

  /** Delete every entry of this cache. On a shared Redis only keys under this cache's KEY_PREFIX go. */
  async clear(): Promise<void> {
    await this.backend.clear();
  }

  /** Close connections (Redis); the cache must not be used afterwards. */
  async close(): Promise<void> {
    await this.backend.close();
  }

  /** Seconds → milliseconds; undefined means the default timeout. */
  private ttlMs(timeout: Timeout | undefined): number | null {
    const value = timeout === undefined ? this.defaultTimeout : timeout;
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidCacheTimeout(value);
    return value * 1000;
  }

  private track(made: string, flight: Promise<Snapshot | undefined>): Promise<Snapshot | undefined> {
    this.inFlight.set(made, flight);
    const done = (): void => {
      if (this.inFlight.get(made) === flight) this.inFlight.delete(made);
    };
    flight.then(done, done);
    return flight;
  }

  /**
   * Run `fn` and store its value. On a backend shared between processes, take
   * its lock first: when another process holds it, `wait` for the value it
   * stores (re-trying the lock, which frees when that process finishes or
   * dies), or, for a background refresh, give up (undefined).
   */
  private async compute(made: string, fn: () => unknown, ttl: number | null, options: GetOrSetOptions, wait: boolean): Promise<Snapshot | undefined> {
    const backend = this.backend;
    let token: string | null = null;
    if (backend.lock && backend.unlock) {
      const lockMs = (options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT) * 1000;
      token = await backend.lock(made, lockMs);
      if (token === null && !wait) return undefined;
      const deadline = this.clock.now() + lockMs;
      let delay = 5;
      while (token === null && this.clock.now() < deadline) {
        await sleep(delay);
        delay = Math.min(delay * 2, 100);
        const found = await backend.get(made);
        if (found !== undefined && !(found instanceof StaleValue)) return snapshot(found);
        token = await backend.lock(made, lockMs);
      }
      if (token !== null) {
        // the holder before us may have stored the value between our miss and our lock
        const found = await backend.get(made);
        if (found !== undefined && !(found instanceof StaleValue)) {
          await backend.unlock(made, token);
          return snapshot(found);
        }
      }
    }
    try {
      const tags = options.tags?.length ? options.tags : undefined;
      // read before computing: if a tag is invalidated meanwhile, the value may be stale and is not stored
      const tagsVersion = tags && backend.tagsVersion ? await backend.tagsVersion(tags) : undefined;
      const value = await fn();
      const snap = snapshot(value);
      if (ttl === null || ttl > 0) {
        const graceMs = ttl !== null && options.grace ? options.grace * 1000 : 0;
        const write: WriteOptions = { tags, tagsVersion, staleAt: graceMs ? this.clock.now() + ttl! : undefined };
        await backend.set(made, value, ttl === null ? null : ttl + graceMs, write);
      }
      return snap;
    } finally {
      if (token) await backend.unlock!(made, token);
    }
  }

  private refreshFailed(key: string, error: unknown): void {
    this.logger.warn(`Cache ${JSON.stringify(this.alias)}: refreshing the stale value of ${JSON.stringify(key)} failed; the stale value stays until its grace ends.`, { error: error as Error });
  }
}

function checkValue(value: unknown): void {
  if (value === undefined) throw new CacheValueError('Cannot cache undefined: a miss already reads as undefined. Store null instead.');
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function checkTags(tags: readonly string[]): void {
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag === '' || tag.length > MAX_KEY_LENGTH || CONTROL_CHARACTERS.test(tag)) {
      throw new CacheValueError(`Invalid cache tag ${JSON.stringify(tag) ?? String(tag)}: tags are non-empty strings of at most ${MAX_KEY_LENGTH} characters without control characters.`);
    }
  }
}

function writeOptions(tags: readonly string[] | undefined): WriteOptions | undefined {
  if (!tags?.length) return undefined;
  checkTags(tags);
  return { tags };
}

import { LRUCache } from 'lru-cache';
import { type BackendParams, type CacheBackend, type Clock, StaleValue, type WriteOptions } from '../backend';
import { CacheValueError, MissingKeyError } from '../errors';
import { internalize } from '../internalize';
import { decode, encode, isImmutable } from '../serializer';
import { positiveInteger, rejectUnknown } from './options';

/** OPTIONS of the memory backend (Django's LocMemCache, as an LRU). */
export interface MemoryBackendOptions {
  /** Most entries kept; the least recently used go first (default 5000). */
  MAX_ENTRIES?: number;
  /** Most bytes kept, counting keys and serialized values (default 64 MiB). A larger value is not stored. */
  MAX_SIZE?: number;
}

interface Entry {
  /** An immutable value as is, or the serialized text of anything else (so readers get copies). */
  value: unknown;
  encoded: boolean;
  /** Clock time (ms) the entry dies at; 0 = never. */
  expiresAt: number;
  /** Clock time (ms) the value turns stale (grace); 0 = no grace. */
  staleAt: number;
  tags: readonly string[] | undefined;
}

const ENTRY_OVERHEAD = 64;
const MAX_TAG_EPOCHS = 100_000;
/** Starts the LRU key of an entry outside the owner's namespace: no user key starts with a control character. */
const FOREIGN = '\u0000';

/**
 * The in-process cache: an LRU (lru-cache) bounded by entries and bytes, with
 * lazy expiry (an expired entry is dropped when read, or evicted by the LRU).
 * Lifetimes are checked here against the cache's clock, not with lru-cache's
 * own TTLs: its TTL tracking made every hit about 25% slower.
 * Objects are stored serialized and decoded on every read, like Django's
 * pickling LocMemCache: a caller mutating what it got never changes the
 * cache. Strings, numbers, booleans, BigInts and null are kept as they are.
 *
 * The Cache in front of it owns its namespace (`<KEY_PREFIX>:<VERSION>:`):
 * entries in it are keyed by the user's key, so a hit is one map lookup,
 * not a lookup of the made key followed by the LRU's own (see `own()`).
 */
export class MemoryBackend implements CacheBackend {
  private readonly lru: LRUCache<string, Entry>;
  private readonly tagIndex = new Map<string, Set<string>>();
  /** How often each tag was invalidated; `epochGeneration` changes when the map is emptied to bound it. */
  private readonly tagEpochs = new Map<string, number>();
  private epochGeneration = 0;
  private readonly clock: Clock;
  /** The owning Cache's key prefix: made keys starting with it are stored without it. */
  private namespace: string | undefined;

  constructor(params: BackendParams) {
    const options = params.options;
    rejectUnknown(params.alias, 'memory', options, ['MAX_ENTRIES', 'MAX_SIZE']);
    this.clock = params.clock;
    const maxSize = positiveInteger(params.alias, options, 'MAX_SIZE', 64 * 1024 * 1024);
    this.lru = new LRUCache<string, Entry>({
      max: positiveInteger(params.alias, options, 'MAX_ENTRIES', 5000),
      maxSize,
      maxEntrySize: maxSize,
      sizeCalculation: (entry, key) => ENTRY_OVERHEAD + key.length + (typeof entry.value === 'string' ? Buffer.byteLength(entry.value) : 8),
      dispose: (entry, key) => {
        if (entry.tags) this.unindex(key, entry.tags);
      },
    });
  }

  /**
   * Let the Cache with this namespace read by its users' keys (`getOwn`).
   * Only before anything is stored (the keys already stored would be lost
   * to it), and for one namespace: another Cache on the same backend keeps
   * going through made keys.
   */
  own(namespace: string): boolean {
    if (this.namespace === undefined && this.lru.size === 0) this.namespace = namespace;
    return this.namespace === namespace;
  }

  /** get() of the made key `<namespace><key>`, given only `key`. */
  getOwn(key: string): unknown {
    return this.getLocal(key);
  }

  get(key: string): unknown {
    return this.getLocal(this.local(key));
  }

  private getLocal(key: string): unknown {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 || entry.staleAt !== 0) {
      const now = this.clock.now();
      if (entry.expiresAt !== 0 && now >= entry.expiresAt) {
        this.lru.delete(key);
        return undefined;
      }
      if (entry.staleAt !== 0 && now >= entry.staleAt) return new StaleValue(entry.encoded ? decode(entry.value as string) : entry.value);
    }
    return entry.encoded ? decode(entry.value as string) : entry.value;
  }

  getMany(keys: readonly string[]): unknown[] {
    return keys.map((key) => this.get(key));
  }

  set(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): boolean {
    return this.setLocal(this.local(key), value, ttlMs, options);
  }

  private setLocal(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): boolean {
    if (options?.tagsVersion !== undefined && options.tags && this.tagsVersion(options.tags) !== options.tagsVersion) return false;
    const immutable = isImmutable(value);
    const entry: Entry = {
      value: immutable ? value : encode(value),
      encoded: !immutable,
      expiresAt: ttlMs === null ? 0 : this.clock.now() + ttlMs,
      staleAt: options?.staleAt ?? 0,
      tags: options?.tags?.length ? options.tags : undefined,
    };
    // the LRU disposes of the entry it replaces, which unindexes the old tags; an internalized
    // key (a slice of the made key otherwise) is found by identity when the lookup's is too
    this.lru.set(internalize(key), entry);
    // an entry larger than MAX_SIZE is refused (and the old one dropped)
    const stored = this.lru.has(key);
    if (stored && entry.tags) this.index(key, entry.tags);
    return stored;
  }

  add(key: string, value: unknown, ttlMs: number | null, options?: WriteOptions): boolean {
    const local = this.local(key);
    if (this.live(local) !== undefined) return false;
    return this.setLocal(local, value, ttlMs, options);
  }

  setMany(entries: ReadonlyArray<readonly [string, unknown]>, ttlMs: number | null, options?: WriteOptions): string[] {
    return entries.filter(([key, value]) => !this.set(key, value, ttlMs, options)).map(([key]) => key);
  }

  delete(key: string): boolean {
    const local = this.local(key);
    const existed = this.live(local) !== undefined;
    this.lru.delete(local);
    return existed;
  }

  deleteMany(keys: readonly string[]): void {
    for (const key of keys) this.lru.delete(this.local(key));
  }

  incr(key: string, delta: number): number {
    const entry = this.live(this.local(key));
    if (entry === undefined) throw new MissingKeyError(key);
    if (typeof entry.value !== 'number' || !Number.isInteger(entry.value)) {
      throw new CacheValueError(`incr()/decr() need an integer; the value under ${JSON.stringify(key)} is not one.`);
    }
    // one synchronous step: no other caller can interleave, so this is atomic within the process
    const value = entry.value + delta;
    entry.value = value;
    return value;
  }

  touch(key: string, ttlMs: number | null): boolean {
    const entry = this.live(this.local(key));
    if (entry === undefined) return false;
    entry.expiresAt = ttlMs === null ? 0 : this.clock.now() + ttlMs;
    return true;
  }

  clear(): void {
    this.lru.clear();
    this.tagIndex.clear();
  }

  invalidateTags(tags: readonly string[]): number {
    let count = 0;
    if (this.tagEpochs.size > MAX_TAG_EPOCHS) {
      this.tagEpochs.clear();
      this.epochGeneration++;
    }
    for (const tag of tags) {
      this.tagEpochs.set(tag, (this.tagEpochs.get(tag) ?? 0) + 1);
      const keys = this.tagIndex.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) if (this.lru.delete(key)) count++;
      this.tagIndex.delete(tag);
    }
    return count;
  }

  tagsVersion(tags: readonly string[]): string {
    return `${this.epochGeneration}:${tags.map((tag) => this.tagEpochs.get(tag) ?? 0).join(',')}`;
  }

  close(): void {
    this.clear();
  }

  /** Entries in the cache now (expired ones included until read). */
  get size(): number {
    return this.lru.size;
  }

  /** The LRU's key for a made key: without the owner's namespace, or marked as foreign. */
  private local(key: string): string {
    const namespace = this.namespace;
    if (namespace === undefined) return key;
    return key.startsWith(namespace) ? key.slice(namespace.length) : FOREIGN + key;
  }

  private live(key: string): Entry | undefined {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && this.clock.now() >= entry.expiresAt) {
      this.lru.delete(key);
      return undefined;
    }
    return entry;
  }

  private index(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      let keys = this.tagIndex.get(tag);
      if (!keys) this.tagIndex.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.tagIndex.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.tagIndex.delete(tag);
    }
  }
}

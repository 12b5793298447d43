import { ImproperlyConfigured } from '@manouche/core';

/**
 * Base class of the errors the cache raises, each with a stable `code` so
 * callers can branch on it rather than on the message.
 */
export class CacheError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A key that is too long or holds control characters (Django's `InvalidCacheKey`). */
export class InvalidCacheKey extends CacheError {
  readonly key: unknown;
  constructor(key: unknown, reason: string) {
    super('invalid_cache_key', `Cache key ${describeKey(key)} ${reason}.`);
    this.key = key;
  }
}

/** A timeout that is neither a number of seconds, `null` (forever) nor left out (the default). */
export class InvalidCacheTimeout extends CacheError {
  constructor(timeout: unknown) {
    super(
      'invalid_cache_timeout',
      `Cache timeout ${typeof timeout === 'number' ? String(timeout) : JSON.stringify(timeout) ?? String(timeout)} is not valid: expected a finite number of seconds (0 or less: do not cache), null (never expire) or undefined (the cache's TIMEOUT).`,
    );
  }
}

/** A value the cache cannot store faithfully (undefined, a function, a Map, a cycle…), or `incr()` on a non-integer. */
export class CacheValueError extends CacheError {
  constructor(message: string) {
    super('invalid_cache_value', message);
  }
}

/** `incr()`/`decr()`/`incrVersion()` on a key that is not in the cache (Django raises ValueError). */
export class MissingKeyError extends CacheError {
  readonly key: string;
  constructor(key: string, detail = '') {
    super('missing_cache_key', `Key ${JSON.stringify(key)} not found in the cache${detail}.`);
    this.key = key;
  }
}

/** The cache server is unreachable and the backend is configured to raise (`OPTIONS.onError: 'raise'`). */
export class CacheUnavailableError extends CacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('cache_unavailable', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** A CACHES entry that names an unknown backend or carries bad options. */
export class InvalidCacheBackendError extends ImproperlyConfigured {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCacheBackendError';
  }
}

function describeKey(key: unknown): string {
  if (typeof key !== 'string') return `${String(key)} (${typeof key})`;
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}

import { InvalidCacheBackendError } from './errors';
import type { KeyFunction } from './keys';
import type { CacheBackendClass } from './backend';

/** Seconds: a positive number, `null` (never expire), or 0 or less (do not cache). */
export type Timeout = number | null;

/** The built-in backends, by name (or give BACKEND a backend class). */
export type BackendName = 'memory' | 'redis' | 'dummy' | 'tiered' | 'database';

/** One entry of CACHES, with Django's shape. */
export interface CacheConfig {
  /** `memory` (default), `redis`, `tiered` (memory in front of Redis), `database` (a table, through @manouche/orm), `dummy`, or a CacheBackend class. */
  BACKEND?: BackendName | CacheBackendClass;
  /** Redis: a `redis://` / `rediss://` URL, or (cluster) a list of node URLs; database: the table (default `manouche_cache`). */
  LOCATION?: string | string[];
  /** Default timeout in seconds (default 300); null: never expire; 0: do not cache. */
  TIMEOUT?: Timeout;
  /** Prepended to every key (`<KEY_PREFIX>:<VERSION>:<key>`): give each site/app sharing a server its own. */
  KEY_PREFIX?: string;
  /** Default key version (default 1): bump it to invalidate every key at once. */
  VERSION?: number;
  /** Replaces the key format: `(key, keyPrefix, version) => string`. */
  KEY_FUNCTION?: KeyFunction;
  /** Backend options (see each backend). */
  OPTIONS?: Record<string, unknown>;
}

/** The CACHES setting: named caches; `default` is required. */
export type CachesSetting = Record<string, CacheConfig>;

export const DEFAULT_TIMEOUT = 300;

export const DEFAULT_CACHES: CachesSetting = Object.freeze({ default: Object.freeze({ BACKEND: 'memory' }) }) as CachesSetting;

const CONFIG_KEYS = ['BACKEND', 'LOCATION', 'TIMEOUT', 'KEY_PREFIX', 'VERSION', 'KEY_FUNCTION', 'OPTIONS'];

const where = (alias: string, name: string): string => `CACHES[${JSON.stringify(alias)}].${name}`;
const shown = (value: unknown): string => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)));

export function checkTimeout(alias: string, timeout: unknown): Timeout {
  if (timeout === null || (typeof timeout === 'number' && Number.isFinite(timeout))) return timeout;
  throw new InvalidCacheBackendError(`${where(alias, 'TIMEOUT')} must be a number of seconds or null (never expire); got ${shown(timeout)}.`);
}

export function checkVersion(alias: string, version: unknown): number {
  if (Number.isSafeInteger(version)) return version as number;
  throw new InvalidCacheBackendError(`${where(alias, 'VERSION')} must be a whole number; got ${shown(version)}.`);
}

export function checkKeyPrefix(alias: string, prefix: unknown): string {
  if (typeof prefix === 'string') return prefix;
  throw new InvalidCacheBackendError(`${where(alias, 'KEY_PREFIX')} must be a string; got ${shown(prefix)}.`);
}

/** Validate the parts of a CACHES entry every backend shares (OPTIONS are the backend's). */
export function checkConfig(alias: string, config: CacheConfig): void {
  if (config === null || typeof config !== 'object') throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}] must be an object like { BACKEND: 'memory' }; got ${shown(config)}.`);
  const unknown = Object.keys(config).filter((k) => !CONFIG_KEYS.includes(k));
  if (unknown.length) {
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}] has ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the valid keys are ${CONFIG_KEYS.join(', ')}.`);
  }
  if (config.TIMEOUT !== undefined) checkTimeout(alias, config.TIMEOUT);
  if (config.VERSION !== undefined) checkVersion(alias, config.VERSION);
  if (config.KEY_PREFIX !== undefined) checkKeyPrefix(alias, config.KEY_PREFIX);
  if (config.KEY_FUNCTION !== undefined && typeof config.KEY_FUNCTION !== 'function') {
    throw new InvalidCacheBackendError(`${where(alias, 'KEY_FUNCTION')} must be a function (key, keyPrefix, version) => string; got ${shown(config.KEY_FUNCTION)}.`);
  }
  if (config.OPTIONS !== undefined && (config.OPTIONS === null || typeof config.OPTIONS !== 'object' || Array.isArray(config.OPTIONS))) {
    throw new InvalidCacheBackendError(`${where(alias, 'OPTIONS')} must be an object; got ${shown(config.OPTIONS)}.`);
  }
  const location = config.LOCATION;
  if (location !== undefined && typeof location !== 'string' && !(Array.isArray(location) && location.every((l) => typeof l === 'string'))) {
    throw new InvalidCacheBackendError(`${where(alias, 'LOCATION')} must be a string or a list of strings; got ${shown(location)}.`);
  }
}

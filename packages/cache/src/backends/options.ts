import { InvalidCacheBackendError } from '../errors';

/** Read a whole-number option (> 0), naming the cache and the valid range in the error. */
export function positiveInteger(alias: string, options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}].OPTIONS.${name} must be a whole number greater than 0; got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/** Read a whole-number option (≥ 0). */
export function nonNegativeInteger(alias: string, options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}].OPTIONS.${name} must be a whole number (0 or more); got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/** Read a number-of-seconds option (≥ 0). */
export function seconds(alias: string, options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidCacheBackendError(`CACHES[${JSON.stringify(alias)}].OPTIONS.${name} must be a number of seconds (0 or more); got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/** Refuse OPTIONS keys a backend does not know, listing the ones it does. */
export function rejectUnknown(alias: string, backend: string, options: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new InvalidCacheBackendError(
      `CACHES[${JSON.stringify(alias)}].OPTIONS has ${unknown.map((k) => JSON.stringify(k)).join(', ')}, unknown to the ${backend} backend; it accepts ${known.join(', ')}.`,
    );
  }
}

import { CacheValueError } from './errors';

// Values travel as JSON. Types JSON cannot carry are written as strings that
// start with U+0000 and a type letter, which JSON.stringify escapes as
// `\u0000`: a payload without that escape needs no reviver (the fast path).
// A user string that itself starts with U+0000 is escaped the same way ('S'),
// so decoding never mistakes data for a tag. Nothing is ever evaluated.
const TAG = '\u0000';
const ESCAPED_TAG = '\\u0000';

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  switch (typeof raw) {
    case 'string':
      return raw.charCodeAt(0) === 0 ? `${TAG}S${raw}` : raw;
    case 'number':
      return Number.isFinite(raw) ? raw : `${TAG}N${raw}`;
    case 'bigint':
      return `${TAG}B${raw.toString()}`;
    case 'function':
    case 'symbol':
      throw new CacheValueError(`Cannot cache a ${typeof raw}${key ? ` (at property ${JSON.stringify(key)})` : ''}: values must be JSON data, Dates, Buffers or BigInts.`);
    case 'object':
      if (raw === null) return null;
      if (raw instanceof Date) return `${TAG}D${raw.getTime()}`;
      if (raw instanceof Uint8Array) return `${TAG}X${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')}`;
      if (raw instanceof Map || raw instanceof Set || raw instanceof WeakMap || raw instanceof WeakSet || ArrayBuffer.isView(raw) || raw instanceof ArrayBuffer || raw instanceof Promise) {
        throw new CacheValueError(
          `Cannot cache a ${raw.constructor.name}${key ? ` (at property ${JSON.stringify(key)})` : ''}: it would not survive JSON. Convert it to an array or a plain object first.`,
        );
      }
      return value;
    default:
      return value;
  }
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0) return value;
  const body = value.slice(2);
  switch (value[1]) {
    case 'S':
      return body;
    case 'N':
      return Number(body);
    case 'B':
      return BigInt(body);
    case 'D':
      return new Date(Number(body));
    case 'X':
      return Buffer.from(body, 'base64');
    default:
      throw new CacheValueError(`Unknown tagged value ${JSON.stringify(value.slice(0, 20))} in a cached payload.`);
  }
}

/**
 * Serialize a value for storage: JSON, plus Date, Buffer (any Uint8Array),
 * BigInt, NaN and ±Infinity. Class instances become plain objects (their
 * own enumerable properties, or what their `toJSON()` returns). Throws
 * CacheValueError for undefined, functions, symbols, Maps, Sets and cycles.
 */
export function encode(value: unknown): string {
  if (typeof value === 'string' && value.charCodeAt(0) !== 0) return JSON.stringify(value);
  if (value === undefined) throw new CacheValueError('Cannot cache undefined: a miss already reads as undefined. Store null instead.');
  try {
    return JSON.stringify(value, replacer);
  } catch (error) {
    if (error instanceof CacheValueError) throw error;
    throw new CacheValueError(`Cannot cache this value: ${(error as Error).message}`);
  }
}

/** The inverse of `encode()`. Throws on a payload that is not valid JSON. */
export function decode(text: string): unknown {
  return text.includes(ESCAPED_TAG) ? JSON.parse(text, reviver) : JSON.parse(text);
}

/**
 * True for values that are immutable and survive JSON unchanged, so an
 * in-process cache may hand out the value itself instead of a copy.
 */
export function isImmutable(value: unknown): value is string | number | boolean | bigint | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return value === null;
  }
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { getSettings } from '../conf/settings';
import { ImproperlyConfigured } from '../errors/exceptions';
import { BadSignature, SignatureExpired } from './errors';

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'sha1';

export interface SignerOptions {
  /** Defaults to SECRET_KEY. */
  key?: string;
  /** Defaults to SECRET_KEY_FALLBACKS: old keys still accepted when verifying. */
  fallbackKeys?: string[];
  /** Namespaces signatures so a value signed for one purpose is useless for another. */
  salt?: string;
  sep?: string;
  algorithm?: HashAlgorithm;
}

/** Django's salted_hmac: HMAC keyed with hash(keySalt + secret). */
export function saltedHmac(keySalt: string, value: string, secret: string, algorithm: HashAlgorithm = 'sha256'): Buffer {
  const key = createHash(algorithm).update(keySalt + secret).digest();
  return createHmac(algorithm, key).update(value).digest();
}

/** Constant-time comparison of two strings (Django's `constant_time_compare`). */
export function constantTimeCompare(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // compare against itself on length mismatch so the time does not reveal the length
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export const b64Encode = (data: Buffer): string => data.toString('base64url');
export const b64Decode = (text: string): Buffer => Buffer.from(text, 'base64url');

const SEP_UNSAFE = /^[A-Za-z0-9\-_=]*$/;

/**
 * Django's Signer: appends an HMAC-SHA256 signature (`value:signature`).
 * The scheme is Django's own, so with the same key and salt both sign alike.
 */
export class Signer {
  readonly key: string;
  readonly fallbackKeys: readonly string[];
  readonly salt: string;
  readonly sep: string;
  readonly algorithm: HashAlgorithm;

  constructor(options: SignerOptions = {}) {
    this.key = options.key ?? getSettings().SECRET_KEY;
    this.fallbackKeys = options.fallbackKeys ?? (options.key === undefined ? getSettings().SECRET_KEY_FALLBACKS : []);
    // as Django: the default salt names the class, so Signer and TimestampSigner values never cross over
    this.salt = options.salt ?? `manouche.core.signing.${new.target.name}`;
    this.sep = options.sep ?? ':';
    this.algorithm = options.algorithm ?? 'sha256';
    if (!this.key) throw new ImproperlyConfigured('Signing needs a SECRET_KEY; it is empty.');
    if (SEP_UNSAFE.test(this.sep)) {
      throw new ImproperlyConfigured(`Unsafe Signer separator ${JSON.stringify(this.sep)}: it cannot be empty or consist of only A-z0-9-_=`);
    }
  }

  signature(value: string, key = this.key): string {
    return b64Encode(saltedHmac(`${this.salt}signer`, value, key, this.algorithm));
  }

  sign(value: string): string {
    return `${value}${this.sep}${this.signature(value)}`;
  }

  /** The original value, or BadSignature. Tries SECRET_KEY, then each fallback key. */
  unsign(signedValue: string): string {
    const at = signedValue.lastIndexOf(this.sep);
    if (at === -1) throw new BadSignature(`No "${this.sep}" found in value`);
    const value = signedValue.slice(0, at);
    const sig = signedValue.slice(at + this.sep.length);
    for (const key of [this.key, ...this.fallbackKeys]) {
      if (constantTimeCompare(sig, this.signature(value, key))) return value;
    }
    throw new BadSignature(`Signature "${sig}" does not match`);
  }

  /** Sign a JSON-serialisable value (Django's `sign_object`), optionally deflated. */
  signObject(obj: unknown, options: { compress?: boolean } = {}): string {
    return this.sign(encodeObject(obj, options.compress ?? false));
  }

  unsignObject<T = unknown>(signedObj: string): T {
    return decodeObject(this.unsign(signedObj)) as T;
  }
}

/** Django's TimestampSigner: also signs the time, so `unsign(value, maxAge)` can refuse old values. */
export class TimestampSigner extends Signer {
  timestamp(): string {
    return Math.floor(Date.now() / 1000).toString(36);
  }

  override sign(value: string): string {
    return super.sign(`${value}${this.sep}${this.timestamp()}`);
  }

  /** @param maxAge seconds; older signatures raise SignatureExpired */
  override unsign(signedValue: string, maxAge?: number): string {
    const result = super.unsign(signedValue);
    const at = result.lastIndexOf(this.sep);
    if (at === -1) throw new BadSignature('No timestamp found in value');
    const value = result.slice(0, at);
    const timestamp = parseInt(result.slice(at + this.sep.length), 36);
    if (Number.isNaN(timestamp)) throw new BadSignature('Malformed timestamp');
    if (maxAge !== undefined) {
      const age = Date.now() / 1000 - timestamp;
      if (age > maxAge) throw new SignatureExpired(`Signature age ${age.toFixed(0)} > ${maxAge} seconds`);
    }
    return value;
  }

  override unsignObject<T = unknown>(signedObj: string, maxAge?: number): T {
    return decodeObject(this.unsign(signedObj, maxAge)) as T;
  }
}

function encodeObject(obj: unknown, compress: boolean): string {
  let data = Buffer.from(JSON.stringify(obj));
  let prefix = '';
  if (compress) {
    const compressed = deflateSync(data);
    if (compressed.length < data.length - 1) {
      data = compressed;
      prefix = '.';
    }
  }
  return prefix + b64Encode(data);
}

function decodeObject(text: string): unknown {
  const compressed = text.startsWith('.');
  let data = b64Decode(compressed ? text.slice(1) : text);
  if (compressed) {
    data = inflateSync(data, { maxOutputLength: 1024 * 1024 });
  }
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    throw new BadSignature('Signed value is not valid JSON');
  }
}

/** Django's `signing.dumps()`: a URL-safe, signed, timestamped JSON string. */
export function dumps(obj: unknown, options: SignerOptions & { compress?: boolean } = {}): string {
  return new TimestampSigner({ salt: 'manouche.core.signing', ...options }).signObject(obj, { compress: options.compress });
}

/** Django's `signing.loads()`: verify and decode what `dumps()` made; `maxAge` in seconds. */
export function loads<T = unknown>(signed: string, options: SignerOptions & { maxAge?: number } = {}): T {
  return new TimestampSigner({ salt: 'manouche.core.signing', ...options }).unsignObject<T>(signed, options.maxAge);
}

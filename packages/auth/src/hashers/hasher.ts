import { constantTimeCompare } from '@manouche/core';
import { getRandomString, RANDOM_STRING_CHARS } from './random';

/** What a stored hash reveals once masked, for admin pages (Django's `safe_summary`). */
export type HashSummary = Record<string, string | number>;

/**
 * Django's BasePasswordHasher. `encode()` produces the stored string
 * (`<algorithm>$…`); `verify()` checks a password against it in constant
 * time; `mustUpdate()` says the stored hash uses older parameters and should
 * be replaced at the next successful login.
 */
export abstract class PasswordHasher {
  /** The prefix of stored hashes: `pbkdf2_sha256`, `argon2`… */
  abstract readonly algorithm: string;
  /** Bits of entropy of generated salts (Django: 128). */
  readonly saltEntropy: number = 128;

  /** A random salt: enough characters of [a-zA-Z0-9] for `saltEntropy` bits. */
  salt(): string {
    const length = Math.ceil(this.saltEntropy / Math.log2(RANDOM_STRING_CHARS.length));
    return getRandomString(length);
  }

  abstract encode(password: string, salt: string): Promise<string>;

  /** Whether `password` matches `encoded`. Every hasher compares in constant time. */
  async verify(password: string, encoded: string): Promise<boolean> {
    return constantTimeCompare(encoded, await this.encode(password, (this.decode(encoded) as { salt: string }).salt));
  }

  /** The parts of a stored hash (`salt`, `iterations`…); throws InvalidPasswordHash when malformed. */
  abstract decode(encoded: string): object;

  /** True when `encoded` was made with other parameters than this hasher's: rehash at the next login. */
  mustUpdate(_encoded: string): boolean {
    return false;
  }

  /**
   * After a failed check of a hash made with a lower work factor, spend the
   * difference, so the time of a failed login does not reveal how old the
   * stored hash is (Django's `harden_runtime`).
   */
  async hardenRuntime(_password: string, _encoded: string): Promise<void> {}

  /** The hash's parameters with the salt and hash masked (Django's `safe_summary`). */
  safeSummary(encoded: string): HashSummary {
    const summary: HashSummary = {};
    for (const [key, value] of Object.entries(this.decode(encoded))) summary[key] = key === 'salt' || key === 'hash' || key === 'checksum' ? maskHash(String(value)) : (value as string | number);
    return summary;
  }

  protected checkEncodeArgs(password: string, salt: string): void {
    if (typeof password !== 'string') throw new TypeError(`A password must be a string; got ${password === null ? 'null' : typeof password}.`);
    if (!salt || salt.includes('$')) throw new InvalidPasswordHash(`The salt must be a non-empty string without "$"; got ${JSON.stringify(salt)}.`);
  }

  protected mustUpdateSalt(salt: string): boolean {
    return salt.length * Math.log2(RANDOM_STRING_CHARS.length) < this.saltEntropy;
  }
}

/** A hasher class (instantiated once per settings) or a configured instance. */
export type PasswordHasherSetting = PasswordHasher | (new () => PasswordHasher);

/** A stored hash that cannot be parsed by the hasher its prefix names. */
export class InvalidPasswordHash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPasswordHash';
  }
}

/** Django's mask_hash: the first characters, then asterisks. */
export function maskHash(hash: string, show = 6, char = '*'): string {
  return hash.slice(0, show) + char.repeat(Math.max(0, hash.length - show));
}

/** Split `encoded` on `$` into exactly `count` parts, or throw naming the hasher. */
export function splitHash(encoded: string, count: number, algorithm: string): string[] {
  const parts = encoded.split('$');
  if (parts.length !== count || parts[0] !== algorithm) {
    throw new InvalidPasswordHash(`Not a ${algorithm} hash: expected ${count} "$"-separated parts starting with "${algorithm}".`);
  }
  return parts;
}

export function parsePositiveInt(text: string | undefined, what: string, algorithm: string): number {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) throw new InvalidPasswordHash(`Malformed ${algorithm} hash: ${what} must be a whole number.`);
  const value = Number(text);
  if (value < 1) throw new InvalidPasswordHash(`Malformed ${algorithm} hash: ${what} must be at least 1.`);
  return value;
}

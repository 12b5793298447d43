import { getSettings, ImproperlyConfigured, settingsConfigured } from '@manouche/core';
import { authSettings } from '../settings';
import { InvalidPasswordHash, type PasswordHasher, type PasswordHasherSetting } from './hasher';
import { getRandomString } from './random';

/** Stored passwords starting with this can never match (Django's UNUSABLE_PASSWORD_PREFIX). */
export const UNUSABLE_PASSWORD_PREFIX = '!';
const UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40;

const instances = new WeakMap<readonly PasswordHasherSetting[], PasswordHasher[]>();

function instantiate(setting: PasswordHasherSetting, index: number): PasswordHasher {
  const hasher = typeof setting === 'function' ? new setting() : setting;
  if (!hasher || typeof hasher.encode !== 'function' || typeof hasher.verify !== 'function' || typeof hasher.algorithm !== 'string') {
    throw new ImproperlyConfigured(`PASSWORD_HASHERS[${index}] is not a password hasher (a PasswordHasher subclass or instance); got ${String(setting)}.`);
  }
  return hasher;
}

/** The configured hashers, the preferred one first (Django's `get_hashers()`). */
export function getHashers(): PasswordHasher[] {
  const setting = authSettings(settingsConfigured() ? getSettings() : {}).PASSWORD_HASHERS;
  let hashers = instances.get(setting);
  if (!hashers) {
    if (!Array.isArray(setting) || setting.length === 0) throw new ImproperlyConfigured('PASSWORD_HASHERS must be a non-empty list of password hashers.');
    hashers = setting.map(instantiate);
    instances.set(setting, hashers);
  }
  return hashers;
}

/** A hasher by algorithm name, or `default` for the preferred one. */
export function getHasher(algorithm: string | PasswordHasher = 'default'): PasswordHasher {
  if (typeof algorithm !== 'string') return algorithm;
  const hashers = getHashers();
  if (algorithm === 'default') return hashers[0]!;
  const found = hashers.find((h) => h.algorithm === algorithm);
  if (!found) {
    throw new InvalidPasswordHash(`Unknown password hashing algorithm ${JSON.stringify(algorithm)}. Did you specify it in PASSWORD_HASHERS? Configured: ${hashers.map((h) => h.algorithm).join(', ')}.`);
  }
  return found;
}

/** The hasher that made `encoded`, from its prefix (Django's `identify_hasher`). */
export function identifyHasher(encoded: string): PasswordHasher {
  const dollar = typeof encoded === 'string' ? encoded.indexOf('$') : -1;
  if (dollar <= 0) throw new InvalidPasswordHash('Not a stored password hash: it has no "<algorithm>$" prefix.');
  return getHasher(encoded.slice(0, dollar));
}

/** False for `null` and for hashes made by `makePassword(null)` (Django's `is_password_usable`). */
export function isPasswordUsable(encoded: string | null | undefined): boolean {
  return encoded === null || encoded === undefined || !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/**
 * Hash `password` for storage with the preferred hasher (or `hasher`).
 * `null` makes an unusable password (`!` and random characters).
 */
export async function makePassword(password: string | null, salt?: string, hasher: string | PasswordHasher = 'default'): Promise<string> {
  if (password === null) return UNUSABLE_PASSWORD_PREFIX + getRandomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH);
  if (typeof password !== 'string') throw new TypeError(`Password must be a string or null; got ${typeof password}.`);
  const chosen = getHasher(hasher);
  return chosen.encode(password, salt ?? chosen.salt());
}

/**
 * Whether `password` matches `encoded`, and whether the stored hash should be
 * replaced (Django's `verify_password`). A missing, unusable or unreadable
 * hash costs one hash with the preferred hasher, so a check against a user
 * that does not exist takes as long as against one that does.
 */
export async function verifyPassword(password: string | null | undefined, encoded: string | null | undefined, preferred: string | PasswordHasher = 'default'): Promise<{ isCorrect: boolean; mustUpdate: boolean }> {
  const preferredHasher = getHasher(preferred);
  let hasher: PasswordHasher | undefined;
  if (typeof password === 'string' && typeof encoded === 'string' && isPasswordUsable(encoded)) {
    try {
      hasher = identifyHasher(encoded);
      hasher.decode(encoded);
    } catch (error) {
      if (!(error instanceof InvalidPasswordHash)) throw error;
      hasher = undefined;
    }
  }
  if (!hasher || typeof password !== 'string' || typeof encoded !== 'string') {
    await makePassword(getRandomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH), undefined, preferredHasher);
    return { isCorrect: false, mustUpdate: false };
  }
  const hasherChanged = hasher.algorithm !== preferredHasher.algorithm;
  const mustUpdate = hasherChanged || preferredHasher.mustUpdate(encoded);
  const isCorrect = await hasher.verify(password, encoded);
  // same hasher, older work factor: spend the difference so the time does not tell the hash's age
  if (!isCorrect && !hasherChanged && mustUpdate) await hasher.hardenRuntime(password, encoded);
  return { isCorrect, mustUpdate };
}

/**
 * Django's `check_password`: true when `password` matches. When it does and
 * the hash is outdated (another preferred hasher, a higher work factor),
 * `setter(password)` is called to store a fresh hash.
 */
export async function checkPassword(
  password: string | null | undefined,
  encoded: string | null | undefined,
  setter?: (password: string) => unknown,
  preferred: string | PasswordHasher = 'default',
): Promise<boolean> {
  const { isCorrect, mustUpdate } = await verifyPassword(password, encoded, preferred);
  if (setter && isCorrect && mustUpdate) await setter(password as string);
  return isCorrect;
}

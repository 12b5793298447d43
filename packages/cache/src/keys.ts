import { InvalidCacheKey } from './errors';

/** Django's KEY_FUNCTION: turns a user key into the stored key. */
export type KeyFunction = (key: string, keyPrefix: string, version: number) => string;

/** Django's default: `<KEY_PREFIX>:<VERSION>:<key>`. */
export const defaultKeyFunction: KeyFunction = (key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`;

/** memcached's limit, which Django enforces for portable keys; Redis keys stay well inside it too. */
export const MAX_KEY_LENGTH = 250;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Refuse a stored key that is too long or holds control characters (which
 * would corrupt memcached's text protocol and make Redis keys unreadable in
 * logs). Checked on the made key, as Django does.
 */
export function validateKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) throw new InvalidCacheKey(key, `is ${key.length} characters long; the maximum is ${MAX_KEY_LENGTH}`);
  if (CONTROL_CHARACTERS.test(key)) throw new InvalidCacheKey(key, 'contains a control character (code points 0-31 and 127 are not allowed)');
}

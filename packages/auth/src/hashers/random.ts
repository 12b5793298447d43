import { randomInt } from 'node:crypto';

/** Django's RANDOM_STRING_CHARS. */
export const RANDOM_STRING_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Django's get_random_string: `length` characters drawn uniformly from `allowed` with a CSPRNG. */
export function getRandomString(length: number, allowed = RANDOM_STRING_CHARS): string {
  let out = '';
  for (let i = 0; i < length; i++) out += allowed[randomInt(allowed.length)];
  return out;
}

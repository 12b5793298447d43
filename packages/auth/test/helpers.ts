import { execFileSync } from 'node:child_process';
import { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher } from '../src/index';

export const SECRET_KEY = 'auth-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

/** One PBKDF2 iteration: Django's own tests use a cheap hasher too; the real work factors are tested where they are the point. */
export class FastHasher extends PBKDF2PasswordHasher {
  override readonly iterations: number = 1;
}

export class FastSHA1Hasher extends PBKDF2SHA1PasswordHasher {
  override readonly iterations: number = 1;
}

/** Run Python (hashlib) to compute an expectation independently of our code. */
export function python(source: string): string {
  return execFileSync('python3', ['-c', source], { encoding: 'utf8' }).trim();
}

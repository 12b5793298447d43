import { pbkdf2 } from 'node:crypto';
import { constantTimeCompare } from '@manouche/core';
import { promisify } from 'node:util';
import { PasswordHasher, parsePositiveInt, splitHash } from './hasher';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Django's PBKDF2PasswordHasher, the default: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`
 * with Django 5.2's 1,000,000 iterations. Runs in libuv's thread pool, off the event loop.
 * Subclass it to change the work factor (`override iterations = 1_200_000`).
 */
export class PBKDF2PasswordHasher extends PasswordHasher {
  readonly algorithm: string = 'pbkdf2_sha256';
  readonly iterations: number = 1_000_000;
  readonly digest: 'sha256' | 'sha1' = 'sha256';

  async encode(password: string, salt: string, iterations = this.iterations): Promise<string> {
    this.checkEncodeArgs(password, salt);
    const length = this.digest === 'sha256' ? 32 : 20;
    const hash = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), iterations, length, this.digest);
    return `${this.algorithm}$${iterations}$${salt}$${hash.toString('base64')}`;
  }

  decode(encoded: string): { algorithm: string; iterations: number; salt: string; hash: string } {
    const [algorithm, iterations, salt, hash] = splitHash(encoded, 4, this.algorithm);
    return { algorithm: algorithm!, iterations: parsePositiveInt(iterations, 'the iteration count', this.algorithm), salt: salt!, hash: hash! };
  }

  override async verify(password: string, encoded: string): Promise<boolean> {
    const { iterations, salt } = this.decode(encoded);
    return constantTimeCompare(encoded, await this.encode(password, salt, iterations));
  }

  override mustUpdate(encoded: string): boolean {
    const decoded = this.decode(encoded);
    return decoded.iterations !== this.iterations || this.mustUpdateSalt(decoded.salt);
  }

  override async hardenRuntime(password: string, encoded: string): Promise<void> {
    const { iterations, salt } = this.decode(encoded);
    const extra = this.iterations - iterations;
    if (extra > 0) await this.encode(password, salt, extra);
  }
}

/** Django's PBKDF2SHA1PasswordHasher: `pbkdf2_sha1$…`, verified for old databases. */
export class PBKDF2SHA1PasswordHasher extends PBKDF2PasswordHasher {
  override readonly algorithm: string = 'pbkdf2_sha1';
  override readonly digest: 'sha256' | 'sha1' = 'sha1';
}

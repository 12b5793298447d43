import { scrypt, type ScryptOptions } from 'node:crypto';
import { constantTimeCompare } from '@manouche/core';
import { PasswordHasher, parsePositiveInt, splitHash } from './hasher';

function scryptAsync(password: Buffer, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * Django's ScryptPasswordHasher: `scrypt$<n>$<salt>$<r>$<p>$<base64 hash>`
 * (n = 2^14, r = 8, p = 1, a 64-byte key). Runs in libuv's thread pool.
 */
export class ScryptPasswordHasher extends PasswordHasher {
  readonly algorithm: string = 'scrypt';
  readonly workFactor: number = 2 ** 14;
  readonly blockSize: number = 8;
  readonly parallelism: number = 1;

  async encode(password: string, salt: string, n = this.workFactor, r = this.blockSize, p = this.parallelism): Promise<string> {
    this.checkEncodeArgs(password, salt);
    // node refuses more than 32 MiB by default; allow what these parameters need (128·n·r·p) with room
    const hash = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), 64, { N: n, r, p, maxmem: 256 * n * r * p + 1024 * 1024 });
    return `${this.algorithm}$${n}$${salt}$${r}$${p}$${hash.toString('base64')}`;
  }

  decode(encoded: string): { algorithm: string; workFactor: number; salt: string; blockSize: number; parallelism: number; hash: string } {
    const [algorithm, n, salt, r, p, hash] = splitHash(encoded, 6, this.algorithm);
    return {
      algorithm: algorithm!,
      workFactor: parsePositiveInt(n, 'n', this.algorithm),
      salt: salt!,
      blockSize: parsePositiveInt(r, 'r', this.algorithm),
      parallelism: parsePositiveInt(p, 'p', this.algorithm),
      hash: hash!,
    };
  }

  override async verify(password: string, encoded: string): Promise<boolean> {
    const d = this.decode(encoded);
    return constantTimeCompare(encoded, await this.encode(password, d.salt, d.workFactor, d.blockSize, d.parallelism));
  }

  override mustUpdate(encoded: string): boolean {
    const d = this.decode(encoded);
    return d.workFactor !== this.workFactor || d.blockSize !== this.blockSize || d.parallelism !== this.parallelism;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { constantTimeCompare } from '@manouche/core';
import { InvalidPasswordHash, PasswordHasher } from './hasher';
import { hashingPool } from './worker-pool';

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SALT = /^\$(2[abxy])\$([0-9]{2})\$([./A-Za-z0-9]{22})/;

/** bcrypt's own base64 (no padding, its alphabet), as in its salts. */
function bcryptBase64(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += BCRYPT_ALPHABET[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += BCRYPT_ALPHABET[(value << (6 - bits)) & 63];
  return out;
}

function bcryptUnbase64(text: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const char of text) {
    value = ((value << 6) | BCRYPT_ALPHABET.indexOf(char)) & 0xffff;
    bits += 6;
    if (bits >= 8 && i < length) {
      bits -= 8;
      out[i++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Django's BCryptSHA256PasswordHasher: `bcrypt_sha256$$2b$12$<salt><hash>`.
 * The password is first hashed with SHA-256 (hex), so bcrypt's 72-byte limit
 * never truncates it. Computed by hash-wasm in a worker thread.
 */
export class BCryptSHA256PasswordHasher extends PasswordHasher {
  readonly algorithm: string = 'bcrypt_sha256';
  readonly digest: 'sha256' | null = 'sha256';
  readonly rounds: number = 12;

  /** bcrypt's salt string: `$2b$<rounds>$<22 characters>`. */
  override salt(): string {
    return `$2b$${String(this.rounds).padStart(2, '0')}$${bcryptBase64(randomBytes(16))}`;
  }

  async encode(password: string, salt: string): Promise<string> {
    if (typeof password !== 'string') throw new TypeError(`A password must be a string; got ${password === null ? 'null' : typeof password}.`);
    const match = SALT.exec(salt);
    if (!match) throw new InvalidPasswordHash(`A bcrypt salt looks like "$2b$12$" and 22 characters of ./A-Za-z0-9; got ${JSON.stringify(salt.slice(0, 29))}.`);
    const cost = Number(match[2]);
    if (cost < 4 || cost > 31) throw new InvalidPasswordHash(`bcrypt rounds must be from 4 to 31; got ${cost}.`);
    // bcrypt reads at most 72 bytes; the SHA-256 variant feeds it 64 hex characters
    const input = this.digest ? createHash(this.digest).update(password, 'utf8').digest('hex') : Buffer.from(password, 'utf8').subarray(0, 72);
    const encoded = (await hashingPool().run('bcrypt', { password: input, salt: bcryptUnbase64(match[3]!, 16), costFactor: cost, outputType: 'encoded' })) as string;
    // hash-wasm writes $2a$; for inputs under 255 bytes $2a$, $2b$ and $2y$ compute the same hash
    return `${this.algorithm}$$${match[1]}${encoded.slice(3)}`;
  }

  decode(encoded: string): { algorithm: string; algostr: string; workFactor: number; salt: string; checksum: string } {
    const prefix = `${this.algorithm}$`;
    const data = encoded.startsWith(prefix) ? encoded.slice(prefix.length) : '';
    const match = /^\$(2[abxy])\$([0-9]{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(data);
    if (!match) throw new InvalidPasswordHash(`Not a ${this.algorithm} hash: expected "${prefix}$2b$<rounds>$<53 characters>".`);
    return { algorithm: this.algorithm, algostr: match[1]!, workFactor: Number(match[2]), salt: match[3]!, checksum: match[4]! };
  }

  override async verify(password: string, encoded: string): Promise<boolean> {
    this.decode(encoded);
    return constantTimeCompare(encoded, await this.encode(password, encoded.slice(this.algorithm.length + 1)));
  }

  override mustUpdate(encoded: string): boolean {
    return this.decode(encoded).workFactor !== this.rounds;
  }

  override async hardenRuntime(password: string, encoded: string): Promise<void> {
    const { workFactor } = this.decode(encoded);
    const salt = encoded.slice(this.algorithm.length + 1, this.algorithm.length + 30);
    // the work factor is logarithmic: each round less halves the time
    for (let extra = 2 ** (this.rounds - workFactor) - 1; extra > 0; extra--) await this.encode(password, salt);
  }
}

/**
 * Django's BCryptPasswordHasher (`bcrypt$…`): plain bcrypt, whose input stops
 * at 72 bytes. Only for verifying old hashes; prefer the SHA-256 variant.
 */
export class BCryptPasswordHasher extends BCryptSHA256PasswordHasher {
  override readonly algorithm: string = 'bcrypt';
  override readonly digest: 'sha256' | null = null;
}

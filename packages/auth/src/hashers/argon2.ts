import { timingSafeEqual } from 'node:crypto';
import { InvalidPasswordHash, PasswordHasher, parsePositiveInt } from './hasher';
import { hashingPool } from './worker-pool';

type Variety = 'argon2id' | 'argon2i' | 'argon2d';
const VARIETIES: readonly string[] = ['argon2id', 'argon2i', 'argon2d'];

export interface Argon2Decoded {
  algorithm: string;
  variety: Variety;
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  salt: string;
  hash: string;
}

/**
 * Django's Argon2PasswordHasher with its parameters (Argon2id, t = 2,
 * m = 102,400 KiB, p = 8, a 32-byte hash), stored as
 * `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>` like argon2-cffi
 * writes it. Computed by hash-wasm in a worker thread, off the event loop.
 * Hashes of Argon2 version 1.0 (`v=16`, before 2016) cannot be verified.
 */
export class Argon2PasswordHasher extends PasswordHasher {
  readonly algorithm: string = 'argon2';
  readonly timeCost: number = 2;
  readonly memoryCost: number = 102_400;
  readonly parallelism: number = 8;
  readonly hashLength: number = 32;

  async encode(password: string, salt: string): Promise<string> {
    this.checkEncodeArgs(password, salt);
    const encoded = await hashingPool().run('argon2id', {
      password,
      salt: Buffer.from(salt, 'utf8'),
      iterations: this.timeCost,
      memorySize: this.memoryCost,
      parallelism: this.parallelism,
      hashLength: this.hashLength,
      outputType: 'encoded',
    });
    return `${this.algorithm}${encoded as string}`;
  }

  decode(encoded: string): Argon2Decoded {
    const parts = encoded.split('$');
    if (parts[0] !== this.algorithm || parts.length !== 6) {
      throw new InvalidPasswordHash(`Not an argon2 hash this hasher can read: expected "argon2$<variety>$v=19$m=…,t=…,p=…$<salt>$<hash>".`);
    }
    const [, variety, versionPart, paramPart, salt, hash] = parts as [string, string, string, string, string, string];
    if (!VARIETIES.includes(variety)) throw new InvalidPasswordHash(`Unknown Argon2 variety ${JSON.stringify(variety)}; expected one of ${VARIETIES.join(', ')}.`);
    const version = /^v=([0-9]+)$/.exec(versionPart);
    const params = /^m=([0-9]+),t=([0-9]+),p=([0-9]+)$/.exec(paramPart);
    if (!version || !params || !/^[A-Za-z0-9+/]+$/.test(salt) || !/^[A-Za-z0-9+/]+$/.test(hash)) throw new InvalidPasswordHash('Malformed argon2 hash.');
    if (version[1] !== '19') throw new InvalidPasswordHash(`Argon2 version ${version[1]} hashes are not supported (only v=19, Argon2 1.3).`);
    const memoryCost = parsePositiveInt(params[1], 'm', this.algorithm);
    // a stored hash asking for more than 4 GiB is corrupt, not a reason to exhaust memory
    if (memoryCost > 4 * 1024 * 1024) throw new InvalidPasswordHash(`Malformed argon2 hash: m=${memoryCost} KiB is more than 4 GiB.`);
    return {
      algorithm: this.algorithm,
      variety: variety as Variety,
      version: Number(version[1]),
      memoryCost,
      timeCost: parsePositiveInt(params[2], 't', this.algorithm),
      parallelism: parsePositiveInt(params[3], 'p', this.algorithm),
      salt: Buffer.from(salt, 'base64').toString('latin1'),
      hash,
    };
  }

  override async verify(password: string, encoded: string): Promise<boolean> {
    const d = this.decode(encoded);
    const expected = Buffer.from(d.hash, 'base64');
    const actual = await hashingPool().run(d.variety, {
      password,
      salt: Buffer.from(d.salt, 'latin1'),
      iterations: d.timeCost,
      memorySize: d.memoryCost,
      parallelism: d.parallelism,
      hashLength: expected.length,
      outputType: 'binary',
    });
    const bytes = Buffer.from(actual as Uint8Array);
    return bytes.length === expected.length && timingSafeEqual(bytes, expected);
  }

  override mustUpdate(encoded: string): boolean {
    const d = this.decode(encoded);
    return (
      d.variety !== 'argon2id' ||
      d.timeCost !== this.timeCost ||
      d.memoryCost !== this.memoryCost ||
      d.parallelism !== this.parallelism ||
      Buffer.from(d.hash, 'base64').length !== this.hashLength ||
      this.mustUpdateSalt(d.salt)
    );
  }
}

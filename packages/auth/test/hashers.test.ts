import { configure } from '@manouche/core';
import {
  Argon2PasswordHasher,
  BCryptPasswordHasher,
  BCryptSHA256PasswordHasher,
  checkPassword,
  closeHashingPool,
  getHasher,
  identifyHasher,
  InvalidPasswordHash,
  isPasswordUsable,
  makePassword,
  PBKDF2PasswordHasher,
  PBKDF2SHA1PasswordHasher,
  ScryptPasswordHasher,
  verifyPassword,
} from '../src/index';
import { FastHasher, FastSHA1Hasher, python, SECRET_KEY } from './helpers';

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** Argon2 with the reference implementation's test parameters (phc-winner-argon2 src/test.c). */
class ReferenceArgon2 extends Argon2PasswordHasher {
  override readonly memoryCost: number = 65536;
  override readonly parallelism: number = 1;
}

afterAll(() => closeHashingPool());

describe('PBKDF2', () => {
  it.each([
    [1, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
    [2, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
    [4096, '4b007901b765489abead49d926f721d065a429c1'],
  ])('matches RFC 6070 PBKDF2-HMAC-SHA1 with c=%i', async (iterations, hex) => {
    expect(await new PBKDF2SHA1PasswordHasher().encode('password', 'salt', iterations)).toBe(`pbkdf2_sha1$${iterations}$salt$${b64(hex)}`);
  });

  it('matches the RFC 7914 PBKDF2-HMAC-SHA256 vector (its first 32 bytes: Django keeps the digest size)', async () => {
    const expected = '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc';
    expect(await new PBKDF2PasswordHasher().encode('passwd', 'salt', 1)).toBe(`pbkdf2_sha256$1$salt$${b64(expected)}`);
  });

  it('writes exactly what Django writes (computed independently with Python hashlib)', async () => {
    const password = 'correct horse battery staple ✓';
    const salt = 'seasalt0123456789ABCDE';
    const expected = python(
      `import hashlib,base64;print("pbkdf2_sha256$%d$%s$%s"%(2000,"${salt}",base64.b64encode(hashlib.pbkdf2_hmac("sha256","${password}".encode(),"${salt}".encode(),2000)).decode()))`,
    );
    expect(await new PBKDF2PasswordHasher().encode(password, salt, 2000)).toBe(expected);
    expect(await new PBKDF2PasswordHasher().verify(password, expected)).toBe(true);
    expect(await new PBKDF2PasswordHasher().verify(`${password}!`, expected)).toBe(false);
  });

  it("defaults to Django 5.2's 1,000,000 iterations and a 22-character salt", async () => {
    const hasher = new PBKDF2PasswordHasher();
    expect(hasher.iterations).toBe(1_000_000);
    const encoded = await hasher.encode('secret', hasher.salt());
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await hasher.verify('secret', encoded)).toBe(true);
    expect(hasher.mustUpdate(encoded)).toBe(false);
    expect(hasher.mustUpdate('pbkdf2_sha256$600000$seasalt0123456789ABCDE$aGFzaA==')).toBe(true);
  });

  it('refuses salts with "$" and malformed hashes', async () => {
    await expect(new FastHasher().encode('pw', 'bad$salt')).rejects.toThrow(InvalidPasswordHash);
    expect(() => new FastHasher().decode('pbkdf2_sha256$lots$salt$hash')).toThrow(/iteration count/);
  });
});

describe('scrypt', () => {
  it('matches the RFC 7914 scrypt vector', async () => {
    const hex = 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';
    expect(await new ScryptPasswordHasher().encode('password', 'NaCl', 1024, 8, 16)).toBe(`scrypt$1024$NaCl$8$16$${b64(hex)}`);
  });

  it("writes Django's format with Django's parameters (Python hashlib as the reference)", async () => {
    const salt = 'pepper0123456789ABCDEF';
    const expected = python(
      `import hashlib,base64;print("scrypt$%d$%s$%d$%d$%s"%(16384,"${salt}",8,1,base64.b64encode(hashlib.scrypt(b"hunter2",salt=b"${salt}",n=16384,r=8,p=1,dklen=64)).decode()))`,
    );
    const hasher = new ScryptPasswordHasher();
    expect(await hasher.encode('hunter2', salt)).toBe(expected);
    expect(await hasher.verify('hunter2', expected)).toBe(true);
    expect(await hasher.verify('hunter3', expected)).toBe(false);
    expect(hasher.mustUpdate(expected)).toBe(false);
    expect(hasher.mustUpdate(expected.replace('$8$1$', '$8$2$'))).toBe(true);
  });
});

describe('Argon2id', () => {
  const reference = 'argon2$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';

  it("reproduces the reference implementation's Argon2id vector in Django's format", async () => {
    expect(await new ReferenceArgon2().encode('password', 'somesalt')).toBe(reference);
  });

  it('verifies reference vectors with other parameters, and refuses wrong passwords', async () => {
    const hasher = new Argon2PasswordHasher();
    expect(await hasher.verify('password', reference)).toBe(true);
    expect(await hasher.verify('differentpassword', reference)).toBe(false);
    expect(await hasher.verify('password', 'argon2$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc')).toBe(true);
    expect(await hasher.verify('differentpassword', 'argon2$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94')).toBe(true);
    expect(await hasher.verify('password', 'argon2$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA')).toBe(true);
  });

  it("hashes with Django's parameters, off the event loop", async () => {
    const hasher = new Argon2PasswordHasher();
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const encoded = await hasher.encode('secret', hasher.salt());
    const took = performance.now() - started;
    clearInterval(timer);
    expect(encoded).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$/);
    expect(hasher.mustUpdate(encoded)).toBe(false);
    expect(hasher.mustUpdate(reference)).toBe(true);
    // the hash took hundreds of milliseconds; the event loop kept ticking meanwhile
    expect(took).toBeGreaterThan(50);
    expect(longestGap).toBeLessThan(Math.max(60, took / 3));
  });

  it('refuses version 1.0 hashes and absurd memory costs as unreadable', () => {
    const hasher = new Argon2PasswordHasher();
    expect(() => hasher.decode('argon2$argon2i$v=16$m=8,t=1,p=1$c29tZXNhbHQ$aGFzaA')).toThrow(/version 16/);
    expect(() => hasher.decode('argon2$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$aGFzaA')).toThrow(/4 GiB/);
  });
});

describe('bcrypt', () => {
  it.each([
    ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
    ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
    ['U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'],
  ])('matches the crypt_blowfish vector for %s', async (password, hash) => {
    expect(await new BCryptPasswordHasher().encode(password, hash.slice(0, 29))).toBe(`bcrypt$${hash}`);
    expect(await new BCryptPasswordHasher().verify(password, `bcrypt$${hash}`)).toBe(true);
  });

  it('bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password, in Django’s format', async () => {
    const sha = new BCryptSHA256PasswordHasher();
    const salt = sha.salt();
    expect(salt).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{22}$/);
    const cheap = '$2b$05$CCCCCCCCCCCCCCCCCCCCC.';
    const hex = python('import hashlib;print(hashlib.sha256("pässword".encode()).hexdigest())');
    const plain = await new BCryptPasswordHasher().encode(hex, cheap);
    const encoded = await sha.encode('pässword', cheap);
    expect(encoded).toBe(`bcrypt_sha256$${plain.slice('bcrypt$'.length)}`);
    expect(encoded).toMatch(/^bcrypt_sha256\$\$2b\$05\$/);
    expect(await sha.verify('pässword', encoded)).toBe(true);
    expect(await sha.verify('password', encoded)).toBe(false);
    expect(sha.mustUpdate(encoded)).toBe(true);
    expect(sha.decode(encoded)).toMatchObject({ algostr: '2b', workFactor: 5, salt: 'CCCCCCCCCCCCCCCCCCCCC.' });
  });
});

describe('makePassword / checkPassword with PASSWORD_HASHERS', () => {
  beforeAll(() => {
    configure({ DEBUG: true, SECRET_KEY, PASSWORD_HASHERS: [FastHasher, FastSHA1Hasher, ScryptPasswordHasher] });
  });

  it('hashes with the first hasher and verifies with any of them', async () => {
    const encoded = await makePassword('s3cret');
    expect(encoded.startsWith('pbkdf2_sha256$1$')).toBe(true);
    expect(identifyHasher(encoded)).toBeInstanceOf(FastHasher);
    expect(await checkPassword('s3cret', encoded)).toBe(true);
    const old = await makePassword('s3cret', 'fixedsalt', 'pbkdf2_sha1');
    expect(await checkPassword('s3cret', old)).toBe(true);
    expect(await checkPassword('nope', old)).toBe(false);
    expect(getHasher('scrypt')).toBeInstanceOf(ScryptPasswordHasher);
    expect(() => getHasher('argon2')).toThrow(/Unknown password hashing algorithm "argon2"/);
  });

  it('calls the setter with the password when a correct hash is outdated (transparent upgrade)', async () => {
    const setter = jest.fn();
    const old = await makePassword('s3cret', 'fixedsalt', 'pbkdf2_sha1');
    expect(await verifyPassword('s3cret', old)).toEqual({ isCorrect: true, mustUpdate: true });
    expect(await checkPassword('s3cret', old, setter)).toBe(true);
    expect(setter).toHaveBeenCalledWith('s3cret');
    setter.mockClear();
    expect(await checkPassword('wrong', old, setter)).toBe(false);
    expect(await checkPassword('s3cret', await makePassword('s3cret'), setter)).toBe(true);
    expect(setter).not.toHaveBeenCalled();
  });

  it('makes unusable passwords, and never matches them, null, or garbage', async () => {
    const unusable = await makePassword(null);
    expect(unusable).toMatch(/^![A-Za-z0-9]{40}$/);
    expect(isPasswordUsable(unusable)).toBe(false);
    expect(isPasswordUsable(null)).toBe(true);
    for (const stored of [unusable, null, '', 'garbage', 'md5$salt$hash', 'pbkdf2_sha256$x$y']) expect(await checkPassword('anything', stored)).toBe(false);
    expect(await checkPassword(null, await makePassword('x'))).toBe(false);
  });

  it('hardens the runtime of a failed check against a hash with fewer iterations', async () => {
    const weaker = await new PBKDF2PasswordHasher().encode('pw', 'somesaltsomesaltsomesa', 1);
    const stronger = new (class extends PBKDF2PasswordHasher {
      override readonly iterations: number = 5;
    })();
    configure({ DEBUG: true, SECRET_KEY, PASSWORD_HASHERS: [stronger] });
    const harden = jest.spyOn(stronger, 'encode');
    expect(await checkPassword('wrong', weaker)).toBe(false);
    // the check itself (1 iteration), then the 4 missing iterations
    expect(harden.mock.calls.map((call) => call[2])).toEqual([1, 4]);
    harden.mockClear();
    expect(await checkPassword('wrong', await stronger.encode('pw', 'somesaltsomesaltsomesa'))).toBe(false);
    expect(harden.mock.calls.map((call) => call[2])).toEqual([undefined, 5]);
  });
});

import { execFileSync } from 'node:child_process';
import { BadSignature, constantTimeCompare, dumps, loads, saltedHmac, Signer, SignatureExpired, TimestampSigner } from '../src/index';

// the module object itself (not an import's copy of it), so a spy sees the signer's calls
const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');

/** The same computation in Python's standard library, following django/core/signing.py. */
function djangoSignature(value: string, key: string, salt: string): string {
  const script = `
import base64, hashlib, hmac, sys
value, key, salt = sys.argv[1:4]
k = hashlib.sha256((salt + 'signer' + key).encode()).digest()
print(base64.urlsafe_b64encode(hmac.new(k, value.encode(), hashlib.sha256).digest()).strip(b'=').decode())
`;
  return execFileSync('python3', ['-c', script, value, key, salt]).toString().trim();
}

describe('constantTimeCompare', () => {
  it('compares with crypto.timingSafeEqual, also when the lengths differ (the time reveals neither)', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(constantTimeCompare('secret-token', 'secret-token')).toBe(true);
      expect(constantTimeCompare('secret-token', 'secret-tokeN')).toBe(false);
      expect(constantTimeCompare('secret-token', 'short')).toBe(false);
      expect(constantTimeCompare('', '')).toBe(true);
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('Signer', () => {
  const key = 'a-signing-key-for-tests';

  it("produces Django's signatures (checked against an independent implementation)", () => {
    const signer = new Signer({ key, salt: 'django.core.signing.Signer' });
    expect(signer.sign('hello')).toBe(`hello:${djangoSignature('hello', key, 'django.core.signing.Signer')}`);
  });

  it('round-trips and rejects tampering', () => {
    const signer = new Signer({ key });
    const signed = signer.sign('user:42');
    expect(signer.unsign(signed)).toBe('user:42');
    expect(() => signer.unsign(signed.replace('42', '43'))).toThrow(BadSignature);
    expect(() => signer.unsign('no separator')).toThrow(BadSignature);
    expect(() => new Signer({ key, salt: 'other' }).unsign(signed)).toThrow(BadSignature);
  });

  it('accepts signatures from SECRET_KEY_FALLBACKS (key rotation)', () => {
    const old = new Signer({ key: 'old-key' }).sign('v');
    expect(new Signer({ key: 'new-key', fallbackKeys: ['old-key'] }).unsign(old)).toBe('v');
    expect(() => new Signer({ key: 'new-key' }).unsign(old)).toThrow(BadSignature);
  });

  it('refuses an unsafe separator', () => {
    expect(() => new Signer({ key, sep: 'a' })).toThrow(/Unsafe Signer separator/);
  });

  it('matches saltedHmac', () => {
    expect(saltedHmac('s', 'v', 'k').toString('hex')).toHaveLength(64);
  });
});

describe('TimestampSigner', () => {
  it('expires signatures after maxAge', () => {
    const signer = new TimestampSigner({ key: 'k' });
    const now = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now - 120_000);
    const signed = signer.sign('v');
    spy.mockRestore();
    expect(signer.unsign(signed, 300)).toBe('v');
    expect(() => signer.unsign(signed, 60)).toThrow(SignatureExpired);
  });

  it('is not interchangeable with Signer (different default salt)', () => {
    const signed = new TimestampSigner({ key: 'k' }).sign('v');
    expect(() => new Signer({ key: 'k' }).unsign(signed)).toThrow(BadSignature);
  });
});

describe('dumps/loads', () => {
  it('round-trips JSON, compressed or not', () => {
    const data = { user: 1, roles: ['a', 'b'], text: 'x'.repeat(200) };
    expect(loads(dumps(data, { key: 'k' }), { key: 'k' })).toEqual(data);
    const compressed = dumps(data, { key: 'k', compress: true });
    expect(compressed.startsWith('.')).toBe(true);
    expect(loads(compressed, { key: 'k' })).toEqual(data);
    expect(() => loads(compressed, { key: 'other' })).toThrow(BadSignature);
  });
});

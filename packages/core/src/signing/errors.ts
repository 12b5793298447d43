/** The signature does not match: the value was tampered with or signed with another key/salt. */
export class BadSignature extends Error {
  constructor(message = 'Signature does not match') {
    super(message);
    this.name = 'BadSignature';
  }
}

/** The signature is valid but older than `maxAge`. */
export class SignatureExpired extends BadSignature {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureExpired';
  }
}

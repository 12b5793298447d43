/** A header name or value that would allow response splitting. */
export class BadHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadHeaderError';
  }
}

// eslint-disable-next-line no-control-regex
const UNSAFE_VALUE = /[\r\n\u0000]/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type HeaderValue = string | string[];

/**
 * Response headers, case-insensitive. Names are stored lower-case, which is
 * what node writes fastest and what HTTP/2 requires anyway.
 */
export class ResponseHeaders implements Iterable<[string, HeaderValue]> {
  private readonly values: Record<string, HeaderValue> = {};

  constructor(init?: Record<string, string | number | string[]>) {
    if (init) for (const key of Object.keys(init)) this.set(key, init[key]!);
  }


  set(name: string, value: string | number | string[]): this {
    const key = name.toLowerCase();
    if (!HEADER_NAME.test(key)) throw new BadHeaderError(`Invalid header name ${JSON.stringify(name)}`);
    if (Array.isArray(value)) {
      for (const v of value) checkValue(key, v);
      this.values[key] = [...value];
    } else {
      const text = typeof value === 'number' ? String(value) : value;
      checkValue(key, text);
      this.values[key] = text;
    }
    return this;
  }

  /**
   * Set a header whose name is a known-good lower-case literal and whose value
   * is known to be safe (a constant, or computed by the caller): skips the
   * validation `set()` does, for middleware on the hot path.
   */
  setTrusted(key: string, value: HeaderValue): void {
    this.values[key] = value;
  }

  /** Set only when absent (Django's `setdefault`). */
  setDefault(name: string, value: string | number): this {
    if (!this.has(name)) this.set(name, value);
    return this;
  }

  /** Add another value for a header that may repeat. */
  append(name: string, value: string): this {
    const key = name.toLowerCase();
    checkValue(key, value);
    const current = this.values[key];
    if (current === undefined) this.values[key] = value;
    else this.values[key] = Array.isArray(current) ? [...current, value] : [current, value];
    return this;
  }

  get(name: string): string | undefined {
    const v = this.values[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  has(name: string): boolean {
    return this.values[name.toLowerCase()] !== undefined;
  }

  delete(name: string): boolean {
    const key = name.toLowerCase();
    const had = this.values[key] !== undefined;
    delete this.values[key];
    return had;
  }

  *[Symbol.iterator](): IterableIterator<[string, HeaderValue]> {
    for (const key of Object.keys(this.values)) yield [key, this.values[key]!];
  }

  /** The underlying object, for writing to node's ServerResponse. Do not mutate. */
  raw(): Readonly<Record<string, HeaderValue>> {
    return this.values;
  }
}

/** Throw BadHeaderError when `value` could split the response; returns it otherwise. */
export function assertSafeHeaderValue(name: string, value: string): string {
  checkValue(name, value);
  return value;
}

function checkValue(name: string, value: string): void {
  if (UNSAFE_VALUE.test(value)) {
    throw new BadHeaderError(`Header ${name} contains a newline or NUL in ${JSON.stringify(value)}; refused to prevent header injection`);
  }
}

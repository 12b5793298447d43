import { BadHeaderError } from './headers';

/** Parse a Cookie header into name → value. Malformed pairs are skipped, never fatal. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (!header) return cookies;
  for (const chunk of header.split(';')) {
    const eq = chunk.indexOf('=');
    const name = (eq === -1 ? '' : chunk.slice(0, eq)).trim();
    if (!name || name in cookies) continue; // the first (most specific path) wins
    let value = chunk.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the raw value: a cookie another app wrote is not ours to reject
      }
    }
    cookies[name] = value;
  }
  return cookies;
}

export type SameSite = 'Lax' | 'Strict' | 'None' | false;

export interface CookieOptions {
  /** Seconds until expiry; `0` expires now. */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  /** Defaults to "the request is HTTPS". */
  secure?: boolean;
  /** Defaults to true: scripts cannot read the cookie. */
  httpOnly?: boolean;
  /** Defaults to Lax. */
  sameSite?: SameSite;
  partitioned?: boolean;
}

export interface Cookie extends CookieOptions {
  name: string;
  value: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const COOKIE_OCTETS = /^[\u0021\u0023-\u002b\u002d-\u003a\u003c-\u005b\u005d-\u007e]*$/;

/** Check a cookie before it is stored on a response, so a bad one fails where it was set. */
export function validateCookie(name: string, value: string, options: CookieOptions): void {
  if (!TOKEN.test(name)) throw new BadHeaderError(`Invalid cookie name ${JSON.stringify(name)}: use letters, digits and !#$%&'*+-.^_\`|~`);
  if (CONTROL.test(value)) {
    throw new BadHeaderError(`Cookie ${name} has a control character (CR, LF, NUL…) in its value ${JSON.stringify(value)}; refused to prevent header injection`);
  }
  for (const attr of ['path', 'domain'] as const) {
    const v = options[attr];
    if (v !== undefined && (CONTROL.test(v) || v.includes(';'))) {
      throw new BadHeaderError(`Cookie ${name} has an invalid ${attr} ${JSON.stringify(v)}`);
    }
  }
  if (options.sameSite === 'None' && options.secure === false) {
    throw new BadHeaderError(`Cookie ${name}: SameSite=None requires secure: true (browsers reject it otherwise)`);
  }
}

/** Serialise for a Set-Cookie header; `secureDefault` is whether the request came over HTTPS. */
export function serializeCookie(cookie: Cookie, secureDefault: boolean): string {
  const value = COOKIE_OCTETS.test(cookie.value) ? cookie.value : encodeURIComponent(cookie.value);
  let out = `${cookie.name}=${value}`;
  if (cookie.maxAge !== undefined) {
    out += `; Max-Age=${Math.floor(cookie.maxAge)}`;
    const expires = cookie.expires ?? new Date(Date.now() + cookie.maxAge * 1000);
    out += `; Expires=${expires.toUTCString()}`;
  } else if (cookie.expires) {
    out += `; Expires=${cookie.expires.toUTCString()}`;
  }
  out += `; Path=${cookie.path ?? '/'}`;
  if (cookie.domain) out += `; Domain=${cookie.domain}`;
  if (cookie.secure ?? secureDefault) out += '; Secure';
  if (cookie.httpOnly ?? true) out += '; HttpOnly';
  const sameSite = cookie.sameSite === undefined ? 'Lax' : cookie.sameSite;
  if (sameSite) out += `; SameSite=${sameSite}`;
  if (cookie.partitioned) out += '; Partitioned';
  return out;
}

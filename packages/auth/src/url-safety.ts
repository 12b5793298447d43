/**
 * Django's `url_has_allowed_host_and_scheme`: whether redirecting to `url`
 * keeps the user on one of `allowedHosts` (an empty host means this site).
 * Refuses what browsers read as another site even when a URL parser would
 * not: `//evil.com`, `///evil.com`, `\\evil.com`, `/\evil.com`,
 * `http:///evil.com`, leading control characters, tabs and newlines inside
 * the scheme or slashes, `javascript:`.
 */
export function urlHasAllowedHostAndScheme(url: string | null | undefined, allowedHosts: Iterable<string> | string | null | undefined, requireHttps = false): boolean {
  const trimmed = typeof url === 'string' ? url.trim() : '';
  if (!trimmed) return false;
  const hosts = new Set(typeof allowedHosts === 'string' ? [allowedHosts] : (allowedHosts ?? []));
  // Chrome treats \ as / in paths, but it could be part of some basic auth credentials: check both
  return isAllowed(trimmed, hosts, requireHttps) && isAllowed(trimmed.replace(/\\/g, '/'), hosts, requireHttps);
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// WHATWG URL parsing (and Python's urlsplit) drop tabs and newlines anywhere, and C0 controls and spaces at the ends
const UNSAFE_BYTES = /[\t\r\n]/g;
// eslint-disable-next-line no-control-regex
const LEADING_C0_OR_SPACE = /^[\u0000-\u0020]+/;

interface SplitUrl {
  scheme: string;
  netloc: string;
}

/** Python's `urllib.parse.urlsplit()`, for the scheme and the network location; null where it raises. */
function urlsplit(input: string): SplitUrl | null {
  let url = input.replace(LEADING_C0_OR_SPACE, '').replace(UNSAFE_BYTES, '');
  let scheme = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = '';
  if (url.startsWith('//')) {
    const rest = url.slice(2);
    const end = rest.search(/[/?#]/);
    netloc = end === -1 ? rest : rest.slice(0, end);
    const open = netloc.includes('[');
    const close = netloc.includes(']');
    if (open !== close) return null;
    if (open && !/\[[0-9A-Fa-f:.]+(%[^\]]*)?\]/.test(netloc)) return null;
  }
  return { scheme, netloc };
}

/** Unicode category C (control, format, surrogate, private use, unassigned). */
const CATEGORY_C = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

function isAllowed(url: string, allowedHosts: Set<string>, requireHttps: boolean): boolean {
  // Chrome considers any URL with more than two slashes absolute
  if (url.startsWith('///')) return false;
  const info = urlsplit(url);
  if (!info) return false;
  // http:///example.com: a scheme without a host, which Chrome reads as host example.com
  if (!info.netloc && info.scheme) return false;
  // some browsers ignore control characters at the start and would see a scheme-relative URL
  if (CATEGORY_C.test(url)) return false;
  const scheme = !info.scheme && info.netloc ? 'http' : info.scheme;
  const validSchemes = requireHttps ? ['https'] : ['http', 'https'];
  return (!info.netloc || allowedHosts.has(info.netloc)) && (!scheme || validSchemes.includes(scheme));
}

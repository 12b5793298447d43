import { ImproperlyConfigured } from '@manouche/core';

/**
 * Django's `is_same_domain`: `pattern` is a host (`example.com:8000`) or,
 * with a leading dot, that domain and all its subdomains.
 */
export function isSameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  return p === h || (p.startsWith('.') && (h.endsWith(p) || h === p.slice(1)));
}

/** CSRF_TRUSTED_ORIGINS, compiled once: exact origins, wildcard domains by scheme, and hosts for the Referer check. */
export class TrustedOrigins {
  readonly exact: ReadonlySet<string>;
  private readonly wildcards: ReadonlyMap<string, readonly string[]>;
  /** Each origin's `host:port`, a leading `*` kept as `.`: what a Referer may match. */
  readonly hosts: readonly string[];

  constructor(origins: readonly string[]) {
    const exact = new Set<string>();
    const wildcards = new Map<string, string[]>();
    const hosts: string[] = [];
    for (const origin of origins) {
      const match = typeof origin === 'string' ? /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)$/i.exec(origin.replace(/\/$/, '')) : null;
      if (!match) {
        throw new ImproperlyConfigured(
          `CSRF_TRUSTED_ORIGINS entries must be origins with a scheme, like "https://example.com" or "https://*.example.com"; got ${JSON.stringify(origin)}.`,
        );
      }
      const scheme = match[1]!.toLowerCase();
      const netloc = match[2]!.toLowerCase();
      const host = netloc.replace(/^\*+/, '');
      hosts.push(host);
      if (netloc.includes('*')) {
        if (!host.startsWith('.') || host.includes('*')) {
          throw new ImproperlyConfigured(`CSRF_TRUSTED_ORIGINS: a wildcard must be a whole leading label, like "https://*.example.com"; got ${JSON.stringify(origin)}.`);
        }
        wildcards.set(scheme, [...(wildcards.get(scheme) ?? []), host]);
      } else {
        exact.add(`${scheme}://${netloc}`);
      }
    }
    this.exact = exact;
    this.wildcards = wildcards;
    this.hosts = hosts;
  }

  /** Is this Origin header one of CSRF_TRUSTED_ORIGINS (exactly, or under a wildcard)? */
  includes(origin: string): boolean {
    if (this.exact.has(origin)) return true;
    if (this.wildcards.size === 0) return false;
    const parsed = parseOrigin(origin);
    return parsed !== null && (this.wildcards.get(parsed.scheme) ?? []).some((pattern) => isSameDomain(parsed.netloc, pattern));
  }
}

/**
 * `scheme` and `host[:port]` of a URL, or null when malformed. User info and
 * backslashes are refused rather than parsed: `https://good.com@evil.com/`
 * and `https://evil.com\good.com/` must never look like good.com.
 */
export function parseOrigin(url: string): { scheme: string; netloc: string } | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  const netloc = match?.[2];
  if (!netloc || /[@\\\s]/.test(netloc)) return null;
  return { scheme: match[1]!.toLowerCase(), netloc: netloc.toLowerCase() };
}

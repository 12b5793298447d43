/** Django's host_validation_re: a DNS name or a bracketed IPv6 address, then an optional port. */
const HOST_PATTERN = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$/;

/** Split `example.com:8000` into its domain and port; an invalid host gives an empty domain. */
export function splitDomainPort(host: string): [domain: string, port: string] {
  const lower = host.toLowerCase();
  const match = HOST_PATTERN.exec(lower);
  if (!match) return ['', ''];
  let domain = match[1]!;
  if (domain.endsWith('.')) domain = domain.slice(0, -1); // "example.com." is example.com
  return [domain, match[2] ?? ''];
}

/**
 * Does `domain` match one of the ALLOWED_HOSTS patterns? `*` matches any,
 * `.example.com` matches example.com and all its subdomains, anything else
 * must match exactly (case-insensitive).
 */
export function isHostAllowed(domain: string, allowedHosts: readonly string[]): boolean {
  if (!domain) return false;
  for (const pattern of allowedHosts) {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('.')) {
      if (domain === p.slice(1) || domain.endsWith(p)) return true;
    } else if (domain === p) {
      return true;
    }
  }
  return false;
}

/** What DEBUG allows when ALLOWED_HOSTS is empty, as in Django. */
export const DEBUG_ALLOWED_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]'];

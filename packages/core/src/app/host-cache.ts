/**
 * Host headers already found in ALLOWED_HOSTS, so the check is a map lookup
 * after the first request. Only allowed hosts are remembered, and only up to
 * `limit`, so a flood of made-up Host headers cannot grow it.
 */
export class AllowedHostCache {
  private readonly hosts = new Map<string, string>();
  // most traffic carries one Host: a string compare is cheaper than hashing it
  private lastRaw: string | undefined;
  private lastNormalised = '';
  constructor(private readonly limit = 64) {}

  get(raw: string): string | undefined {
    if (raw === this.lastRaw) return this.lastNormalised;
    const found = this.hosts.get(raw);
    if (found !== undefined) {
      this.lastRaw = raw;
      this.lastNormalised = found;
    }
    return found;
  }

  remember(raw: string, normalised: string): void {
    if (this.hosts.size < this.limit) this.hosts.set(raw, normalised);
  }
}

import { BlockList, isIP } from 'node:net';
import { ImproperlyConfigured } from '../errors/exceptions';

/**
 * Finds the client address behind TRUSTED_PROXIES: X-Forwarded-For is read
 * right to left and the first address that is not a trusted proxy is the
 * client. Without trusted proxies the header is ignored (anyone can send it).
 */
export class ClientIpResolver {
  private readonly trusted: BlockList | null;

  constructor(proxies: readonly string[]) {
    if (proxies.length === 0) {
      this.trusted = null;
      return;
    }
    const list = new BlockList();
    for (const entry of proxies) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new ImproperlyConfigured(`TRUSTED_PROXIES entry ${JSON.stringify(entry)} is not an IP address or CIDR range.`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address!, type);
      else {
        const bits = Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
          throw new ImproperlyConfigured(`TRUSTED_PROXIES entry ${JSON.stringify(entry)} has an invalid prefix length.`);
        }
        list.addSubnet(address!, bits, type);
      }
    }
    this.trusted = list;
  }

  resolve(remoteAddress: string, forwardedFor: string | undefined): string {
    const peer = normalise(remoteAddress);
    if (!this.trusted || !forwardedFor || !this.isTrusted(peer)) return peer;
    const hops = forwardedFor.split(',').map((s) => normalise(s.trim())).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!isIP(hop)) return peer; // a garbled header from a trusted proxy: do not guess
      if (!this.isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted!.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) is 1.2.3.4. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Which hosts HTTP Tasks may call (STEPWISE_HTTP_ALLOWED_HOSTS): exact names (`api.example.com`,
 * `127.0.0.1`), wildcards (`*.example.com` matches any subdomain, not example.com itself), `*`
 * (any host) and address ranges (`10.0.0.0/8`, `fd00::/8`: any host whose addresses are all in
 * them). No list means every host is allowed. Whatever the list, loopback, link-local and private
 * addresses are reached only through an entry that names the host or holds the address, never
 * through `*` (./network-policy.ts).
 */
import { BlockList, isIP } from 'node:net';
import { addCidr } from './network-policy.js';

export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private anyHost = false;
  private readonly ranges = new BlockList();
  private hasRanges = false;

  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const entry = normalise(raw);
      if (entry === '') continue;
      if (entry === '*') this.anyHost = true;
      else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else if (entry.includes('/')) {
        if (!addCidr(this.ranges, entry))
          throw new Error(`'${raw}' in the HTTP allow-list is not a host name or a CIDR range`);
        this.hasRanges = true;
      } else this.exact.add(entry);
    }
  }

  /** Parses a comma- or whitespace-separated list. */
  static parse(text: string | undefined): HostAllowList | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    return new HostAllowList(text.split(/[\s,]+/));
  }

  /** The host name is on the list (`*` included). */
  allows(hostname: string): boolean {
    return this.anyHost || this.names(hostname);
  }

  /** The list names the host itself: exactly or by a `*.` wildcard, not by `*`. */
  names(hostname: string): boolean {
    const host = normalise(hostname);
    if (this.exact.has(host)) return true;
    return this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }

  /** An address range on the list holds this address (an address written out names only itself as a host). */
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0 || !this.hasRanges) return false;
    return this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function normalise(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

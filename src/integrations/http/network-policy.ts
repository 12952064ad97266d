/**
 * Where HTTP Tasks may connect. A state machine is code its author ran on this server: by default
 * it must not reach the server's own services or the networks behind it. Loopback, link-local
 * (169.254.0.0/16 holds the cloud metadata address), private and other special-purpose ranges are
 * refused unless the allow-list (STEPWISE_HTTP_ALLOWED_HOSTS) names the host, or an address range
 * (CIDR) holding the address.
 *
 * The name is resolved first and every address it resolves to is checked; the request then
 * connects to the checked address, so a second lookup (DNS rebinding) cannot send it elsewhere.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { HostAllowList } from './allow-list.js';

/** A special-purpose range, with the word an error message uses for it. */
interface Range {
  kind: string;
  cidrs: readonly string[];
}

const RESTRICTED: readonly Range[] = [
  { kind: 'loopback', cidrs: ['127.0.0.0/8', '::1/128'] },
  { kind: 'link-local', cidrs: ['169.254.0.0/16', 'fe80::/10'] },
  { kind: 'private', cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] },
  { kind: 'carrier-grade NAT', cidrs: ['100.64.0.0/10'] },
  { kind: 'unspecified', cidrs: ['0.0.0.0/8', '::/128'] },
  { kind: 'reserved', cidrs: ['192.0.0.0/24', '198.18.0.0/15', '240.0.0.0/4'] },
  { kind: 'multicast', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
];

/** Parses `a.b.c.d/n` or `x::/n` into a BlockList rule; undefined when it is not one. */
export function addCidr(list: BlockList, cidr: string): boolean {
  const slash = cidr.lastIndexOf('/');
  if (slash < 0) return false;
  const address = cidr.slice(0, slash);
  const bits = Number(cidr.slice(slash + 1));
  const family = isIP(address);
  if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

const RESTRICTED_LISTS = RESTRICTED.map(({ kind, cidrs }) => {
  const list = new BlockList();
  for (const cidr of cidrs) addCidr(list, cidr);
  return { kind, list };
});

/** The kind of special-purpose range the address is in, or undefined for a public address. */
export function restrictedKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return RESTRICTED_LISTS.find(({ list }) => list.check(address, type))?.kind;
}

/** The request may not be sent: the policy refused its destination. */
export class DestinationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

/** A name could not be resolved (a socket-level failure, as a refused connection is). */
export class ResolveError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ResolveError';
  }
}

export interface Destination {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Destination[]>;

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export class NetworkPolicy {
  constructor(
    private readonly allowList: HostAllowList | undefined,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** The address to connect to for `url`, once the host and every address it has are allowed. */
  async destination(url: URL): Promise<Destination> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const allowList = this.allowList;
    let addresses: Destination[];
    try {
      const family = isIP(host);
      addresses = family !== 0 ? [{ address: host, family: family === 6 ? 6 : 4 }] : await this.resolve(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ResolveError(`getaddrinfo ${code ?? 'ENOTFOUND'} ${host}`, code ?? 'ENOTFOUND');
    }
    if (addresses.length === 0) throw new ResolveError(`getaddrinfo ENOTFOUND ${host}`, 'ENOTFOUND');
    const inRanges = (a: Destination) => allowList?.allowsAddress(a.address) ?? false;
    if (allowList && !allowList.allows(host) && !addresses.every(inRanges)) {
      throw new DestinationRefused(
        `The host '${host}' is not in STEPWISE_HTTP_ALLOWED_HOSTS (${allowList.entries.join(', ')}); the HTTP Task was not sent`,
      );
    }
    const named = allowList?.names(host) ?? false;
    for (const a of addresses) {
      const kind = restrictedKind(a.address);
      if (kind === undefined || named || inRanges(a)) continue;
      const resolved = a.address === host ? '' : ` resolves to ${a.address}, which`;
      throw new DestinationRefused(
        `The host '${host}'${resolved} is a ${kind} address: HTTP Tasks may call loopback, link-local and private ` +
          `addresses only when STEPWISE_HTTP_ALLOWED_HOSTS names the host or its range ` +
          `(e.g. STEPWISE_HTTP_ALLOWED_HOSTS=${host},10.0.0.0/8); the HTTP Task was not sent`,
      );
    }
    return addresses[0] as Destination;
  }
}

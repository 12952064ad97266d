/**
 * Which hosts HTTP Tasks may call (STEPWISE_HTTP_ALLOWED_HOSTS): exact names (`api.example.com`,
 * `127.0.0.1`) and wildcards (`*.example.com` matches any subdomain, not example.com itself).
 * No list means every host is allowed.
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const entry = normalise(raw);
      if (entry === '') continue;
      if (entry === '*') this.suffixes.push('');
      else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry);
    }
  }

  /** Parses a comma- or whitespace-separated list. */
  static parse(text: string | undefined): HostAllowList | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    return new HostAllowList(text.split(/[\s,]+/));
  }

  allows(hostname: string): boolean {
    const host = normalise(hostname);
    if (this.exact.has(host)) return true;
    return this.suffixes.some((suffix) => suffix === '' || (host.endsWith(suffix) && host.length > suffix.length));
  }
}

function normalise(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

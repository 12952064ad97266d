/**
 * Requests must name this server in their Host header: a web page whose own host name an attacker
 * re-points at 127.0.0.1 (DNS rebinding) then talks to the API and console under that name, and is
 * refused. Allowed: localhost, 127.0.0.1, ::1, the address the connection came in on, and the names
 * given with --allowed-host-names (exact, `*.example.com` for its subdomains, or `*` for any). Each
 * also with the `sync-` prefix the SDK puts before the host for StartSyncExecution.
 */
import { ApiError } from './errors.js';

export const DEFAULT_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export class HostNames {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(extra: readonly string[] = []) {
    let any = false;
    for (const raw of [...DEFAULT_HOST_NAMES, ...extra]) {
      const name = normalize(raw);
      if (name === '') continue;
      if (name === '*') any = true;
      else if (name.startsWith('*.')) this.suffixes.push(name.slice(1));
      else this.exact.add(name);
    }
    this.any = any;
  }

  /** Whether a request with this Host header, on a connection to `localAddress`, is answered. */
  allows(host: string | undefined, localAddress: string | undefined): boolean {
    if (this.any) return true;
    if (host === undefined) return false;
    const name = hostName(host);
    const bare = name.startsWith('sync-') ? name.slice('sync-'.length) : undefined;
    const local = localAddress !== undefined ? normalize(localAddress) : undefined;
    return [name, bare].some(
      (candidate) =>
        candidate !== undefined &&
        candidate !== '' &&
        (this.exact.has(candidate) ||
          candidate === local ||
          this.suffixes.some((suffix) => candidate.endsWith(suffix))),
    );
  }

  /** The refusal, in AWS's error shape. */
  refusal(host: string | undefined): ApiError {
    const what = host === undefined ? 'no Host header' : `the host name '${hostName(host)}'`;
    return new ApiError(
      'MisdirectedRequest',
      `This server does not answer for ${what}: it answers only for its own names (localhost, 127.0.0.1, ::1, ` +
        `its address, and those given with --allowed-host-names), so that a web page cannot reach it by DNS rebinding.`,
    );
  }
}

/** The host name of a Host header: without the port or the brackets of an IPv6 literal, lower case. */
export function hostName(host: string): string {
  const text = host.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return normalize(end < 0 ? text.slice(1) : text.slice(1, end));
  }
  const colon = text.indexOf(':');
  // More than one colon: an IPv6 literal without brackets (no port).
  if (colon >= 0 && text.indexOf(':', colon + 1) < 0) return normalize(text.slice(0, colon));
  return normalize(text);
}

function normalize(name: string): string {
  let result = name.trim().toLowerCase();
  if (result.endsWith('.')) result = result.slice(0, -1);
  if (result.startsWith('::ffff:') && result.includes('.')) result = result.slice('::ffff:'.length);
  if (result.startsWith('[') && result.endsWith(']')) result = result.slice(1, -1);
  return result;
}

/** A comma- or space-separated list of host names (--allowed-host-names). */
export function parseHostNames(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Whether `--host` binds a loopback address only. */
export function isLoopbackHost(host: string): boolean {
  const name = normalize(host);
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

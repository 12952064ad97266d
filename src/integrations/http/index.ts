/**
 * The HTTP Task integration and its settings: a connections file (`--connections`,
 * STEPWISE_CONNECTIONS; JSON or YAML) and a host allow-list (STEPWISE_HTTP_ALLOWED_HOSTS).
 */
import type { Logger } from 'pino';
import { HostAllowList } from './allow-list.js';
import { ConnectionStore } from './connections.js';
import { HttpIntegration } from './http-integration.js';

export { HostAllowList } from './allow-list.js';
export { NetworkPolicy, restrictedKind, type Resolver } from './network-policy.js';
export { ConnectionStore, ConnectionsConfigError, type Connection } from './connections.js';
export { HttpIntegration, HTTP_INVOKE_RESOURCE, type HttpIntegrationOptions } from './http-integration.js';
export { urlEncode, type ArrayFormat } from './url-encoding.js';

export interface HttpSettings {
  /** Path of the connections file (JSON or YAML). */
  connectionsFile?: string;
  /** Connections given in code instead of a file (the parsed file format). */
  connections?: unknown;
  /**
   * Hosts HTTP Tasks may call (`api.example.com`, `*.example.com`, `*`, `10.0.0.0/8`); unset: any
   * public host. Loopback, link-local and private addresses only when an entry names them.
   */
  allowedHosts?: string[];
  /** Connections are used only with the endpoints they list (set when the API requires credentials). */
  requireConnectionEndpoints?: boolean;
  region?: string;
  /** Per-request limit (default 60 seconds, as on AWS). */
  requestTimeoutMs?: number;
  /** Clock for OAuth token expiry. */
  now?: () => number;
}

/**
 * The HTTP integration from explicit settings, falling back to the environment
 * (STEPWISE_CONNECTIONS, STEPWISE_HTTP_ALLOWED_HOSTS, STEPWISE_REGION). A connections file that
 * cannot be read or parsed throws, so a server with a broken file does not start.
 */
export function createHttpIntegration(
  settings: HttpSettings = {},
  env: Record<string, string | undefined> = process.env,
  logger?: Logger,
): HttpIntegration {
  const file = settings.connectionsFile ?? (env.STEPWISE_CONNECTIONS || undefined);
  let connections: ConnectionStore | undefined;
  let source: string | undefined;
  if (settings.connections !== undefined) {
    connections = ConnectionStore.fromObject(settings.connections, 'connections');
    source = 'the connections given to the server';
  } else if (file !== undefined) {
    connections = ConnectionStore.fromFile(file);
    source = file;
  }
  const allowedHosts = settings.allowedHosts
    ? new HostAllowList(settings.allowedHosts)
    : HostAllowList.parse(env.STEPWISE_HTTP_ALLOWED_HOSTS);
  logger?.debug(
    { connections: connections?.size ?? 0, connectionsFile: file, allowedHosts: allowedHosts?.entries },
    'HTTP Task settings',
  );
  return new HttpIntegration({
    ...(connections ? { connections } : {}),
    ...(source !== undefined ? { connectionsSource: source } : {}),
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(settings.requireConnectionEndpoints ? { requireConnectionEndpoints: true } : {}),
    region: settings.region ?? (env.STEPWISE_REGION || 'us-east-1'),
    ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(logger ? { logger } : {}),
  });
}

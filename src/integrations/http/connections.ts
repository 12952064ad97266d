/**
 * Named connections for HTTP Tasks: the local stand-in for EventBridge connections. A connections
 * file (JSON or YAML) maps a connection name or ARN to the fields EventBridge's CreateConnection
 * takes (`AuthorizationType`, `AuthParameters`), so an existing connection's definition can be pasted:
 *
 *   stripe:                                   # name, or the full connection ARN
 *     AuthorizationType: API_KEY              # API_KEY | BASIC | OAUTH_CLIENT_CREDENTIALS (omit: no auth)
 *     AuthParameters:
 *       ApiKeyAuthParameters: { ApiKeyName: Authorization, ApiKeyValue: Bearer sk_test }
 *       InvocationHttpParameters:
 *         HeaderParameters: [{ Key: Stripe-Version, Value: '2024-06-20' }]
 *
 * A Task's `ConnectionArn` (arn:aws:events:<region>:<account>:connection/<name>/<id>) is looked up
 * by the full ARN first, then by its <name>.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type AuthorizationType = 'API_KEY' | 'BASIC' | 'OAUTH_CLIENT_CREDENTIALS';

export interface KeyValue {
  key: string;
  value: string;
}

export interface HttpParameters {
  headers: KeyValue[];
  query: KeyValue[];
  body: KeyValue[];
}

export interface OAuthSettings {
  /** The token endpoint. */
  authorizationEndpoint: string;
  httpMethod: 'GET' | 'POST' | 'PUT';
  clientId: string;
  clientSecret: string;
  /** Extra parameters for the token request (e.g. `scope` as a body parameter). */
  parameters: HttpParameters;
}

export interface Connection {
  name: string;
  /** The key the connection was configured under (a name or an ARN). */
  key: string;
  authorizationType?: AuthorizationType;
  apiKey?: { name: string; value: string };
  basic?: { username: string; password: string };
  oauth?: OAuthSettings;
  /** Sent with every request made through the connection. */
  invocation: HttpParameters;
  /**
   * The endpoints the connection may be used with (`AllowedEndpoints`), as an IAM policy's
   * `states:HTTPEndpoint` condition would limit it on AWS: URL prefixes, `*` matching any text.
   */
  allowedEndpoints?: string[];
}

export class ConnectionsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionsConfigError';
  }
}

const CONNECTION_ARN = /^arn:[^:]+:events:[^:]*:[^:]*:connection\/([^/]+)(?:\/.*)?$/;

/** The connection name in an EventBridge connection ARN, or undefined when it is not one. */
export function connectionNameOf(arn: string): string | undefined {
  return CONNECTION_ARN.exec(arn)?.[1];
}

export class ConnectionStore {
  private readonly byKey = new Map<string, Connection>();

  constructor(connections: Connection[] = []) {
    for (const c of connections) this.byKey.set(c.key, c);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The connection for a Task's ConnectionArn: the exact ARN, else the name inside it, else the text as a name. */
  find(connectionArn: string): Connection | undefined {
    const exact = this.byKey.get(connectionArn);
    if (exact) return exact;
    const name = connectionNameOf(connectionArn);
    return name === undefined ? undefined : this.byKey.get(name);
  }

  static fromFile(path: string): ConnectionStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConnectionsConfigError(
        `cannot read the connections file '${path}': ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return ConnectionStore.fromText(text, path);
  }

  static fromText(text: string, source = 'connections'): ConnectionStore {
    let data: unknown;
    try {
      data = parseYaml(text) as unknown; // YAML is a superset of JSON
    } catch (e) {
      throw new ConnectionsConfigError(`${source}: not JSON or YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    return ConnectionStore.fromObject(data ?? {}, source);
  }

  static fromObject(data: unknown, source = 'connections'): ConnectionStore {
    const root = asObject(data, source);
    // Either the connections at the top level or under a "Connections" key.
    const entries = asObject(root.Connections ?? root.connections ?? root, `${source}: Connections`);
    return new ConnectionStore(
      Object.entries(entries).map(([key, value]) => parseConnection(key, value, `${source}: ${key}`)),
    );
  }
}

function parseConnection(key: string, value: unknown, where: string): Connection {
  const c = asObject(value, where);
  const name = connectionNameOf(key) ?? key;
  const type = c.AuthorizationType;
  if (type !== undefined && type !== 'API_KEY' && type !== 'BASIC' && type !== 'OAUTH_CLIENT_CREDENTIALS') {
    throw new ConnectionsConfigError(`${where}: AuthorizationType must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS`);
  }
  const auth = asObject(c.AuthParameters ?? {}, `${where}: AuthParameters`);
  const connection: Connection = {
    name,
    key,
    invocation: parseHttpParameters(auth.InvocationHttpParameters, `${where}: InvocationHttpParameters`),
  };
  if (type !== undefined) connection.authorizationType = type;
  if (c.AllowedEndpoints !== undefined) connection.allowedEndpoints = endpointPatterns(c.AllowedEndpoints, where);
  switch (type) {
    case 'API_KEY': {
      const p = asObject(auth.ApiKeyAuthParameters, `${where}: AuthParameters.ApiKeyAuthParameters`);
      connection.apiKey = {
        name: str(p.ApiKeyName, `${where}: ApiKeyName`),
        value: str(p.ApiKeyValue, `${where}: ApiKeyValue`),
      };
      break;
    }
    case 'BASIC': {
      const p = asObject(auth.BasicAuthParameters, `${where}: AuthParameters.BasicAuthParameters`);
      connection.basic = {
        username: str(p.Username, `${where}: Username`),
        password: str(p.Password, `${where}: Password`),
      };
      break;
    }
    case 'OAUTH_CLIENT_CREDENTIALS': {
      const p = asObject(auth.OAuthParameters, `${where}: AuthParameters.OAuthParameters`);
      const client = asObject(p.ClientParameters, `${where}: OAuthParameters.ClientParameters`);
      const method = p.HttpMethod ?? 'POST';
      if (method !== 'GET' && method !== 'POST' && method !== 'PUT')
        throw new ConnectionsConfigError(`${where}: OAuthParameters.HttpMethod must be GET, POST or PUT`);
      const parameters = parseHttpParameters(p.OAuthHttpParameters, `${where}: OAuthHttpParameters`);
      // A convenience EventBridge does not have: Scope, sent as the `scope` body parameter.
      if (p.Scope !== undefined)
        parameters.body.push({ key: 'scope', value: str(p.Scope, `${where}: OAuthParameters.Scope`) });
      connection.oauth = {
        authorizationEndpoint: str(p.AuthorizationEndpoint, `${where}: OAuthParameters.AuthorizationEndpoint`),
        httpMethod: method,
        clientId: str(client.ClientID ?? client.ClientId, `${where}: ClientParameters.ClientID`),
        clientSecret: str(client.ClientSecret, `${where}: ClientParameters.ClientSecret`),
        parameters,
      };
      break;
    }
    case undefined:
      break;
  }
  return connection;
}

function endpointPatterns(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new ConnectionsConfigError(`${where}: AllowedEndpoints must be a non-empty list of URL prefixes`);
  return value.map((item, i) => {
    const text = str(item, `${where}: AllowedEndpoints[${i}]`);
    if (text.includes('*')) return text;
    try {
      // 'https://api.example.com' means the host's root, never 'https://api.example.com.evil.net'.
      return new URL(text).href;
    } catch {
      throw new ConnectionsConfigError(`${where}: AllowedEndpoints[${i}] is not a URL: '${text}'`);
    }
  });
}

/**
 * Why the connection may not be used with this endpoint (the Task's ApiEndpoint, normalised), or
 * undefined when it may. With `required`, a connection that lists no endpoints is refused for all:
 * its secrets must not go to a listener the caller chose.
 */
export function endpointRefusal(connection: Connection, endpoint: string, required: boolean): string | undefined {
  const patterns = connection.allowedEndpoints;
  if (patterns === undefined) {
    return required
      ? `The connection '${connection.name}' lists no AllowedEndpoints; on a server with credentials configured a connection is used only with the endpoints it lists, and the HTTP Task was not sent`
      : undefined;
  }
  if (patterns.some((pattern) => endpointMatches(pattern, endpoint))) return undefined;
  return `The connection '${connection.name}' may not be used with '${endpoint}' (its AllowedEndpoints: ${patterns.join(', ')}); the HTTP Task was not sent`;
}

function endpointMatches(pattern: string, endpoint: string): boolean {
  if (!pattern.includes('*')) return endpoint.startsWith(pattern);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}`).test(endpoint);
}

/** `{HeaderParameters, QueryStringParameters, BodyParameters}` as EventBridge lists (`[{Key, Value}]`) or plain maps. */
function parseHttpParameters(value: unknown, where: string): HttpParameters {
  if (value === undefined || value === null) return { headers: [], query: [], body: [] };
  const p = asObject(value, where);
  return {
    headers: keyValues(p.HeaderParameters, `${where}.HeaderParameters`),
    query: keyValues(p.QueryStringParameters, `${where}.QueryStringParameters`),
    body: keyValues(p.BodyParameters, `${where}.BodyParameters`),
  };
}

function keyValues(value: unknown, where: string): KeyValue[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const kv = asObject(item, `${where}[${i}]`);
      return { key: str(kv.Key, `${where}[${i}].Key`), value: scalar(kv.Value, `${where}[${i}].Value`) };
    });
  }
  return Object.entries(asObject(value, where)).map(([key, v]) => ({ key, value: scalar(v, `${where}.${key}`) }));
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConnectionsConfigError(`${where}: expected an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ConnectionsConfigError(`${where}: expected a string`);
  return value;
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConnectionsConfigError(`${where}: expected a string`);
}

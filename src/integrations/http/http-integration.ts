/**
 * HTTP Tasks (`arn:aws:states:::http:invoke`): ApiEndpoint, Method, Headers, QueryParameters,
 * RequestBody, Transform (URL_ENCODED with an ArrayFormat), and the connection named by
 * Authentication.ConnectionArn (or InvocationConfig.ConnectionArn), resolved from the locally
 * configured connections. The result is AWS's shape: { Headers, ResponseBody, StatusCode, StatusText }.
 *
 * Failures: a non-2xx status is `States.Http.StatusCode.<code>` with the response (JSON) as cause;
 * anything that kept a response from arriving (refused, reset, DNS, TLS, the 60-second limit) is
 * `States.Http.Socket`. A host outside STEPWISE_HTTP_ALLOWED_HOSTS fails before any connection.
 */
import type { Logger } from 'pino';
import { StatesErrors } from '../../vocabulary/states-errors.js';
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import { isServiceInvoke } from '../service-invoke.js';
import type { HostAllowList } from './allow-list.js';
import { DestinationRefused, NetworkPolicy, type Resolver } from './network-policy.js';
import { CancelledError, ResponseTooLargeError, SocketError, send, type IncomingResponse } from './client.js';
import { ConnectionStore, endpointRefusal, type Connection, type KeyValue, type OAuthSettings } from './connections.js';
import { OAuthTokenCache, TokenRequestError } from './oauth.js';
import { ARRAY_FORMATS, urlEncode, type ArrayFormat } from './url-encoding.js';

export const HTTP_INVOKE_RESOURCE = 'arn:aws:states:::http:invoke';

/** AWS's hard limit on one HTTP Task request. */
export const HTTP_TASK_TIMEOUT_MS = 60_000;
/** AWS asks for at most this many bytes (`Range: bytes=0-262144`) and fails larger responses. */
export const HTTP_MAX_RESPONSE_BYTES = 262_144;

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);

/** Headers a Task may not set (AWS: the HTTP Task fails with States.Runtime); Authorization comes from the connection. */
const FORBIDDEN_HEADERS = new Set([
  'a-im',
  'accept-charset',
  'accept-datetime',
  'accept-encoding',
  'authorization',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-md5',
  'date',
  'expect',
  'forwarded',
  'from',
  'host',
  'http2-settings',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'origin',
  'pragma',
  'proxy-authorization',
  'range',
  'referer',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'via',
  'warning',
]);
const FORBIDDEN_HEADER_PREFIXES = ['x-forwarded-', 'x-amz-', 'x-amzn-'];

export function isForbiddenHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_HEADER_PREFIXES.some((p) => lower.startsWith(p));
}

/** Error names for connection problems (EventBridge's `Events.ConnectionResource.*` family). */
export const ConnectionErrors = {
  ResourceNotFound: 'Events.ConnectionResource.ResourceNotFound',
  InvalidConnectionState: 'Events.ConnectionResource.InvalidConnectionState',
} as const;

export interface HttpIntegrationOptions {
  connections?: ConnectionStore;
  /** Where the connections came from, for error messages. */
  connectionsSource?: string;
  allowedHosts?: HostAllowList;
  /** Resolves host names (tests give a fake DNS); default the system's. */
  resolver?: Resolver;
  /** Connections are used only with the endpoints they list (a server with credentials configured). */
  requireConnectionEndpoints?: boolean;
  /** The region in the User-Agent AWS sends (`Amazon|StepFunctions|HttpInvoke|<region>`). */
  region?: string;
  /** Per-request limit (default 60 seconds, as on AWS). */
  requestTimeoutMs?: number;
  /** Clock for OAuth token expiry (epoch ms). */
  now?: () => number;
  logger?: Logger;
}

class TaskError extends Error {
  constructor(
    readonly error: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface HttpTaskRequest {
  /** The Task's ApiEndpoint, normalised, before query parameters are merged in. */
  endpoint: string;
  url: URL;
  method: string;
  headers: Map<string, { name: string; value: string }>;
  body?: string;
  connection: Connection;
}

export class HttpIntegration implements Integration {
  readonly name = 'http';
  private readonly connections: ConnectionStore;
  private readonly tokens: OAuthTokenCache;
  private readonly timeoutMs: number;
  private readonly region: string;
  private readonly policy: NetworkPolicy;

  constructor(private readonly options: HttpIntegrationOptions = {}) {
    this.policy = new NetworkPolicy(options.allowedHosts, options.resolver);
    this.connections = options.connections ?? new ConnectionStore();
    this.timeoutMs = options.requestTimeoutMs ?? HTTP_TASK_TIMEOUT_MS;
    this.region = options.region ?? 'us-east-1';
    this.tokens = new OAuthTokenCache({ now: options.now ?? Date.now, timeoutMs: this.timeoutMs, policy: this.policy });
  }

  handles({ parsed }: TaskInvocation): boolean {
    return isServiceInvoke(parsed, 'http');
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    try {
      const request = this.buildRequest(task.parameters);
      const refusal = endpointRefusal(
        request.connection,
        request.endpoint,
        this.options.requireConnectionEndpoints ?? false,
      );
      if (refusal !== undefined) throw new TaskError(StatesErrors.Permissions, refusal);
      const oauth = request.connection.oauth;
      if (oauth) await this.authorize(request, { ...request.connection, oauth }, task.signal);
      const response = await send({
        url: request.url,
        method: request.method,
        headers: Object.fromEntries([...request.headers.values()].map((h) => [h.name, h.value])),
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: task.signal,
        timeoutMs: this.timeoutMs,
        maxBodyBytes: HTTP_MAX_RESPONSE_BYTES,
        policy: this.policy,
      });
      if (oauth && (response.statusCode === 401 || response.statusCode === 407))
        this.tokens.invalidate(request.connection);
      const output = taskOutput(response);
      if (response.statusCode >= 200 && response.statusCode < 300) return { kind: 'succeeded', output };
      return { kind: 'failed', error: `States.Http.StatusCode.${response.statusCode}`, cause: JSON.stringify(output) };
    } catch (e) {
      return this.failure(e, task);
    }
  }

  private failure(e: unknown, task: TaskInvocation): TaskOutcome {
    if (e instanceof TaskError) return { kind: 'failed', error: e.error, cause: e.detail };
    if (e instanceof DestinationRefused) return { kind: 'failed', error: StatesErrors.Permissions, cause: e.message };
    if (e instanceof CancelledError)
      return { kind: 'failed', error: StatesErrors.TaskFailed, cause: 'The HTTP Task was cancelled' };
    if (e instanceof SocketError) {
      this.options.logger?.debug(
        { err: e, executionArn: task.executionArn, state: task.stateName },
        'HTTP Task socket error',
      );
      return { kind: 'failed', error: StatesErrors.HttpSocket, cause: e.message };
    }
    if (e instanceof ResponseTooLargeError) {
      return {
        kind: 'failed',
        error: StatesErrors.DataLimitExceeded,
        cause: `The HTTP response is larger than the ${HTTP_MAX_RESPONSE_BYTES} bytes an HTTP Task accepts`,
      };
    }
    if (e instanceof TokenRequestError)
      return { kind: 'failed', error: ConnectionErrors.InvalidConnectionState, cause: e.message };
    throw e;
  }

  private async authorize(
    request: HttpTaskRequest,
    connection: Connection & { oauth: OAuthSettings },
    signal: AbortSignal,
  ): Promise<void> {
    try {
      setHeader(request.headers, 'Authorization', await this.tokens.authorization(connection, signal));
    } catch (e) {
      if (e instanceof SocketError)
        throw new TokenRequestError(
          `The OAuth token endpoint ${connection.oauth.authorizationEndpoint} could not be reached: ${e.message}`,
        );
      throw e;
    }
  }

  private buildRequest(parameters: Json): HttpTaskRequest {
    if (!isJsonObject(parameters)) throw runtime('The HTTP Task parameters must be an object');
    const endpoint = parameters.ApiEndpoint;
    if (typeof endpoint !== 'string') throw runtime("The HTTP Task requires 'ApiEndpoint' (a URL string)");
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw runtime(`The 'ApiEndpoint' field is not a valid URL: '${endpoint}'`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw runtime(`The 'ApiEndpoint' field must be an https:// (or, locally, http://) URL: '${endpoint}'`);
    const normalised = url.href;
    const method = parameters.Method;
    if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) {
      throw runtime(
        `The 'Method' field must be one of ${[...METHODS].join(', ')}${typeof method === 'string' ? `, not '${method}'` : ''}`,
      );
    }
    const connection = this.connection(parameters);

    // Headers: the Task's, then the connection's invocation headers (they win), then authorization.
    const headers = new Map<string, { name: string; value: string }>();
    if (parameters.Headers !== undefined && parameters.Headers !== null) {
      if (!isJsonObject(parameters.Headers)) throw runtime("The 'Headers' field must be an object");
      const forbidden = Object.keys(parameters.Headers).filter(isForbiddenHeader);
      if (forbidden.length > 0)
        throw runtime(
          `The 'Headers' field contains unsupported values: [${forbidden.map((h) => h.toLowerCase()).join(', ')}]`,
        );
      for (const [name, value] of Object.entries(parameters.Headers)) setHeader(headers, name, headerValue(value));
    }
    for (const { key, value } of connection.invocation.headers) setHeader(headers, key, value);
    if (connection.apiKey) setHeader(headers, connection.apiKey.name, connection.apiKey.value);
    if (connection.basic) {
      setHeader(
        headers,
        'Authorization',
        `Basic ${Buffer.from(`${connection.basic.username}:${connection.basic.password}`).toString('base64')}`,
      );
    }

    // Query: the URL's own, QueryParameters, then the connection's (they win).
    if (parameters.QueryParameters !== undefined && parameters.QueryParameters !== null) {
      if (!isJsonObject(parameters.QueryParameters)) throw runtime("The 'QueryParameters' field must be an object");
      for (const [key, value] of Object.entries(parameters.QueryParameters)) {
        url.searchParams.delete(key);
        for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, queryValue(item));
      }
    }
    setParams(url.searchParams, connection.invocation.query);

    // Body.
    const { encoding, arrayFormat } = transform(parameters.Transform);
    const upper = method.toUpperCase();
    let body: string | undefined;
    let contentType: string | undefined;
    if (upper !== 'GET' && upper !== 'HEAD') {
      const merged = mergeBody(parameters.RequestBody, connection.invocation.body);
      if (merged !== undefined) {
        if (typeof merged === 'string') {
          body = merged;
          contentType = encoding === 'URL_ENCODED' ? 'application/x-www-form-urlencoded' : 'text/plain; charset=UTF-8';
        } else if (encoding === 'URL_ENCODED') {
          body = urlEncode(merged, arrayFormat);
          contentType = 'application/x-www-form-urlencoded';
        } else {
          body = JSON.stringify(merged);
          contentType = 'application/json; charset=UTF-8';
        }
      }
    }
    if (contentType && !headers.has('content-type')) setHeader(headers, 'Content-Type', contentType);

    // What AWS always sends and a Task cannot change.
    setHeader(headers, 'User-Agent', `Amazon|StepFunctions|HttpInvoke|${this.region}`);
    setHeader(headers, 'Range', `bytes=0-${HTTP_MAX_RESPONSE_BYTES}`);
    return { endpoint: normalised, url, method: upper, headers, ...(body !== undefined ? { body } : {}), connection };
  }

  private connection(parameters: JsonObject): Connection {
    const arn = connectionArnOf(parameters.Authentication) ?? connectionArnOf(parameters.InvocationConfig);
    if (arn === undefined) {
      throw runtime(
        "The HTTP Task requires 'Authentication.ConnectionArn' (or 'InvocationConfig.ConnectionArn') naming a connection",
      );
    }
    const connection = this.connections.find(arn) ?? this.connections.find('*');
    if (!connection) {
      const where = this.options.connectionsSource
        ? `the connections file ${this.options.connectionsSource}`
        : 'no connections file (set --connections or STEPWISE_CONNECTIONS)';
      throw new TaskError(
        ConnectionErrors.ResourceNotFound,
        `The connection '${arn}' is not configured: it is not in ${where}`,
      );
    }
    return connection;
  }
}

function runtime(cause: string): TaskError {
  return new TaskError(StatesErrors.Runtime, cause);
}

function connectionArnOf(value: Json | undefined): string | undefined {
  if (!isJsonObject(value)) return undefined;
  return typeof value.ConnectionArn === 'string' && value.ConnectionArn !== '' ? value.ConnectionArn : undefined;
}

function setHeader(headers: Map<string, { name: string; value: string }>, name: string, value: string): void {
  headers.set(name.toLowerCase(), { name, value });
}

function setParams(params: URLSearchParams, pairs: KeyValue[]): void {
  for (const { key } of pairs) params.delete(key);
  for (const { key, value } of pairs) params.append(key, value);
}

function headerValue(value: Json): string {
  if (Array.isArray(value)) return value.map(queryValue).join(',');
  return queryValue(value);
}

function queryValue(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function transform(value: Json | undefined): { encoding: 'NONE' | 'URL_ENCODED'; arrayFormat: ArrayFormat } {
  if (value === undefined || value === null) return { encoding: 'NONE', arrayFormat: 'INDICES' };
  if (!isJsonObject(value)) throw runtime("The 'Transform' field must be an object");
  const encoding = value.RequestBodyEncoding ?? 'NONE';
  if (encoding !== 'NONE' && encoding !== 'URL_ENCODED')
    throw runtime("'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED");
  const options = value.RequestEncodingOptions;
  let arrayFormat: ArrayFormat = 'INDICES';
  if (options !== undefined && options !== null) {
    if (!isJsonObject(options)) throw runtime("'Transform.RequestEncodingOptions' must be an object");
    const format = options.ArrayFormat ?? 'INDICES';
    if (typeof format !== 'string' || !(ARRAY_FORMATS as readonly string[]).includes(format)) {
      throw runtime(`'Transform.RequestEncodingOptions.ArrayFormat' must be one of ${ARRAY_FORMATS.join(', ')}`);
    }
    arrayFormat = format as ArrayFormat;
  }
  return { encoding, arrayFormat };
}

/** The Task's RequestBody with the connection's body parameters merged in (the connection's win). */
function mergeBody(body: Json | undefined, extra: KeyValue[]): Json | undefined {
  if (extra.length === 0) return body;
  if (body === undefined || body === null) return Object.fromEntries(extra.map((p) => [p.key, p.value]));
  if (isJsonObject(body)) return { ...body, ...Object.fromEntries(extra.map((p) => [p.key, p.value])) };
  throw runtime(
    "The connection has body parameters, so the 'RequestBody' field must be a JSON object to merge them into",
  );
}

/** AWS's HTTP Task result: the body parsed when the response says it is JSON, else the text. */
function taskOutput(response: IncomingResponse): JsonObject {
  const text = response.body.toString('utf8');
  const contentType = (
    Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1][0] ?? ''
  ).toLowerCase();
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  let body: Json = text;
  if ((mediaType === 'application/json' || mediaType.endsWith('+json')) && text.trim() !== '') {
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = text;
    }
  }
  return {
    Headers: response.headers,
    ResponseBody: body,
    StatusCode: response.statusCode,
    StatusText: response.statusText,
  };
}

/**
 * OAuth client credentials for connections, as EventBridge manages them: the token is fetched from
 * the connection's token endpoint (client id and secret in a Basic Authorization header, the grant
 * type and the connection's OAuth body parameters form-encoded), cached per connection, fetched
 * again once `expires_in` has passed, and dropped when the API answers 401 or 407.
 */
import type { Connection, KeyValue, OAuthSettings } from './connections.js';
import { send, type OutgoingRequest } from './client.js';
import type { NetworkPolicy } from './network-policy.js';

export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

interface CachedToken {
  accessToken: string;
  tokenType: string;
  /** Epoch ms; undefined when the endpoint gave no expires_in. */
  expiresAt?: number;
}

export interface TokenCacheOptions {
  now: () => number;
  timeoutMs: number;
  /** The token endpoint is a destination like any other (./network-policy.ts). */
  policy?: NetworkPolicy;
}

export class OAuthTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly options: TokenCacheOptions) {}

  /** The Authorization header value for the connection: a cached token, or a freshly fetched one. */
  async authorization(connection: Connection & { oauth: OAuthSettings }, signal: AbortSignal): Promise<string> {
    const cached = this.tokens.get(connection.key);
    if (cached && (cached.expiresAt === undefined || this.options.now() < cached.expiresAt)) return header(cached);
    let pending = this.inFlight.get(connection.key);
    if (!pending) {
      pending = this.fetch(connection.oauth, signal).finally(() => this.inFlight.delete(connection.key));
      this.inFlight.set(connection.key, pending);
    }
    const token = await pending;
    this.tokens.set(connection.key, token);
    return header(token);
  }

  /** Forgets the connection's token (the API refused it), so the next call fetches a new one. */
  invalidate(connection: Connection): void {
    this.tokens.delete(connection.key);
  }

  private async fetch(oauth: OAuthSettings, signal: AbortSignal): Promise<CachedToken> {
    const url = new URL(oauth.authorizationEndpoint);
    for (const { key, value } of oauth.parameters.query) url.searchParams.append(key, value);
    const form = new URLSearchParams([
      ['grant_type', 'client_credentials'],
      ...oauth.parameters.body.map((p): [string, string] => [p.key, p.value]),
    ]);
    const request: OutgoingRequest = {
      url,
      method: oauth.httpMethod,
      headers: {
        ...headerObject(oauth.parameters.headers),
        Authorization: `Basic ${Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`).toString('base64')}`,
        Accept: 'application/json',
      },
      signal,
      timeoutMs: this.options.timeoutMs,
      maxBodyBytes: 1024 * 1024,
      ...(this.options.policy ? { policy: this.options.policy } : {}),
    };
    if (oauth.httpMethod === 'GET') {
      for (const [key, value] of form) url.searchParams.append(key, value);
    } else {
      request.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      request.body = form.toString();
    }
    const response = await send(request);
    const text = response.body.toString('utf8');
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new TokenRequestError(
        `The OAuth token endpoint ${oauth.authorizationEndpoint} answered ${response.statusCode} ${response.statusText}: ${text.slice(0, 500)}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TokenRequestError(`The OAuth token endpoint ${oauth.authorizationEndpoint} did not answer JSON`);
    }
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (typeof fields.access_token !== 'string' || fields.access_token === '') {
      throw new TokenRequestError(
        `The OAuth token endpoint ${oauth.authorizationEndpoint} answered without an access_token`,
      );
    }
    const expiresIn = Number(fields.expires_in);
    return {
      accessToken: fields.access_token,
      tokenType:
        typeof fields.token_type === 'string' && fields.token_type.toLowerCase() !== 'bearer'
          ? fields.token_type
          : 'Bearer',
      ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: this.options.now() + expiresIn * 1000 } : {}),
    };
  }
}

function header(token: CachedToken): string {
  return `${token.tokenType} ${token.accessToken}`;
}

export function headerObject(pairs: KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of pairs) out[key] = value;
  return out;
}

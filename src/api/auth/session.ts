/**
 * The console's sessions: after a sign-in with an access key id and its secret, a cookie
 * `stepwise_session=<payload>.<HMAC-SHA256 of it>` (HttpOnly, SameSite=Strict, Path=/) whose
 * payload names the access key, the expiry and a random id. The HMAC key is the server's secret:
 * STEPWISE_SESSION_SECRET (so that sessions outlive a restart and hold on every node of a cluster),
 * else random at start. A sign-out revokes the session's id on this node until it would expire.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessKey, AccessKeys } from './credentials.js';
import { sameText } from './sigv4.js';

export const SESSION_COOKIE = 'stepwise_session';
/** How long a console session lasts (12 hours). */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

interface Payload {
  /** The access key id. */
  k: string;
  /** Expiry, epoch ms. */
  e: number;
  /** The session's random id. */
  n: string;
}

export interface SessionsOptions {
  keys: AccessKeys;
  /** The HMAC key (at least 32 bytes of it are used as given); random when absent. */
  secret?: string;
  ttlMs?: number;
  now?: () => number;
}

export interface Session {
  key: AccessKey;
  id: string;
  expiresAt: number;
}

export class Sessions {
  private readonly secret: Buffer;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Signed-out session ids, with their expiry. */
  private readonly revoked = new Map<string, number>();

  constructor(private readonly options: SessionsOptions) {
    this.secret = options.secret !== undefined ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The key whose id and secret these are (constant-time on the secret), or undefined. */
  signIn(accessKeyId: string, secretAccessKey: string): AccessKey | undefined {
    const key = this.options.keys.find(accessKeyId);
    // Compare against something even for an unknown id, so both answers take the same time.
    const ok = sameText(secretAccessKey, key?.secretAccessKey ?? secretAccessKey + '\0');
    return ok && key !== undefined ? key : undefined;
  }

  /** A Set-Cookie value opening a session for `key`. */
  open(key: AccessKey, secure: boolean): string {
    const payload: Payload = {
      k: key.accessKeyId,
      e: this.now() + this.ttlMs,
      n: randomBytes(16).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return cookie(`${body}.${this.mac(body)}`, Math.floor(this.ttlMs / 1000), secure);
  }

  /** The session the request's cookie holds, if it is well signed, unexpired, not revoked and its key still configured. */
  read(headers: IncomingHttpHeaders): Session | undefined {
    const value = readCookie(headers, SESSION_COOKIE);
    if (value === undefined) return undefined;
    const dot = value.indexOf('.');
    if (dot < 0) return undefined;
    const body = value.slice(0, dot);
    if (!sameText(value.slice(dot + 1), this.mac(body))) return undefined;
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return undefined;
    }
    if (typeof payload.k !== 'string' || typeof payload.e !== 'number' || typeof payload.n !== 'string')
      return undefined;
    const now = this.now();
    if (payload.e <= now || this.revoked.has(payload.n)) return undefined;
    const key = this.options.keys.find(payload.k);
    return key === undefined ? undefined : { key, id: payload.n, expiresAt: payload.e };
  }

  /** Ends `session` on this node; returns the Set-Cookie value that clears the cookie. */
  close(session: Session | undefined, secure: boolean): string {
    const now = this.now();
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(id);
    if (session !== undefined) this.revoked.set(session.id, session.expiresAt);
    return cookie('', 0, secure);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

function cookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    if (part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

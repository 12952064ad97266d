/**
 * Who may talk to the server, as fastify hooks: the Host check on every request, then, when access
 * keys are configured, SigV4 on the AWS API (`POST /` and anything else that is not the console)
 * and the console's session cookie on its pages and its own endpoints (/console/api/*,
 * /cluster/nodes). The sign-in and sign-out routes live here too. /healthz stays open (probes).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../errors.js';
import { HostNames } from '../host-check.js';
import { AccessKeys, type AccessKey } from './credentials.js';
import { Sessions } from './session.js';
import { hasSignature, verifySigV4 } from './sigv4.js';
import { SIGN_IN_CSP, signInPage } from './sign-in-page.js';

export interface AccessOptions {
  /** The access keys; none leaves the API and console open (as before authentication existed). */
  keys?: readonly AccessKey[];
  /** Host names answered besides localhost, 127.0.0.1, ::1 and the connection's own address. */
  hostNames?: readonly string[];
  /** The console sessions' HMAC key (else STEPWISE_SESSION_SECRET, else random at start). */
  sessionSecret?: string;
  sessionTtlMs?: number;
}

export const SIGN_IN_PATH = '/console/sign-in';
export const SIGN_OUT_PATH = '/console/sign-out';
/**
 * Paths answered without credentials: probes, Prometheus scrapes (which cannot sign; they show
 * counts and state machine ARNs, no execution data), the sign-in pages.
 */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics', SIGN_IN_PATH, SIGN_OUT_PATH]);

/** Failed sign-ins from one address within the window, past which it is refused for a while. */
export const MAX_SIGN_IN_FAILURES = 10;
const SIGN_IN_WINDOW_MS = 5 * 60 * 1000;

/**
 * The console's Content-Security-Policy: never framed, scripts and connections to this origin only
 * (a name that slipped past escaping still could not load or send anything elsewhere). Inline styles
 * stay allowed: the graph and the editor set them.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** Keeps a request's body bytes for the signature check (the body is hashed as received). */
export function keepRawBody(request: FastifyRequest, body: Buffer): void {
  rawBodies.set(request, body);
}

type SendError = (reply: FastifyReply, error: ApiError) => FastifyReply;

/** The console's own endpoints (the cookie, never SigV4). */
function isConsoleApi(path: string): boolean {
  return path.startsWith('/console/api/') || path === '/cluster/nodes';
}

function pathOf(url: string): string {
  const mark = url.search(/[?#]/);
  return mark < 0 ? url : url.slice(0, mark);
}

/** The same origin as the request's Host, or no Origin header at all (not a cross-site form post). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function registerAccess(
  app: FastifyInstance,
  options: AccessOptions & { region: string; now: () => number; log: Logger; sendError: SendError },
): void {
  const hostNames = new HostNames(options.hostNames ?? []);
  const keys = new AccessKeys(options.keys ?? []);
  const enabled = keys.size > 0;
  const sessionSecret = options.sessionSecret ?? (process.env.STEPWISE_SESSION_SECRET || undefined);
  const sessions = new Sessions({
    keys,
    ...(sessionSecret !== undefined ? { secret: sessionSecret } : {}),
    ...(options.sessionTtlMs !== undefined ? { ttlMs: options.sessionTtlMs } : {}),
  });
  const { sendError, log } = options;
  /** Failed sign-in times by remote address (guessing secrets through the form is slowed down). */
  const failures = new Map<string, number[]>();
  const recentFailures = (address: string): number[] => {
    const since = options.now() - SIGN_IN_WINDOW_MS;
    const times = (failures.get(address) ?? []).filter((time) => time > since);
    if (times.length === 0) failures.delete(address);
    else failures.set(address, times);
    return times;
  };
  const secure = (request: FastifyRequest) => request.protocol === 'https';

  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return;
    // Never framed (clickjacking), and the console's scripts only its own, whatever the response.
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', CONSOLE_CSP);
    if (!hostNames.allows(request.headers.host, request.socket.localAddress)) {
      log.debug({ requestId: request.id, host: request.headers.host }, 'refused: unknown host name');
      return sendError(reply, hostNames.refusal(request.headers.host));
    }
    if (!enabled) return;
    const path = pathOf(request.url);
    if (OPEN_PATHS.has(path)) return;
    if (isConsoleApi(path)) {
      if (sessions.read(request.headers) === undefined)
        return sendError(reply, new ApiError('NotSignedIn', `Sign in to the console first: ${SIGN_IN_PATH}`));
      if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request))
        return sendError(reply, new ApiError('NotSignedIn', 'Cross-origin requests to the console are refused'));
      return;
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && !hasSignature(request.url, request.headers)) {
      // A console page: its files only to a signed-in browser.
      if (sessions.read(request.headers) === undefined) return reply.code(303).header('location', SIGN_IN_PATH).send();
    }
  });

  if (enabled) {
    // The AWS API: SigV4 over the body as received (hence after the body is read).
    app.addHook('preHandler', async (request, reply) => {
      if (reply.sent) return;
      const path = pathOf(request.url);
      if (OPEN_PATHS.has(path) || isConsoleApi(path)) return;
      if ((request.method === 'GET' || request.method === 'HEAD') && !hasSignature(request.url, request.headers))
        return; // a console page, checked on request
      try {
        await verifySigV4(
          { method: request.method, url: request.url, headers: request.headers, body: rawBodies.get(request) },
          { keys, region: options.region, now: options.now() },
        );
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        log.debug({ requestId: request.id, type: error.type, message: error.message }, 'refused: signature');
        return sendError(reply, error);
      }
    });
  }

  app.get(SIGN_IN_PATH, async (request, reply) => {
    if (!enabled || sessions.read(request.headers) !== undefined) return reply.code(303).header('location', '/').send();
    return page(reply, 200, signInPage());
  });
  app.post(SIGN_IN_PATH, async (request, reply) => {
    if (!enabled) return reply.code(303).header('location', '/').send();
    if (!sameOrigin(request)) return page(reply, 403, signInPage({ error: 'Cross-origin sign-in refused.' }));
    const address = request.ip;
    if (recentFailures(address).length >= MAX_SIGN_IN_FAILURES)
      return page(
        reply,
        429,
        signInPage({ error: 'Too many failed sign-ins from this address: wait a few minutes and try again.' }),
      );
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const accessKeyId = form.get('accessKeyId') ?? '';
    const key = sessions.signIn(accessKeyId, form.get('secretAccessKey') ?? '');
    if (key === undefined) {
      failures.set(address, [...recentFailures(address), options.now()]);
      log.info({ requestId: request.id, accessKeyId, address }, 'console sign-in refused');
      return page(reply, 401, signInPage({ error: 'That access key ID and secret do not match.', accessKeyId }));
    }
    failures.delete(address);
    log.info({ requestId: request.id, principal: key.name ?? key.accessKeyId }, 'console sign-in');
    return reply
      .code(303)
      .header('set-cookie', sessions.open(key, secure(request)))
      .header('location', '/')
      .send();
  });
  app.post(SIGN_OUT_PATH, async (request, reply) => {
    if (!sameOrigin(request)) return sendError(reply, new ApiError('NotSignedIn', 'Cross-origin sign-out refused'));
    const cookie = sessions.close(sessions.read(request.headers), secure(request));
    return reply
      .code(303)
      .header('set-cookie', cookie)
      .header('location', enabled ? SIGN_IN_PATH : '/')
      .send();
  });
  // Who is signed in, for the console's header (and whether there is anything to sign in to).
  app.get('/console/api/session', async (request, reply) => {
    const session = enabled ? sessions.read(request.headers) : undefined;
    return reply.code(200).send({
      authentication: enabled,
      ...(session !== undefined
        ? { name: session.key.name ?? session.key.accessKeyId, expiresAt: session.expiresAt }
        : {}),
    });
  });
}

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', SIGN_IN_CSP)
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

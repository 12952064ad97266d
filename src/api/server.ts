/**
 * The AWS Step Functions API over the AWS JSON 1.0 protocol: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Action>`, a JSON body in, a JSON body out
 * (`application/x-amz-json-1.0`). Errors are `{"__type", "message"}` with the
 * `x-amzn-errortype` header; every response carries `x-amzn-requestid`. With access keys
 * configured, SigV4 signatures are verified and the console needs a sign-in (./auth/access.ts);
 * every request must name one of the server's host names (./host-check.ts).
 */
import { InFlight } from './in-flight.js';
import { classifyStoreFault, describeFault, StoreUnavailableError, type StoreHealth } from '../store/faults.js';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import { ActivityQueue } from '../integrations/activities/queue.js';
import { ExecutionService, type Executions } from '../engine/executions.js';
import { isJsonObject, type Json } from '../json.js';
import { jsonTooDeep, tooDeepMessage } from '../vocabulary/json-depth.js';
import type { ExecutionStore } from '../store/types.js';
import { Arns } from './arns.js';
import { registerConsoleApi } from './console/index.js';
import type { ApiContext } from './context.js';
import { ApiError } from './errors.js';
import { isActionName, operations } from './operations/index.js';
import { Request } from './request.js';
import { clientError, decodeUtf8 } from './edge.js';
import { registerMetrics, type MetricsEndpoint } from './metrics.js';
import { registerBackup, type BackupEndpoint } from './backup.js';
import { keepRawBody, registerAccess, type AccessOptions } from './auth/access.js';
import type { ApiThrottle } from './throttle.js';

export interface ApiServerOptions {
  store: ExecutionStore;
  engine: Engine;
  /** The activity integration's queue, where GetActivityTask waits (a fresh one when there is no such integration). */
  activities?: ActivityQueue;
  region: string;
  accountId: string;
  logger?: Logger;
  /** The built console (dist/console): served at `/` for GET requests no other route takes. */
  consoleDir?: string;
  /** Epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** Real time for signature dates and console sessions when `now` is a virtual clock; defaults to `now`. */
  realNow?: () => number;
  /** [0, 1); defaults to `Math.random` (alias routing). */
  random?: () => number;
  /** Defaults to `crypto.randomUUID` (execution names, revision ids, request ids). */
  uuid?: () => string;
  /** StartExecution's rules, shared with nested executions; defaults to a service over `store`, `now`, `random`, `uuid`. */
  executions?: Executions;
  /** The store's health as the commit path sees it: /healthz answers 503 while it is faulted. */
  storeHealth?: StoreHealth;
  /** The console's live event streams open at once (default 100); one more answers 429. */
  maxEventStreams?: number;
  /** Served at GET /metrics (Prometheus), and told of every request. */
  metrics?: MetricsEndpoint;
  /** GET /admin/backup: an online backup of the SQLite store (absent on PostgreSQL). */
  backup?: BackupEndpoint;
  /** Access keys (SigV4 on the API, sign-in on the console) and the host names answered. */
  access?: AccessOptions;
  /** Token buckets per API action (./throttle.ts); none: no throttling. */
  throttle?: ApiThrottle;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** Definitions go up to 1 MB; leave room for the rest of a request and JSON escaping. */
const BODY_LIMIT = 8 * 1024 * 1024;

export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const log = options.logger ?? pino({ level: 'silent' });
  const uuid = options.uuid ?? randomUUID;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const ctx: ApiContext = {
    store: options.store,
    engine: options.engine,
    activities: options.activities ?? new ActivityQueue(),
    executions: options.executions ?? new ExecutionService({ store: options.store, now, random, uuid }),
    arns: new Arns(options.region, options.accountId),
    now,
    random,
    uuid,
    log,
  };

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    genReqId: () => uuid(),
    // Errors fastify and node raise before a route runs, in AWS's shape too (see edge.ts).
    return503OnClosing: false,
    // At close, after the preClose hooks have ended the console's event streams and the activity
    // long polls have answered: drop every connection still open, so one a client keeps busy cannot
    // hold a stop up (an idle-only close waited on such a socket now and then).
    forceCloseConnections: true,
    frameworkErrors: (error, _request, reply) => {
      void sendError(reply, new ApiError('SerializationException', `Bad request: ${error.message}`));
    },
    clientErrorHandler: clientError,
  });
  // Take every body as bytes whatever its content type: a bad body must get AWS's error, not fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      keepRawBody(request, body as Buffer);
      done(null, decodeUtf8(body as Buffer));
    } catch (error) {
      done(error as Error);
    }
  });

  let closing = false;
  // API calls in progress; a stop lets them answer (and their commits finish) before connections drop.
  const inFlight = new InFlight();
  app.addHook('preClose', async () => {
    closing = true;
    await inFlight.idle();
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-requestid', request.id);
    if (closing) {
      reply.header('connection', 'close');
      return sendError(reply, new ApiError('ServiceUnavailable', 'The server is shutting down; retry on another node'));
    }
  });

  registerAccess(app, { ...options.access, region: options.region, now: options.realNow ?? now, log, sendError });

  app.get('/healthz', async (_request, reply) => {
    const report = options.storeHealth?.report() ?? { status: 'ok' };
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  if (options.metrics) registerMetrics(app, options.metrics);
  if (options.backup) registerBackup(app, options.backup);
  // Read-only endpoints the console needs besides the AWS API (the live history stream).
  registerConsoleApi(app, ctx, options.maxEventStreams !== undefined ? { maxStreams: options.maxEventStreams } : {});

  // The AWS API (SigV4 when keys are configured), and the same for the console (its session cookie).
  const api = (request: FastifyRequest, reply: FastifyReply) => inFlight.run(() => apiCall(request, reply));
  const apiCall = async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const target = request.headers['x-amz-target'];
    const action =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    try {
      if (action === undefined || !isActionName(action)) {
        throw new ApiError(
          'UnknownOperationException',
          `Unknown operation: ${typeof target === 'string' ? target : 'no X-Amz-Target header'}`,
        );
      }
      options.throttle?.take(action);
      const body = parseBody(request.body);
      const output = await operations[action](new Request(body), withDisconnectSignal(ctx, reply));
      log.debug({ requestId: request.id, action, status: 200, ms: elapsed(started) }, 'request');
      return send(reply, 200, output);
    } catch (error) {
      const apiError = toApiError(error);
      const context = {
        requestId: request.id,
        action,
        status: apiError.status,
        type: apiError.type,
        ms: elapsed(started),
      };
      // A faulted store is logged once by the commit path, not once per refused request.
      if (apiError.status >= 500 && apiError.type !== 'ServiceUnavailable')
        log.error({ ...context, err: error }, 'request failed');
      else log.debug({ ...context, message: apiError.message }, 'request');
      return sendError(reply, apiError);
    }
  };
  app.post('/', api);
  app.post('/console/api/aws', api);

  // Anything fastify itself rejects (oversized body, unknown route) still answers in AWS's shape.
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    const apiError =
      error instanceof ApiError
        ? error
        : status === 413
          ? new ApiError('SerializationException', 'Request body too large')
          : status < 500
            ? new ApiError('SerializationException', error.message ?? 'Bad request')
            : new ApiError('InternalFailure', 'An internal error occurred');
    log.warn({ requestId: request.id, status, err: error }, 'request rejected');
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (
      options.consoleDir &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !request.url.startsWith('/console/api/')
    ) {
      const served = await serveConsole(options.consoleDir, request.url, reply);
      if (served) return served;
    }
    log.debug({ requestId: request.id, method: request.method, url: request.url }, 'no route');
    return sendError(
      reply,
      new ApiError('UnknownOperationException', `Unknown operation: ${request.method} ${request.url}`),
    );
  });

  return app;
}

const consoleTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The console's files from `root`; any other path (a page of the single-page app) gets index.html.
 * Paths are decoded and resolved inside `root` only. Undefined when the console is not built.
 */
async function serveConsole(root: string, url: string, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const base = resolve(root);
  let path: string;
  try {
    path = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const candidate = resolve(join(base, path));
  const inside = candidate === base || candidate.startsWith(base + sep);
  let file = join(base, 'index.html');
  if (inside && candidate !== base) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) file = candidate;
    // A missing asset is a 404, not the app: only extension-less paths are pages.
    else if (extname(path) !== '') return undefined;
  }
  const body = await readFile(file).catch(() => undefined);
  if (body === undefined) return undefined;
  const type = consoleTypes[extname(file)] ?? 'application/octet-stream';
  const immutable = file.startsWith(join(base, 'assets') + sep);
  return reply
    .code(200)
    .header('content-type', type)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .send(body);
}

function parseBody(body: unknown): Record<string, Json> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'string') throw new ApiError('SerializationException', 'Request body must be a JSON object');
  if (jsonTooDeep(body)) throw new ApiError('SerializationException', tooDeepMessage('The request body'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ApiError(
      'SerializationException',
      `Malformed request body: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isJsonObject(parsed))
    throw new ApiError(
      'SerializationException',
      'Start of structure or map expected: the request body must be a JSON object',
    );
  return parsed as Record<string, Json>;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A store that cannot write (disk full, I/O error, connection lost) is the service's state, not a bug.
  const fault = classifyStoreFault(error);
  if (fault) {
    const message =
      error instanceof StoreUnavailableError
        ? error.message
        : `The store cannot write: ${describeFault(fault)}; retry later`;
    return new ApiError('ServiceUnavailable', message);
  }
  return new ApiError('InternalFailure', 'An internal error occurred');
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A Buffer, so fastify does not append "; charset=utf-8" to AWS's content type.
  return reply
    .code(status)
    .header('content-type', CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(body), 'utf8'));
}

function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  reply.header('x-amzn-errortype', error.type);
  return send(reply, error.status, error.toBody());
}

/** The context with `signal`, made on first use (only long polls read it). */
function withDisconnectSignal(ctx: ApiContext, reply: FastifyReply): ApiContext {
  return new RequestContext(ctx, reply);
}

/**
 * The server's context and one request's `signal`. A class with its fields copied one by one: an
 * object literal spreading the context next to a getter is built in V8's slow dictionary mode.
 */
class RequestContext implements ApiContext {
  readonly store: ApiContext['store'];
  readonly engine: ApiContext['engine'];
  readonly activities: ApiContext['activities'];
  readonly executions: ApiContext['executions'];
  readonly arns: ApiContext['arns'];
  readonly now: ApiContext['now'];
  readonly random: ApiContext['random'];
  readonly uuid: ApiContext['uuid'];
  readonly log: ApiContext['log'];
  private aborted: AbortSignal | undefined;

  constructor(
    ctx: ApiContext,
    private readonly reply: FastifyReply,
  ) {
    this.store = ctx.store;
    this.engine = ctx.engine;
    this.activities = ctx.activities;
    this.executions = ctx.executions;
    this.arns = ctx.arns;
    this.now = ctx.now;
    this.random = ctx.random;
    this.uuid = ctx.uuid;
    this.log = ctx.log;
  }

  get signal(): AbortSignal {
    return (this.aborted ??= disconnected(this.reply));
  }
}

/** Aborted if the connection closes before the response is sent. */
function disconnected(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/**
 * The console's one live channel: an execution's history as server-sent events.
 *
 *   GET /console/api/executions/<url-encoded executionArn>/events?after=<eventId>
 *
 * Answers `text/event-stream`: the history events after `after` (or the `Last-Event-ID` header an
 * EventSource sends when it reconnects; 0 when neither is given) in batches of up to PAGE_SIZE, each
 * batch one message:
 *
 *   id: <id of the last event in the batch>
 *   event: events
 *   data: {"events":[ ...as GetExecutionHistory returns them (timestamps in epoch seconds)... ]}
 *
 * then the new events as they are committed, then `event: end` with `{"status": "SUCCEEDED"}` (or
 * FAILED, TIMED_OUT, ABORTED) once the execution is no longer RUNNING and every event has been sent;
 * the stream closes after it. A `: keep-alive` comment goes out every KEEP_ALIVE_MS. An unknown ARN
 * is a 404 with AWS's JSON error body; an ARN that is not an execution's, a 400. At most
 * `maxStreams` are open at once on a server (--max-event-streams); one more is a 429 with a
 * ThrottlingException body, before anything is read.
 *
 * New events are found by polling the store (`getHistory(arn, { afterId })`, one indexed range read)
 * every POLL_MS while a client is connected, rather than by a notifier in the engine: it sees every
 * commit whichever process or node made it (a second server on the same SQLite file, PostgreSQL
 * nodes later), needs nothing from the engine, and costs one small query per viewer per 200 ms —
 * a latency nobody watching a graph notices. A notifier can replace the sleep later without
 * changing the protocol.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionRecord } from '../../store/types.js';
import type { ApiContext } from '../context.js';
import { DEFAULT_MAX_EVENT_STREAMS } from '../../engine/quotas.js';
import { ApiError } from '../errors.js';
import { standardExecution } from '../executions.js';
import { serialiseEvent } from '../operations/get-execution-history.js';

export const EVENTS_ROUTE = '/console/api/executions/:executionArn/events';

export interface ConsoleEventsOptions {
  /** How often the store is asked for new events (default 200 ms). */
  pollMs?: number;
  /** Events per message (default 500). */
  pageSize?: number;
  /** How often a keep-alive comment is sent (default 15 s). */
  keepAliveMs?: number;
  /** Streams open at once on this server (default 100); one more answers 429. */
  maxStreams?: number;
}

const POLL_MS = 200;
const PAGE_SIZE = 500;
const KEEP_ALIVE_MS = 15_000;

function startAfter(
  request: FastifyRequest<{ Params: { executionArn: string }; Querystring: { after?: string } }>,
): number {
  const header = request.headers['last-event-id'];
  const text = request.query.after ?? (typeof header === 'string' ? header : undefined);
  if (text === undefined || text === '') return 0;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ApiError('ValidationException', `after must be a history event id (a whole number), not '${text}'`);
  return value;
}

function sendJsonError(reply: FastifyReply, error: unknown): FastifyReply {
  const apiError = error instanceof ApiError ? error : new ApiError('InternalFailure', 'An internal error occurred');
  const status =
    apiError.type === 'ExecutionDoesNotExist' ? 404 : apiError.type === 'ThrottlingException' ? 429 : apiError.status;
  return reply.code(status).header('x-amzn-errortype', apiError.type).send(apiError.toBody());
}

export function registerConsoleEvents(app: FastifyInstance, ctx: ApiContext, options: ConsoleEventsOptions = {}): void {
  const pollMs = options.pollMs ?? POLL_MS;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_EVENT_STREAMS;
  /** Open streams, ended when the server closes (an open stream would otherwise hold close() up). */
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of [...open]) stop();
  });

  app.get<{ Params: { executionArn: string }; Querystring: { after?: string } }>(
    EVENTS_ROUTE,
    async (request, reply) => {
      let execution: ExecutionRecord;
      let after: number;
      try {
        if (open.size >= maxStreams)
          throw new ApiError(
            'ThrottlingException',
            `Rate exceeded: ${maxStreams} event streams are open on this server (--max-event-streams)`,
          );
        after = startAfter(request);
        execution = await standardExecution(ctx, request.params.executionArn);
      } catch (error) {
        return sendJsonError(reply, error);
      }
      const arn = execution.arn;

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': stepwise execution events\nretry: 1000\n\n');

      let closed = false;
      let wake: (() => void) | undefined;
      const stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        open.delete(stop);
        wake?.();
        raw.end();
      };
      open.add(stop);
      request.raw.on('close', stop);
      raw.on('close', stop);
      raw.on('error', stop);
      const keepAlive = setInterval(() => {
        if (!closed) raw.write(': keep-alive\n\n');
      }, keepAliveMs);
      keepAlive.unref();

      const write = async (text: string): Promise<void> => {
        if (closed) return;
        if (!raw.write(text)) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            raw.once('drain', resolve);
          });
          wake = undefined;
        }
      };
      const sleep = () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }).finally(() => {
          wake = undefined;
        });

      try {
        while (!closed) {
          const events = await ctx.store.getHistory(arn, { afterId: after, limit: pageSize });
          if (events.length > 0) {
            after = events[events.length - 1]!.id;
            const data = JSON.stringify({ events: events.map((event) => serialiseEvent(event, true)) });
            await write(`id: ${after}\nevent: events\ndata: ${data}\n\n`);
            continue;
          }
          // Status and the last events commit together: once it is not RUNNING, one more (empty) read
          // above this line has already seen everything.
          const current = await ctx.store.getExecution(arn);
          if (current === undefined || current.status !== 'RUNNING') {
            const rest = await ctx.store.getHistory(arn, { afterId: after, limit: 1 });
            if (rest.length > 0) continue;
            await write(`event: end\ndata: ${JSON.stringify({ status: current?.status ?? 'UNKNOWN' })}\n\n`);
            break;
          }
          await sleep();
        }
      } catch (error) {
        ctx.log.error({ err: error, executionArn: arn }, 'console event stream failed');
        if (!closed) raw.write(`event: error\ndata: ${JSON.stringify({ message: 'the event stream failed' })}\n\n`);
      } finally {
        stop();
      }
    },
  );
}

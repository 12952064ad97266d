/**
 * The virtual clock over HTTP (`stepwise serve --clock virtual`), for tests that drive Stepwise
 * through the AWS SDK:
 *
 *   GET  /stepwise/clock                   {"mode":"virtual","now":"...","epochMillis":...,"nextTimer":"..."|null}
 *   POST /stepwise/clock/advance           {"seconds": 3600} | {"milliseconds": 500} | {"to": "2030-01-01T00:00:00Z"}
 *   POST /stepwise/clock/next              fires the next due timer (moving the clock to it)
 *
 * Advancing answers once every timer due on the way has fired at its own time and what it started
 * has settled (../engine/time-skipping.ts), with the timers that fired. Bad input is a 400
 * ValidationException; with the real clock every route answers 404, both in AWS's error shape.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ClockBackwardsError } from '../engine/virtual-clock.js';
import type { FiredTimer, SkipResult, TimeSkipping } from '../engine/time-skipping.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
export const CLOCK_PATH = '/stepwise/clock';

class ClockRequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const OFF = new ClockRequestError(
  404,
  'UnknownOperationException',
  'The virtual clock is off: start the server with --clock virtual (or STEPWISE_CLOCK=virtual) to move time over the API',
);

export function registerClockRoutes(app: FastifyInstance, skipping: TimeSkipping | undefined): void {
  app.get(CLOCK_PATH, async (_request, reply) =>
    answer(reply, async () => {
      const on = enabled(skipping);
      const next = await on.nextTimerAt();
      return {
        mode: 'virtual',
        now: iso(on.clock.now()),
        epochMillis: on.clock.now(),
        nextTimer: next === undefined ? null : iso(next),
      };
    }),
  );
  app.post(`${CLOCK_PATH}/advance`, async (request, reply) =>
    answer(reply, async () => {
      const on = enabled(skipping);
      const target = advanceTarget(request.body, on.clock.now());
      return skipped(await on.advanceTo(target));
    }),
  );
  app.post(`${CLOCK_PATH}/next`, async (_request, reply) =>
    answer(reply, async () => skipped(await enabled(skipping).runNextTimer())),
  );
}

function enabled(skipping: TimeSkipping | undefined): TimeSkipping {
  if (!skipping) throw OFF;
  return skipping;
}

/** The time an advance request asks for: exactly one of seconds, milliseconds (from now, >= 0) or to (a time). */
export function advanceTarget(body: unknown, now: number): number {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw invalid(
        'The body must be JSON: {"seconds": 3600}, {"milliseconds": 500} or {"to": "2030-01-01T00:00:00Z"}',
      );
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('The body must be a JSON object: {"seconds": 3600}, {"milliseconds": 500} or {"to": "..."}');
  const fields = parsed as Record<string, unknown>;
  const given = ['seconds', 'milliseconds', 'to'].filter((k) => fields[k] !== undefined);
  const unknown = Object.keys(fields).filter((k) => !['seconds', 'milliseconds', 'to'].includes(k));
  if (unknown.length > 0)
    throw invalid(`Unknown field ${unknown.map((k) => `'${k}'`).join(', ')}: expected seconds, milliseconds or to`);
  if (given.length !== 1) throw invalid('Give exactly one of seconds, milliseconds or to');
  const key = given[0];
  const value = fields[key];
  if (key === 'to') {
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(at))
      throw invalid(`'to' must be an ISO 8601 time such as 2030-01-01T00:00:00Z, not ${JSON.stringify(value)}`);
    if (at < now) throw invalid(`The virtual clock cannot go back: it is ${iso(now)}, ${iso(at)} is earlier`);
    return at;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`'${key}' must be a number, not ${JSON.stringify(value)}`);
  if (value < 0) throw invalid(`'${key}' must not be negative (${value}): the virtual clock cannot go back`);
  const ms = key === 'seconds' ? value * 1000 : value;
  const at = now + Math.round(ms);
  if (!Number.isFinite(at) || Math.abs(at) > 8.64e15) throw invalid(`'${key}' is too large: ${value}`);
  return at;
}

function invalid(message: string): ClockRequestError {
  return new ClockRequestError(400, 'ValidationException', message);
}

function skipped(result: SkipResult): Record<string, unknown> {
  return { now: iso(result.now), epochMillis: result.now, fired: result.fired.map(firedJson) };
}

function firedJson(timer: FiredTimer): Record<string, unknown> {
  switch (timer.kind) {
    case 'timer':
      return { executionArn: timer.executionArn, timerId: timer.timerId, fireAt: iso(timer.fireAt) };
    case 'inMemory':
      return { express: true, fireAt: iso(timer.fireAt) };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function answer(reply: FastifyReply, run: () => Promise<Record<string, unknown>>): Promise<FastifyReply> {
  try {
    return send(reply, 200, await run());
  } catch (error) {
    const failure =
      error instanceof ClockRequestError
        ? error
        : error instanceof ClockBackwardsError
          ? invalid(error.message)
          : new ClockRequestError(500, 'InternalFailure', 'An internal error occurred');
    reply.header('x-amzn-errortype', failure.type);
    return send(reply, failure.status, { __type: failure.type, message: failure.message });
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(body), 'utf8'));
}

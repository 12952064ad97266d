/**
 * A client for the server's virtual clock (`stepwise serve --clock virtual`), for tests that drive
 * Stepwise through the AWS SDK:
 *
 *   const clock = virtualClock('http://127.0.0.1:8083');
 *   await clock.advance({ seconds: 3600 }); // every timer due within the hour fires, in order
 *   await clock.runNextTimer();             // or: straight to the next timer
 */

/** A timer that fired: a Standard execution's timer, or an Express execution's in-memory one. */
export interface FiredTimerInfo {
  executionArn?: string;
  timerId?: string;
  express?: boolean;
  /** ISO 8601. */
  fireAt: string;
}

export interface ClockMove {
  /** The clock afterwards. */
  now: Date;
  /** The timers that fired, in the order they fired. */
  fired: FiredTimerInfo[];
}

/** How far to move: milliseconds (a number), or seconds, milliseconds or a time to move to. */
export type AdvanceBy = number | { seconds: number } | { milliseconds: number } | { to: Date | string };

export interface VirtualClockClient {
  /** The server's time. */
  now(): Promise<Date>;
  /** When the next timer fires (undefined: none is set). */
  nextTimer(): Promise<Date | undefined>;
  /** Moves the clock forward, firing every timer due on the way at its own time. */
  advance(by: AdvanceBy): Promise<ClockMove>;
  /** Moves the clock to the next timer and fires it (fired is empty when there is none). */
  runNextTimer(): Promise<ClockMove>;
}

/** The server answered with an error (AWS's shape: `__type` and `message`). */
export class VirtualClockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'VirtualClockError';
  }
}

export function virtualClock(endpointUrl: string): VirtualClockClient {
  const base = endpointUrl.replace(/\/+$/, '');
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}/stepwise/clock${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok)
      throw new VirtualClockError(
        response.status,
        typeof parsed.__type === 'string' ? parsed.__type : 'UnknownError',
        typeof parsed.message === 'string' ? parsed.message : `HTTP ${response.status}`,
      );
    return parsed;
  };
  const move = (answer: Record<string, unknown>): ClockMove => ({
    now: new Date(answer.epochMillis as number),
    fired: (answer.fired as FiredTimerInfo[] | undefined) ?? [],
  });
  return {
    now: async () => new Date((await call('GET', '')).epochMillis as number),
    nextTimer: async () => {
      const next = (await call('GET', '')).nextTimer;
      return typeof next === 'string' ? new Date(next) : undefined;
    },
    advance: async (by) => {
      const body =
        typeof by === 'number'
          ? { milliseconds: by }
          : 'to' in by
            ? { to: by.to instanceof Date ? by.to.toISOString() : by.to }
            : by;
      return move(await call('POST', '/advance', body));
    },
    runNextTimer: async () => move(await call('POST', '/next')),
  };
}

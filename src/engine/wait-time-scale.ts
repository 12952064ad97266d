/**
 * WAIT_TIME_SCALE: Wait timers fire after their duration times the wait scale, Retry backoffs after
 * theirs times the retry scale (the wait scale unless told otherwise: Step Functions Local's
 * WAIT_TIME_SCALE scales Wait states alone); timeouts and heartbeats keep their length. One rule
 * for the durable engine (`serve --wait-time-scale`) and the in-memory runner (`run --wait-time-scale`).
 */
import type { Command, TimerPurpose } from '../interpreter/types.js';
import { assertNever } from '../vocabulary/states-errors.js';

/** The commands with each Wait and Retry timer's delay from `now` multiplied by its scale. */
export function scaleTimers(commands: Command[], now: number, waitScale: number, retryScale = waitScale): Command[] {
  if ((waitScale === 1 && retryScale === 1) || !commands.some((c) => c.kind === 'startTimer')) return commands;
  return commands.map((c) => {
    if (c.kind !== 'startTimer') return c;
    const scale = scaleOf(c.purpose, waitScale, retryScale);
    return scale === 1 ? c : { ...c, fireAt: now + Math.round(Math.max(0, c.fireAt - now) * scale) };
  });
}

/** The scale of a timer: Wait states' and Retry backoffs' are set, timeouts keep their length. */
function scaleOf(purpose: TimerPurpose, waitScale: number, retryScale: number): number {
  switch (purpose) {
    case 'wait':
      return waitScale;
    case 'retry':
      return retryScale;
    case 'taskTimeout':
    case 'heartbeat':
    case 'executionTimeout':
      return 1;
    default:
      return assertNever(purpose, 'timer purpose');
  }
}

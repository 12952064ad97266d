/**
 * WAIT_TIME_SCALE: Wait and Retry timers fire after their duration times the scale; timeouts and
 * heartbeats keep theirs. One rule for the durable engine (`serve --wait-time-scale`) and the
 * in-memory runner (`run --wait-time-scale`).
 */
import type { Command, TimerPurpose } from '../interpreter/types.js';
import { assertNever } from '../vocabulary/states-errors.js';

/** The commands with each Wait and Retry timer's delay from `now` multiplied by `scale`. */
export function scaleTimers(commands: Command[], now: number, scale: number): Command[] {
  if (scale === 1 || !commands.some((c) => c.kind === 'startTimer')) return commands;
  return commands.map((c) =>
    c.kind === 'startTimer' && scaled(c.purpose)
      ? { ...c, fireAt: now + Math.round(Math.max(0, c.fireAt - now) * scale) }
      : c,
  );
}

/** Whether WAIT_TIME_SCALE applies to a timer: Wait states and Retry backoffs, not timeouts. */
function scaled(purpose: TimerPurpose): boolean {
  switch (purpose) {
    case 'wait':
    case 'retry':
      return true;
    case 'taskTimeout':
    case 'heartbeat':
    case 'executionTimeout':
      return false;
    default:
      return assertNever(purpose, 'timer purpose');
  }
}

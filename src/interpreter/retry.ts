/** Matching errors against Retry and Catch, and the backoff of a retry. */
import { StatesErrors } from './errors.js';
import type { Retrier } from './compiled.js';

/**
 * Whether an ErrorEquals list matches an error name. States.ALL matches everything except
 * States.Runtime and States.DataLimitExceeded, which only match by name; States.TaskFailed
 * matches every error but States.Timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: string | undefined): boolean {
  const name = error ?? '';
  for (const candidate of errorEquals) {
    if (candidate === name) return true;
    const catchable = name !== StatesErrors.Runtime && name !== StatesErrors.DataLimitExceeded;
    if (candidate === StatesErrors.ALL && catchable) return true;
    if (candidate === StatesErrors.TaskFailed && catchable && name !== StatesErrors.Timeout) return true;
  }
  return false;
}

/** The delay before retry number `attempt` (0-based) of a retrier, in milliseconds. */
export function backoffMillis(retrier: Retrier, attempt: number, random: () => number): number {
  let seconds = retrier.intervalSeconds * Math.pow(retrier.backoffRate, attempt);
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  if (retrier.jitter === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

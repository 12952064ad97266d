/** Retry: compiling a state's retriers, matching errors against them, and deciding a retry. */
import { isJsonObject, type Json } from '../../json.js';
import type { Retrier } from '../compiled.js';
import { StatesErrors } from '../../vocabulary/states-errors.js';

export function compileRetry(raw: Json | undefined): Retrier[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r) => ({
    errorEquals: stringArray(r.ErrorEquals),
    intervalSeconds: typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1,
    maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
    backoffRate: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
    maxDelaySeconds: typeof r.MaxDelaySeconds === 'number' ? r.MaxDelaySeconds : undefined,
    jitter: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
  }));
}

export function stringArray(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

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

/** A retry: which retrier, how many retries it had made before this one, and the backoff. */
export interface RetryDecision {
  retryIndex: number;
  attempt: number;
  backoffMs: number;
}

/**
 * The first retrier whose ErrorEquals matches decides: a retry while it has attempts left
 * (`attempts`: the retries each retrier has made), else none, whatever later retriers say.
 */
export function decideRetry(
  retriers: readonly Retrier[],
  attempts: readonly number[],
  error: string | undefined,
  random: () => number,
): RetryDecision | undefined {
  const retryIndex = retriers.findIndex((r) => errorMatches(r.errorEquals, error));
  const retrier = retriers[retryIndex];
  if (!retrier) return undefined;
  const attempt = attempts[retryIndex] ?? 0;
  if (attempt >= retrier.maxAttempts) return undefined;
  return { retryIndex, attempt, backoffMs: backoffMillis(retrier, attempt, random) };
}

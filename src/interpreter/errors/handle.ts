/**
 * What a state's error comes to: Retry first, then Catch, else the frame fails. Executions and
 * TestState both take this decision; only an execution then acts on a retry (its backoff timer).
 */
import type { ErrorOutcome } from '../outcome.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import { decideCatch, type CatchDecision } from './catch.js';
import { decideRetry, type RetryDecision } from './retry.js';

export type ErrorDecision =
  | ({ kind: 'retry' } & RetryDecision)
  | ({ kind: 'caught' } & CatchDecision)
  | { kind: 'failed'; failure: ErrorOutcome };

/** Throws the StatesError of a catcher that cannot be evaluated. */
export async function decideError(run: StepContext, frame: Frame, failure: ErrorOutcome): Promise<ErrorDecision> {
  const state = run.current(frame);
  const retry = decideRetry(state.retry, frame.retryAttempts, failure.error, () => run.rt.random());
  if (retry) return { kind: 'retry', ...retry };
  if (!failure.quiet) {
    if (state.type === 'Map') run.emit(frame, 'MapStateFailed');
    if (state.type === 'Parallel') run.emit(frame, 'ParallelStateFailed');
  }
  const caught = await decideCatch(run, frame, state, failure);
  return caught ? { kind: 'caught', ...caught } : { kind: 'failed', failure };
}

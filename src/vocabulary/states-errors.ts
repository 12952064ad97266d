/**
 * ASL runtime failures (error layer 2). Names are spelled exactly as AWS spells them.
 * The query layer throws `StatesError` with the detail text only; the interpreter prefixes
 * AWS's "An error occurred while executing the state 'X' (entered at the event id #N). " where AWS does.
 */
import { HISTORY_EVENT_QUOTA } from './limits.js';

export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  BranchFailed: 'States.BranchFailed',
  IntrinsicFailure: 'States.IntrinsicFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  HttpSocket: 'States.Http.Socket',
} as const;

export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string;
  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }
}

export function runtimeError(cause: string): StatesError {
  return new StatesError(StatesErrors.Runtime, cause);
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

export { HISTORY_EVENT_QUOTA };
/** An execution ran past the runner's deadline (Express: the five-minute maximum duration). */
export const MAX_DURATION_CAUSE = 'The execution reached its maximum duration.';
export const HISTORY_QUOTA_CAUSE = `The execution has reached the maximum number of history events (${HISTORY_EVENT_QUOTA}).`;

/** The cause of an in-memory run failed for the bytes of history it held. */
export function historyBytesCause(limit: number): string {
  return (
    `The execution's history held in memory exceeded ${limit} bytes ` +
    `(--max-history-bytes-in-memory, STEPWISE_MAX_HISTORY_BYTES_IN_MEMORY).`
  );
}

/** Thrown by the run when its events pass the history bytes limit; the step then fails the execution. */
export class HistoryBytesLimitReached extends Error {
  constructor(readonly limit: number) {
    super('history bytes limit reached');
    this.name = 'HistoryBytesLimitReached';
  }
}

/** Thrown by the run when the next event would pass the history limit; the step then fails the execution. */
export class HistoryLimitReached extends Error {
  constructor() {
    super('history limit reached');
    this.name = 'HistoryLimitReached';
  }
}

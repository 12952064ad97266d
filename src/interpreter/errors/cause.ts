/** The failure an execution records for a StatesError thrown while a state runs. */
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { ErrorOutcome } from '../outcome.js';
import type { Frame } from '../types.js';

/** Errors whose cause AWS does not prefix with "An error occurred while executing the state ...". */
const UNPREFIXED_ERRORS: ReadonlySet<string> = new Set([StatesErrors.DataLimitExceeded]);

/** A StatesError as an error outcome, with AWS's cause prefix; anything else is a defect and propagates. */
export function stateFailure(frame: Frame, e: unknown): ErrorOutcome & { error: string; cause: string } {
  if (!(e instanceof StatesError)) throw e;
  const cause = UNPREFIXED_ERRORS.has(e.error)
    ? e.cause
    : `An error occurred while executing the state '${frame.stateName}' (entered at the event id #${frame.enteredEventId}). ${e.cause}`;
  return { kind: 'error', error: e.error, cause, quiet: e.error === StatesErrors.Runtime };
}

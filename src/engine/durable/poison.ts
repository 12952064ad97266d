/**
 * Poison executions: an execution whose work crashed the process (or froze it until it was killed)
 * must not be able to do so for ever. Each execution row counts the process endings it has seen
 * with work in flight and no step committed since (ExecutionRecord.processEndings). Recovery counts
 * one more before it runs that work again, persisted first; any committed step sets the count back
 * (./step-commit.ts). At the bound the execution is failed with States.Runtime instead.
 *
 * The count is of process endings, not proof of guilt: an execution whose work was in flight when
 * something else ended the process, the same number of times in a row, is failed too.
 */
import type { Signal } from '../../interpreter/types.js';
import type { Commit, ExecutionRecord, TaskRecord } from '../../store/types.js';
import { StatesErrors } from '../../vocabulary/states-errors.js';

export const DEFAULT_MAX_PROCESS_ENDING_ATTEMPTS = 3;

/** What recovery does with one RUNNING execution. */
export type Recovery =
  /** Nothing of it runs now (it waits on a later timer, a callback, an activity worker): not counted. */
  | { kind: 'idle' }
  /** Its work runs again, after this commit of the count (one more process ending) is stored. */
  | { kind: 'count'; commit: Commit }
  /** It ended the process too often: this signal fails it. */
  | { kind: 'fail'; signal: Signal };

/**
 * Whether it had work running in this process when the process ended (a due timer, an outbox task
 * that runs here: all but activity tasks, which wait for a worker), and what to do about it.
 */
export function recoveryOf(
  record: ExecutionRecord,
  tasks: readonly TaskRecord[],
  timerDue: boolean,
  maxAttempts: number,
): Recovery {
  const inFlight = timerDue || tasks.some((task) => !isActivityResource(task.resource));
  if (!inFlight) return { kind: 'idle' };
  const endings = (record.processEndings ?? 0) + 1;
  if (endings >= maxAttempts) {
    return { kind: 'fail', signal: { kind: 'fail', error: StatesErrors.Runtime, cause: poisonCause(endings) } };
  }
  return {
    kind: 'count',
    commit: {
      expectedVersion: record.version,
      execution: { ...record, processEndings: endings, version: record.version + 1 },
      events: [],
      timersAdded: [],
      timersRemoved: [],
      tasksAdded: [],
      tasksRemoved: [],
    },
  };
}

export function poisonCause(endings: number): string {
  return (
    `The execution ended the process ${endings} times: the server stopped (crashed, or was killed while ` +
    `unresponsive) while running it, each time before it could take another step. It is not run again ` +
    `(--max-process-ending-attempts, STEPWISE_MAX_PROCESS_ENDING_ATTEMPTS).`
  );
}

function isActivityResource(resource: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource);
}

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
import { assertNever, StatesErrors } from '../../vocabulary/states-errors.js';
import type { Actor, Actors } from './actor.js';
import type { DurableContext } from './context.js';

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

/**
 * A node of several takes over an execution whose node died holding it: before its outbox tasks
 * run again, that death is counted (in a commit fenced by `lease`), or at the bound the execution
 * is failed instead. 'run' when its tasks should run again.
 */
export async function countTakeover(
  ctx: DurableContext,
  actors: Actors,
  arn: string,
  actor: Actor,
  tasks: readonly TaskRecord[],
  lease: Commit['lease'],
): Promise<'run' | 'failed'> {
  const recovery = recoveryOf(actor.record, tasks, false, ctx.maxProcessEndingAttempts);
  switch (recovery.kind) {
    case 'idle':
      return 'run';
    case 'count': {
      const commit: Commit = { ...recovery.commit, ...(lease ? { lease } : {}) };
      // A conflict: it moved on meanwhile (progress), so its tasks run as they are.
      if ((await ctx.commits.submit(commit)) === 'ok') actor.record = commit.execution;
      return 'run';
    }
    case 'fail':
      ctx.log?.warn(
        { executionArn: arn, processEndings: actor.record.processEndings ?? 0 },
        'failing a poison execution',
      );
      actors.push(arn, actor, { signal: recovery.signal });
      return 'failed';
    default:
      return assertNever(recovery, 'recovery');
  }
}

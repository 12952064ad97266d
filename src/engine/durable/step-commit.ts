/**
 * What one step commits: the execution row after it, its new history events, and the timer and
 * outbox rows it adds and removes. A pure function of the record before, the signal, the step's
 * result, the time and the lease, so it can be tested without a store.
 */
import type { Command, Signal, StepResult } from '../../interpreter/types.js';
import { encodeInvokeTask } from '../../store/codecs.js';
import type { Commit, ExecutionRecord } from '../../store/types.js';
import { assertNever } from '../../vocabulary/states-errors.js';

/**
 * The commit of one step; its `execution` is the record after the step. `lease`: on a node of
 * several, the lease the commit is fenced by (see Commit.lease). `inboxId`: the inbox signal this
 * step applied (or ignored), settled with it.
 */
export function toCommit(
  before: ExecutionRecord,
  signal: Signal,
  result: StepResult,
  now: number,
  lease?: Commit['lease'],
  inboxId?: number,
): Commit {
  const state = result.state;
  const record: ExecutionRecord = {
    ...before,
    state,
    status: state.status,
    version: before.version + 1,
    historyLength: before.historyLength + result.events.length,
  };
  // A committed step is progress: the count of process endings without progress starts again.
  delete record.processEndings;
  if (signal.kind === 'redrive' && state.status === 'RUNNING') {
    record.redriveCount = before.redriveCount + 1;
    record.redriveDate = now;
    delete record.stopDate;
    delete record.output;
    delete record.error;
    delete record.cause;
  }
  if (state.status !== 'RUNNING') {
    record.stopDate = now;
    if (state.output !== undefined) record.output = JSON.stringify(state.output);
    if (state.error !== undefined) record.error = state.error;
    if (state.cause !== undefined) record.cause = state.cause;
  }
  const commit: Commit = {
    expectedVersion: before.version,
    execution: record,
    events: result.events,
    timersAdded: [],
    timersRemoved: signal.kind === 'timerFired' ? [signal.timerId] : [],
    tasksAdded: [],
    // Only a result settles a task: started, heartbeat and submitted signals keep its outbox row.
    tasksRemoved: signal.kind === 'taskSucceeded' || signal.kind === 'taskFailed' ? [signal.taskId] : [],
  };
  // A timer or task started and cancelled within this step (e.g. the execution timeout of an
  // execution that ended at once) gets no row: the store applies removals before additions.
  const { timers: cancelledTimers, tasks: cancelledTasks } = cancelledIn(result.commands);
  for (const command of result.commands) {
    switch (command.kind) {
      case 'startTimer':
        if (cancelledTimers.has(command.timerId)) break;
        commit.timersAdded.push({ executionArn: record.arn, timerId: command.timerId, fireAt: command.fireAt });
        break;
      case 'cancelTimer':
        commit.timersRemoved.push(command.timerId);
        break;
      case 'invokeTask':
        if (cancelledTasks.has(command.taskId)) break;
        commit.tasksAdded.push({
          executionArn: record.arn,
          taskId: command.taskId,
          resource: command.resource,
          command: encodeInvokeTask(command),
          createdAt: now,
        });
        break;
      case 'cancelTask':
        commit.tasksRemoved.push(command.taskId);
        break;
      default:
        assertNever(command, 'command');
    }
  }
  if (lease) commit.lease = lease;
  if (inboxId !== undefined) commit.signalsSettled = [{ id: inboxId, accepted: changes(result) }];
  return commit;
}

/** Timers and tasks a step's commands cancel (possibly right after starting them). */
export function cancelledIn(commands: readonly Command[]): { timers: Set<string>; tasks: Set<string> } {
  const timers = new Set<string>();
  const tasks = new Set<string>();
  for (const command of commands) {
    if (command.kind === 'cancelTimer') timers.add(command.timerId);
    else if (command.kind === 'cancelTask') tasks.add(command.taskId);
  }
  return { timers, tasks };
}

/** Whether a step starts a task (which runs in this process, so its execution keeps the lease). */
export function startsTask(commands: readonly Command[]): boolean {
  return commands.some((c) => c.kind === 'invokeTask');
}

/** Whether a step changed anything (a signal that changes nothing was not awaited). */
export function changes(result: StepResult): boolean {
  return result.events.length > 0 || result.commands.length > 0;
}

/**
 * Runs an `invokeTask` command through a handler registered for its resource, and turns the outcome
 * into the signal the interpreter expects. Used by the in-memory runner (the library's `execute`).
 */
import type { Signal } from '../interpreter/types.js';
import { runTaskHandler, type InvokeTaskCommand, type TaskHandler, type TaskOutcome } from './ports.js';

export type { InvokeTaskCommand, TaskContext, TaskHandler } from './ports.js';
export { TaskFailure } from '../vocabulary/task-failure.js';

export async function invokeTask(handlers: Record<string, TaskHandler>, command: InvokeTaskCommand): Promise<Signal> {
  const handler = handlers[command.resource];
  if (!handler) {
    return {
      kind: 'taskFailed',
      taskId: command.taskId,
      error: 'States.TaskFailed',
      cause: `No handler is registered for the resource '${command.resource}'`,
    };
  }
  const outcome = await runTaskHandler(handler, command.parameters, {
    resource: command.resource,
    stateName: command.stateName,
    attempt: command.attempt,
    ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
  });
  return outcomeSignal(command.taskId, outcome);
}

/** A task's outcome as the interpreter's signal; `pending` has no signal yet, so it cannot be used here. */
export function outcomeSignal(taskId: string, outcome: TaskOutcome): Signal {
  switch (outcome.kind) {
    case 'succeeded':
      return { kind: 'taskSucceeded', taskId, output: outcome.output };
    case 'failed':
      return {
        kind: 'taskFailed',
        taskId,
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
      };
    case 'pending':
      return {
        kind: 'taskFailed',
        taskId,
        error: 'States.TaskFailed',
        cause: 'execute() cannot wait for a task token',
      };
  }
}

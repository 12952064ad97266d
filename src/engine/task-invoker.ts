/**
 * Runs an `invokeTask` command through a handler registered for its resource, and turns the outcome
 * into the signal the interpreter expects. Shared by the in-memory and the durable runners.
 */
import type { Json } from '../json.js';
import type { Command, Signal } from '../interpreter/types.js';
import { TaskFailure } from '../vocabulary/task-failure.js';

export { TaskFailure };

export interface TaskContext {
  resource: string;
  stateName: string;
  /** 0 for the first attempt, then the retry number. */
  attempt: number;
  /** For `.waitForTaskToken` resources: the token a callback would present. */
  taskToken?: string;
}

/** A plain async function standing in for a Task's resource. Throw to fail the task. */
export type TaskHandler = (input: Json, context: TaskContext) => Json | Promise<Json>;

export type InvokeTaskCommand = Extract<Command, { kind: 'invokeTask' }>;

export async function invokeTask(handlers: Record<string, TaskHandler>, command: InvokeTaskCommand): Promise<Signal> {
  const handler = handlers[command.resource];
  const taskId = command.taskId;
  if (!handler) {
    return {
      kind: 'taskFailed',
      taskId,
      error: 'States.TaskFailed',
      cause: `No handler is registered for the resource '${command.resource}'`,
    };
  }
  try {
    const output = await handler(command.parameters, {
      resource: command.resource,
      stateName: command.stateName,
      attempt: command.attempt,
      ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
    });
    return { kind: 'taskSucceeded', taskId, output: output === undefined ? null : output };
  } catch (e) {
    if (e instanceof TaskFailure)
      return { kind: 'taskFailed', taskId, error: e.error, ...(e.cause !== undefined ? { cause: e.cause } : {}) };
    if (e instanceof Error) return { kind: 'taskFailed', taskId, error: e.name, cause: e.message };
    return { kind: 'taskFailed', taskId, error: 'Error', cause: String(e) };
  }
}

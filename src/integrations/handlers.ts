/** Task handlers registered in code by resource ARN (the library's `handlers` option), as an integration. */
import { invokeTask, type TaskHandler } from '../engine/task-invoker.js';
import type { Integration, TaskInvocation, TaskOutcome } from './types.js';

export class HandlersIntegration implements Integration {
  readonly name = 'handlers';

  constructor(private readonly handlers: Record<string, TaskHandler>) {}

  handles(resource: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.handlers, resource);
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const signal = await invokeTask(this.handlers, {
      kind: 'invokeTask',
      taskId: task.taskId,
      resource: task.resource,
      parameters: task.parameters,
      stateName: task.stateName,
      attempt: task.attempt,
      ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
    });
    switch (signal.kind) {
      case 'taskSucceeded':
        return { kind: 'succeeded', output: signal.output };
      case 'taskFailed':
        return {
          kind: 'failed',
          ...(signal.error !== undefined ? { error: signal.error } : {}),
          ...(signal.cause !== undefined ? { cause: signal.cause } : {}),
        };
      default:
        return { kind: 'failed', error: 'States.TaskFailed', cause: 'The handler gave no result' };
    }
  }
}

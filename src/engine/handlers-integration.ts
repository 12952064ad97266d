/** Task handlers registered in code by resource ARN (the library's `handlers` option), as an integration. */
import { runTaskHandler, type Integration, type TaskHandler, type TaskInvocation, type TaskOutcome } from './ports.js';

export class HandlersIntegration implements Integration {
  readonly name = 'handlers';

  constructor(private readonly handlers: Record<string, TaskHandler>) {}

  handles(task: TaskInvocation): boolean {
    return Object.prototype.hasOwnProperty.call(this.handlers, task.resource);
  }

  invoke(task: TaskInvocation): Promise<TaskOutcome> {
    return runTaskHandler(this.handlers[task.resource]!, task.parameters, {
      resource: task.resource,
      stateName: task.stateName,
      attempt: task.attempt,
      ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
    });
  }
}

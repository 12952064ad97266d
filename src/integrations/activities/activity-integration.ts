/**
 * Activities: a Task whose Resource is an activity ARN waits for a worker. Its outbox row, written
 * with the step that scheduled it, is the queue entry: GetActivityTask claims it from the store, so
 * a scheduled task survives a restart (the engine re-invokes it, which is harmless here) and the
 * worker's SendTaskSuccess/Failure with the task token settles it through the engine.
 */
import type { Integration, TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import type { ActivityQueue } from './queue.js';

export class ActivityIntegration implements Integration {
  readonly name = 'activity';

  constructor(private readonly queue: ActivityQueue) {}

  handles({ parsed }: TaskInvocation): boolean {
    return parsed.kind === 'activity';
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    // The row is committed before the engine invokes the task: wake the pollers to claim it.
    this.queue.invokedTask(task.executionArn, task.taskId);
    this.queue.notify(task.resource);
    return { kind: 'pending' };
  }
}

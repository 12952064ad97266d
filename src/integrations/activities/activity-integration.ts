/**
 * Activities: a Task whose Resource is an activity ARN waits for a worker. Its outbox row, written
 * with the step that scheduled it, is the queue entry: GetActivityTask claims it from the store, so
 * a scheduled task survives a restart (the engine re-invokes it, which is harmless here) and the
 * worker's SendTaskSuccess/Failure with the task token settles it through the engine.
 */
import type { ExecutionStore } from '../../store/types.js';
import type { ParsedResource } from '../../vocabulary/resource.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../types.js';
import { activityQueue, type ActivityPollSettings } from './queue.js';

export class ActivityIntegration implements Integration {
  readonly name = 'activity';

  constructor(
    private readonly store: ExecutionStore,
    settings: Partial<ActivityPollSettings> = {},
  ) {
    activityQueue(store).configure(settings);
  }

  handles(_resource: string, parsed: ParsedResource): boolean {
    return parsed.kind === 'activity';
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    // The row is committed before the engine invokes the task: wake the pollers to claim it.
    const queue = activityQueue(this.store);
    queue.invokedTask(task.executionArn, task.taskId);
    queue.notify(task.resource);
    return { kind: 'pending' };
  }
}

import type { Operation } from '../context.js';
import { settle, TASK_TOKEN } from './send-task-success.js';

/** Resets the task's HeartbeatSeconds timer; the same errors as SendTaskSuccess for a task that is gone. */
export const sendTaskHeartbeat: Operation = async (request, ctx) => {
  const token = request.requiredString('taskToken', TASK_TOKEN);
  request.check();
  return settle(ctx, token, (callbacks) => callbacks.sendTaskHeartbeat(token));
};

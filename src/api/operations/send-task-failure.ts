import type { Operation } from '../context.js';
import { Limits } from '../request.js';
import { settle, TASK_TOKEN } from './send-task-success.js';

export const sendTaskFailure: Operation = async (request, ctx) => {
  const token = request.requiredString('taskToken', TASK_TOKEN);
  const error = request.string('error', Limits.error);
  const cause = request.string('cause', Limits.cause);
  request.check();
  return settle(ctx, token, (callbacks) => callbacks.sendTaskFailure(token, error, cause));
};

import type { CallbackResult, TaskCallbacks } from '../../engine/ports.js';
import { decodeTaskToken } from '../../interpreter/task-token.js';
import type { Json } from '../../json.js';
import type { ApiContext, Operation } from '../context.js';
import { ApiError, invalidTaskToken, taskDoesNotExist, taskTimedOut } from '../errors.js';
import { Limits } from '../request.js';

export const TASK_TOKEN = { min: 1, max: 2048 } as const;

export const sendTaskSuccess: Operation = async (request, ctx) => {
  const token = request.requiredString('taskToken', TASK_TOKEN);
  const outputText = request.string('output', Limits.output) ?? request.notNull('output', '');
  request.check();
  let output: Json;
  try {
    output = JSON.parse(outputText) as Json;
  } catch {
    throw new ApiError('InvalidOutput', "Invalid Output: 'The output is not valid JSON'");
  }
  return settle(ctx, token, (callbacks) => callbacks.sendTaskSuccess(token, output));
};

/**
 * Runs a callback for a task token and maps what the engine found to AWS's errors: a token that is
 * not ours is InvalidToken; one whose task was settled, timed out or whose execution ended is
 * TaskTimedOut ("Provided task does not exist anymore"); one whose execution is unknown is
 * TaskDoesNotExist.
 */
export async function settle(
  ctx: ApiContext,
  token: string,
  call: (callbacks: TaskCallbacks) => Promise<CallbackResult>,
): Promise<Record<string, never>> {
  const parts = decodeTaskToken(token);
  if (!parts) throw invalidTaskToken();
  const result = await call(ctx.engine);
  switch (result) {
    case 'ok':
      return {};
    case 'invalidToken':
      throw invalidTaskToken();
    case 'taskDoesNotExist':
      throw (await ctx.store.getExecution(parts.executionArn)) ? taskTimedOut() : taskDoesNotExist();
  }
}

import { seconds, type Operation } from '../context.js';
import { executionDoesNotExist } from '../errors.js';
import { Limits } from '../request.js';

/** Stopping an execution that already ended answers with the date it ended. */
export const stopExecution: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  const error = request.string('error', Limits.error);
  const cause = request.string('cause', Limits.cause);
  request.check();
  ctx.arns.expect(text, ['execution']);
  const result = await ctx.engine.stopExecution(text, error, cause);
  if ('notFound' in result) throw executionDoesNotExist(text);
  if ('notRunning' in result) return { stopDate: seconds(result.notRunning.stopDate ?? ctx.now()) };
  return { stopDate: seconds(result.stopDate) };
};

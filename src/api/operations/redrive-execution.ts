import { seconds, type Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { standardExecution } from '../executions.js';
import { Limits } from '../request.js';

export const redriveExecution: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  request.string('clientToken', { min: 1, max: 64 });
  request.check();
  const execution = await standardExecution(ctx, text);
  const result = await ctx.engine.redriveExecution(execution.arn);
  if ('notRedrivable' in result) throw new ApiError('ExecutionNotRedrivable', result.notRedrivable);
  return { redriveDate: seconds(result.redriveDate) };
};

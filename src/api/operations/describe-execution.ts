import type { Operation } from '../context.js';
import { describeOutput, standardExecution } from '../executions.js';
import { Limits } from '../request.js';

const IncludedData = ['ALL_DATA', 'METADATA_ONLY'] as const;

export const describeExecution: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  const included = request.enumValue('includedData', IncludedData) ?? 'ALL_DATA';
  request.check();
  const execution = await standardExecution(ctx, text);
  return describeOutput(ctx.executions.describe(execution), included === 'ALL_DATA');
};

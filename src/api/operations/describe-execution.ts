import { seconds, type Operation } from '../context.js';
import { redriveStatus, standardExecution } from '../executions.js';
import { Limits } from '../request.js';

const IncludedData = ['ALL_DATA', 'METADATA_ONLY'] as const;

export const describeExecution: Operation = async (request, ctx) => {
  const text = request.requiredString('executionArn', Limits.arn);
  const included = request.enumValue('includedData', IncludedData) ?? 'ALL_DATA';
  request.check();
  const execution = await standardExecution(ctx, text);
  const withData = included === 'ALL_DATA';
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    stopDate: seconds(execution.stopDate),
    input: withData ? execution.input : undefined,
    inputDetails: { included: withData },
    output: withData ? execution.output : undefined,
    outputDetails: execution.output === undefined ? undefined : { included: withData },
    error: execution.error,
    cause: execution.cause,
    stateMachineVersionArn: execution.stateMachineVersionArn,
    stateMachineAliasArn: execution.stateMachineAliasArn,
    redriveCount: execution.redriveCount,
    redriveDate: seconds(execution.redriveDate),
    ...redriveStatus(execution),
  };
};

import { seconds, type Operation } from '../context.js';
import { typeNotSupported } from '../errors.js';
import { prepareStart, readStartMembers, resolveTarget } from '../executions.js';

const IncludedData = ['ALL_DATA', 'METADATA_ONLY'] as const;

/**
 * Express only. Answers HTTP 200 whatever the execution's outcome; the status, error and cause say
 * how it ended. Billing as AWS reports it for Express: 64 MB, duration rounded up to 100 ms.
 */
export const startSyncExecution: Operation = async (request, ctx) => {
  const members = readStartMembers(request);
  request.string('traceHeader', { max: 256 });
  const included = request.enumValue('includedData', IncludedData) ?? 'ALL_DATA';
  request.check();

  const target = await resolveTarget(ctx, members.stateMachineArn);
  if (target.stateMachine.type !== 'EXPRESS') throw typeNotSupported();
  const result = await ctx.engine.startSyncExecution(prepareStart(ctx, target, members));
  const withData = included === 'ALL_DATA';
  const duration = Math.max(result.stopDate - result.startDate, 0);
  return {
    executionArn: result.executionArn,
    stateMachineArn: result.stateMachineArn,
    name: result.name,
    startDate: seconds(result.startDate),
    stopDate: seconds(result.stopDate),
    status: result.status,
    error: result.error,
    cause: result.cause,
    input: withData ? result.input : undefined,
    inputDetails: { included: withData },
    output: withData ? result.output : undefined,
    outputDetails: result.output === undefined ? undefined : { included: withData },
    billingDetails: {
      billedMemoryUsedInMB: 64,
      billedDurationInMilliseconds: Math.max(100, Math.ceil(duration / 100) * 100),
    },
  };
};

import { seconds, type Operation } from '../context.js';
import { splitTestCase, stateMachineName } from '../../integrations/mocks/mock-integration.js';
import { UnstorableCommitError } from '../../engine/commit-queue.js';
import { ExecutionLimitExceededError } from '../../engine/quotas.js';
import { ApiError, stateMachineDoesNotExist } from '../errors.js';
import { prepareStart, readStartMembers, resolveTarget } from '../executions.js';

/**
 * Starts through the machine, a version or an alias (which picks a version by weight). Reusing a
 * name is idempotent only while that execution runs with the same input (Standard); otherwise
 * ExecutionAlreadyExists.
 */
export const startExecution: Operation = async (request, ctx) => {
  const members = readStartMembers(request);
  request.string('traceHeader', { max: 256 });
  request.check();

  // Step Functions Local: `<stateMachineArn>#<TestCase>` runs that test case of the mock configuration.
  const { stateMachineArn, testCase } = splitTestCase(members.stateMachineArn);
  const target = await resolveTarget(ctx, stateMachineArn);
  if (testCase !== undefined && !ctx.engine.hasTestCase(stateMachineName(stateMachineArn), testCase)) {
    throw stateMachineDoesNotExist(members.stateMachineArn);
  }
  const start = prepareStart(ctx, target, members, testCase);
  const outcome = await ctx.executions.start(start, ctx.engine).catch((error: unknown) => {
    // Its own first commit could not be stored (its batch's other members were committed alone).
    if (error instanceof UnstorableCommitError) throw new ApiError('InvalidExecutionInput', error.message);
    if (error instanceof ExecutionLimitExceededError) throw new ApiError('ExecutionLimitExceeded', error.message);
    throw error;
  });
  switch (outcome.kind) {
    case 'started':
      return { executionArn: outcome.executionArn, startDate: seconds(outcome.startDate) };
    case 'idempotent':
      return { executionArn: outcome.existing.arn, startDate: seconds(outcome.existing.startDate) };
    case 'alreadyExists':
      throw new ApiError('ExecutionAlreadyExists', outcome.message);
  }
};

import { jsonEquals, type Json } from '../../json.js';
import { seconds, type Operation } from '../context.js';
import { splitTestCase, stateMachineName } from '../../integrations/mocks/task-mocks.js';
import { ApiError, stateMachineDoesNotExist } from '../errors.js';
import { checkStartMembers, readStartMembers } from '../executions.js';
import { resolveExecutionTarget } from '../resolve.js';

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
  const arn = ctx.arns.expect(stateMachineArn, ['stateMachine', 'stateMachineVersion', 'stateMachineAlias']);
  const target = await resolveExecutionTarget(ctx, arn, stateMachineArn);
  if (testCase !== undefined && !(ctx.engine.hasTestCase?.(stateMachineName(stateMachineArn), testCase) ?? false)) {
    throw stateMachineDoesNotExist(members.stateMachineArn);
  }
  const { name, input } = checkStartMembers(ctx, members);
  const result = await ctx.engine.startExecution({
    ...target,
    name,
    input,
    inputText: members.input,
    ...(testCase !== undefined ? { testCase } : {}),
  });
  if ('alreadyExists' in result) {
    const existing = result.alreadyExists;
    const sameInput = jsonEquals(parsedOrText(existing.input), input);
    if (existing.status !== 'RUNNING' || !sameInput || target.stateMachine.type !== 'STANDARD') {
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    return { executionArn: existing.arn, startDate: seconds(existing.startDate) };
  }
  return { executionArn: result.executionArn, startDate: seconds(result.startDate) };
};

function parsedOrText(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

import { jsonEquals, type Json } from '../../json.js';
import { seconds, type Operation } from '../context.js';
import { ApiError } from '../errors.js';
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

  const arn = ctx.arns.expect(members.stateMachineArn, ['stateMachine', 'stateMachineVersion', 'stateMachineAlias']);
  const target = await resolveExecutionTarget(ctx, arn, members.stateMachineArn);
  const { name, input } = checkStartMembers(ctx, members);
  const result = await ctx.engine.startExecution({ ...target, name, input, inputText: members.input });
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

import type { Operation } from '../context.js';
import { Limits } from '../request.js';

/** Idempotent: deleting a machine that does not exist succeeds. Its executions stay readable. */
export const deleteStateMachine: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  request.check();
  const arn = ctx.arns.expect(text, ['stateMachine']);
  if (await ctx.store.getStateMachine(arn.stateMachineArn)) await ctx.store.deleteStateMachine(arn.stateMachineArn);
  return {};
};

import type { Operation } from '../context.js';
import { Limits } from '../request.js';

/** Idempotent: deleting an alias that does not exist succeeds. */
export const deleteStateMachineAlias: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineAliasArn', Limits.arn);
  request.check();
  ctx.arns.expect(text, ['stateMachineAlias']);
  if (await ctx.store.getAlias(text)) await ctx.store.deleteAlias(text);
  return {};
};

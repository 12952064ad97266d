/** Tags live on state machines and activities; anything else is a ResourceNotFound. */
import type { ApiContext } from './context.js';
import { resourceNotFound } from './errors.js';

export async function taggableResource(ctx: ApiContext, arn: string): Promise<string> {
  const parsed = ctx.arns.expect(arn, ['stateMachine', 'activity']);
  if (parsed.kind === 'stateMachine' && (await ctx.store.getStateMachine(arn))) return arn;
  if (parsed.kind === 'activity' && (await ctx.store.getActivity(arn))) return arn;
  throw resourceNotFound(arn);
}

import type { Operation } from '../context.js';
import { Limits } from '../request.js';

/** Deleting an activity that does not exist succeeds, as on AWS. Tasks already scheduled stay scheduled. */
export const deleteActivity: Operation = async (request, ctx) => {
  const arn = request.requiredString('activityArn', Limits.arn);
  request.check();
  ctx.arns.expect(arn, ['activity']);
  await ctx.store.deleteActivity(arn);
  return {};
};

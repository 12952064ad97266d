import { seconds, type Operation } from '../context.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';
import { Limits } from '../request.js';
import { getStateMachine } from '../resolve.js';

/** Newest version first. */
export const listStateMachineVersions: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  const pagination = readPagination(request);
  request.check();
  const arn = ctx.arns.expect(text, ['stateMachine']);
  await getStateMachine(ctx, arn.stateMachineArn);
  const listing = `versions:${arn.stateMachineArn}`;
  const page = await ctx.store.listVersions(arn.stateMachineArn, pageRequest(pagination, listing));
  return {
    stateMachineVersions: page.items.map((v) => ({
      stateMachineVersionArn: v.arn,
      creationDate: seconds(v.creationDate),
    })),
    nextToken: nextToken(page.next, listing),
  };
};

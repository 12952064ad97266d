import { seconds, type Operation } from '../context.js';
import { resourceNotFound } from '../errors.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';
import { Limits } from '../request.js';

export const listStateMachineAliases: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  const pagination = readPagination(request);
  request.check();
  const arn = ctx.arns.expect(text, ['stateMachine']);
  if (!(await ctx.store.getStateMachine(arn.stateMachineArn))) throw resourceNotFound(text);
  const listing = `aliases:${arn.stateMachineArn}`;
  const page = await ctx.store.listAliases(arn.stateMachineArn, pageRequest(pagination, listing));
  return {
    stateMachineAliases: page.items.map((a) => ({
      stateMachineAliasArn: a.arn,
      creationDate: seconds(a.creationDate),
    })),
    nextToken: nextToken(page.next, listing),
  };
};

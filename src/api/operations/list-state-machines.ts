import { seconds, type Operation } from '../context.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';

export const listStateMachines: Operation = async (request, ctx) => {
  const pagination = readPagination(request);
  request.check();
  const page = await ctx.store.listStateMachines(pageRequest(pagination, 'stateMachines'));
  return {
    stateMachines: page.items.map((m) => ({
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      creationDate: seconds(m.creationDate),
    })),
    nextToken: nextToken(page.next, 'stateMachines'),
  };
};

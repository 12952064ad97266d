import { seconds, type Operation } from '../context.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';

export const listActivities: Operation = async (request, ctx) => {
  const pagination = readPagination(request);
  request.check();
  const page = await ctx.store.listActivities(pageRequest(pagination, 'activities'));
  return {
    activities: page.items.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: seconds(a.creationDate) })),
    nextToken: nextToken(page.next, 'activities'),
  };
};

import type { Operation } from '../context.js';
import { Limits } from '../request.js';
import { taggableResource } from '../tagging.js';

export const listTagsForResource: Operation = async (request, ctx) => {
  const text = request.requiredString('resourceArn', Limits.arn);
  request.check();
  const arn = await taggableResource(ctx, text);
  const tags = await ctx.store.getTags(arn);
  return { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) };
};

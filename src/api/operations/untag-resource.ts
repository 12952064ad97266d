import type { Operation } from '../context.js';
import { Limits } from '../request.js';
import { taggableResource } from '../tagging.js';

export const untagResource: Operation = async (request, ctx) => {
  const text = request.requiredString('resourceArn', Limits.arn);
  const keys = request.array('tagKeys', { max: 50 }) ?? request.notNull('tagKeys', []);
  request.check();
  const arn = await taggableResource(ctx, text);
  await ctx.store.removeTags(
    arn,
    keys.filter((k): k is string => typeof k === 'string'),
  );
  return {};
};

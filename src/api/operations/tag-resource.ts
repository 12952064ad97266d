import { checkTagCount, readTags } from '../configuration.js';
import type { Operation } from '../context.js';
import { Limits } from '../request.js';
import { taggableResource } from '../tagging.js';

export const tagResource: Operation = async (request, ctx) => {
  const text = request.requiredString('resourceArn', Limits.arn);
  const tags = readTags(request) ?? request.notNull('tags', []);
  request.check();
  const arn = await taggableResource(ctx, text);
  const merged = { ...(await ctx.store.getTags(arn)), ...Object.fromEntries(tags.map((t) => [t.key, t.value])) };
  checkTagCount(arn, merged);
  await ctx.store.setTags(arn, merged);
  return {};
};

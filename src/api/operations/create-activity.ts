import type { ActivityRecord } from '../../store/types.js';
import { checkTagCount, readTags } from '../configuration.js';
import { seconds, type Operation } from '../context.js';
import { invalidName } from '../errors.js';
import { isValidName, Limits } from '../request.js';

/**
 * Idempotent on the name (AWS): creating an existing activity answers with it, and the tags of the
 * repeated request are ignored.
 */
export const createActivity: Operation = async (request, ctx) => {
  const name = request.requiredString('name', Limits.name);
  const tags = readTags(request) ?? [];
  // Accepted for compatibility; activity data is not encrypted at rest here.
  request.object('encryptionConfiguration');
  request.check();
  if (!isValidName(name)) throw invalidName(name);

  const arn = ctx.arns.activity(name);
  const existing = await ctx.store.getActivity(arn);
  if (existing) return { activityArn: arn, creationDate: seconds(existing.creationDate) };

  const tagMap = Object.fromEntries(tags.map((t) => [t.key, t.value]));
  checkTagCount(arn, tagMap);
  const record: ActivityRecord = { arn, name, creationDate: ctx.now() };
  if ((await ctx.store.createActivity(record)) === 'exists') {
    const winner = await ctx.store.getActivity(arn);
    return { activityArn: arn, creationDate: seconds(winner?.creationDate ?? record.creationDate) };
  }
  if (tags.length > 0) await ctx.store.setTags(arn, tagMap);
  return { activityArn: arn, creationDate: seconds(record.creationDate) };
};

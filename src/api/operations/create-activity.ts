import type { ActivityRecord } from '../../store/types.js';
import {
  checkEncryption,
  checkTagCount,
  defaultEncryption,
  readEncryption,
  readTags,
  sameConfiguration,
} from '../configuration.js';
import { seconds, type Operation } from '../context.js';
import { ApiError, invalidName } from '../errors.js';
import { isValidName, Limits } from '../request.js';

/**
 * Idempotent on the name and encryption configuration (AWS): creating an existing activity answers
 * with it, and the tags of the repeated request are ignored; the same name with another
 * configuration is ActivityAlreadyExists (API reference: "Activity already exists.
 * EncryptionConfiguration may not be updated."). (The configuration is stored and described, not used:
 * activity inputs are not encrypted at rest here.)
 */
export const createActivity: Operation = async (request, ctx) => {
  const name = request.requiredString('name', Limits.name);
  const tags = readTags(request) ?? [];
  const encryption = readEncryption(request);
  request.check();
  if (!isValidName(name)) throw invalidName(name);
  if (encryption) checkEncryption(encryption);

  const arn = ctx.arns.activity(name);
  const existing = await ctx.store.getActivity(arn);
  if (existing) {
    if (!sameConfiguration(existing.encryptionConfiguration ?? defaultEncryption, encryption ?? defaultEncryption))
      throw activityAlreadyExists(arn);
    return { activityArn: arn, creationDate: seconds(existing.creationDate) };
  }

  const tagMap = Object.fromEntries(tags.map((t) => [t.key, t.value]));
  checkTagCount(arn, tagMap);
  const record: ActivityRecord = {
    arn,
    name,
    creationDate: ctx.now(),
    ...(encryption !== undefined ? { encryptionConfiguration: encryption } : {}),
  };
  if ((await ctx.store.createActivity(record)) === 'exists') {
    const winner = await ctx.store.getActivity(arn);
    return { activityArn: arn, creationDate: seconds(winner?.creationDate ?? record.creationDate) };
  }
  if (tags.length > 0) await ctx.store.setTags(arn, tagMap);
  return { activityArn: arn, creationDate: seconds(record.creationDate) };
};

/** AWS names the error; the message is not documented (this follows "State Machine Already Exists"). */
const activityAlreadyExists = (arn: string) =>
  new ApiError('ActivityAlreadyExists', `Activity Already Exists: '${arn}'`);

import { seconds, type Operation } from '../context.js';
import { activityDoesNotExist } from '../errors.js';
import { Limits } from '../request.js';
import { defaultEncryption } from '../configuration.js';

export const describeActivity: Operation = async (request, ctx) => {
  const arn = request.requiredString('activityArn', Limits.arn);
  request.check();
  ctx.arns.expect(arn, ['activity']);
  const activity = await ctx.store.getActivity(arn);
  if (!activity) throw activityDoesNotExist(arn);
  return {
    activityArn: activity.arn,
    name: activity.name,
    creationDate: seconds(activity.creationDate),
    encryptionConfiguration: activity.encryptionConfiguration ?? defaultEncryption,
  };
};

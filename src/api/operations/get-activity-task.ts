import { pollActivityTask } from '../../integrations/activities/index.js';
import type { Operation } from '../context.js';
import { activityDoesNotExist, ApiError } from '../errors.js';
import { Limits } from '../request.js';

/**
 * Long poll: the oldest task scheduled for the activity, as `{ taskToken, input }`, or `{}` when
 * none comes within the poll timeout (AWS: 60 s) or the caller goes away first.
 */
export const getActivityTask: Operation = async (request, ctx) => {
  const arn = request.requiredString('activityArn', Limits.arn);
  const workerName = request.string('workerName', Limits.name);
  request.check();
  ctx.arns.expect(arn, ['activity']);
  if (!(await ctx.store.getActivity(arn))) throw activityDoesNotExist(arn);
  const result = await pollActivityTask(
    { store: ctx.store, queue: ctx.activities, callbacks: ctx.engine, now: ctx.now },
    arn,
    workerName,
    ctx.signal,
  );
  switch (result.kind) {
    case 'task':
      return { taskToken: result.taskToken, input: result.input };
    case 'none':
      return {};
    case 'tooManyPollers':
      throw new ApiError('ActivityWorkerLimitExceeded', `Activity Worker Limit Exceeded: '${arn}'`);
  }
};

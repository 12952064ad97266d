import { seconds, type Operation } from '../context.js';
import { listOfStateMachine } from '../pagination.js';
import { getStateMachine } from '../resolve.js';

/** Newest version first. */
export const listStateMachineVersions: Operation = async (request, ctx) => {
  const { items, nextToken } = await listOfStateMachine(
    request,
    ctx,
    'versions',
    async (stateMachineArn) => {
      await getStateMachine(ctx, stateMachineArn);
    },
    (stateMachineArn, page) => ctx.store.listVersions(stateMachineArn, page),
  );
  return {
    stateMachineVersions: items.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: seconds(v.creationDate) })),
    nextToken,
  };
};

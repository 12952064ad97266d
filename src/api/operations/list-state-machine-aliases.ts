import { seconds, type Operation } from '../context.js';
import { resourceNotFound } from '../errors.js';
import { listOfStateMachine } from '../pagination.js';

export const listStateMachineAliases: Operation = async (request, ctx) => {
  const { items, nextToken } = await listOfStateMachine(
    request,
    ctx,
    'aliases',
    async (stateMachineArn, text) => {
      if (!(await ctx.store.getStateMachine(stateMachineArn))) throw resourceNotFound(text);
    },
    (stateMachineArn, page) => ctx.store.listAliases(stateMachineArn, page),
  );
  return {
    stateMachineAliases: items.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: seconds(a.creationDate) })),
    nextToken,
  };
};

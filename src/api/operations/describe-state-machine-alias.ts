import { seconds, type Operation } from '../context.js';
import { Limits } from '../request.js';
import { getAlias } from '../resolve.js';

export const describeStateMachineAlias: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineAliasArn', Limits.arn);
  request.check();
  ctx.arns.expect(text, ['stateMachineAlias']);
  const alias = await getAlias(ctx, text);
  return {
    stateMachineAliasArn: alias.arn,
    name: alias.name,
    description: alias.description,
    routingConfiguration: alias.routingConfiguration,
    creationDate: seconds(alias.creationDate),
    updateDate: seconds(alias.updateDate ?? alias.creationDate),
  };
};

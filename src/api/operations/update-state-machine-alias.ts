import { seconds, type Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { Limits } from '../request.js';
import { getAlias } from '../resolve.js';
import { checkRouting, readRouting } from '../routing.js';

export const updateStateMachineAlias: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineAliasArn', Limits.arn);
  const description = request.string('description', Limits.description);
  const routing = readRouting(request, false);
  request.check();

  const arn = ctx.arns.expect(text, ['stateMachineAlias']);
  if (description === undefined && routing === undefined) {
    throw new ApiError(
      'MissingRequiredParameter',
      'Either the description or the RoutingConfiguration must be specified',
    );
  }
  if (routing) {
    const machine = await checkRouting(ctx, routing);
    if (machine !== arn.stateMachineArn) {
      throw new ApiError(
        'ValidationException',
        `Routing configuration must contain state machine version ARNs of the alias's state machine. Received: [${routing.map((r) => r.stateMachineVersionArn).join(', ')}]`,
        { reason: 'INVALID_ROUTING_CONFIGURATION' },
      );
    }
  }
  const alias = await getAlias(ctx, text);
  const updateDate = ctx.now();
  await ctx.store.putAlias({
    ...alias,
    description: description ?? alias.description,
    routingConfiguration: routing ?? alias.routingConfiguration,
    updateDate,
  });
  return { updateDate: seconds(updateDate) };
};

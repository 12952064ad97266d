import { seconds, type Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { Limits } from '../request.js';
import { getStateMachine } from '../resolve.js';
import { checkRouting, readRouting } from '../routing.js';

const aliasNamePattern = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;

/** Idempotent on name, description and routing; the same name with other settings is a conflict. */
export const createStateMachineAlias: Operation = async (request, ctx) => {
  const name = request.requiredString('name', Limits.name);
  const description = request.string('description', Limits.description);
  const routing = readRouting(request, true) ?? [];
  if (name !== '' && name.length <= 80 && !aliasNamePattern.test(name)) {
    request.violation(
      `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$`,
    );
  }
  request.check();

  const stateMachineArn = await checkRouting(ctx, routing);
  await getStateMachine(ctx, stateMachineArn);
  const arn = `${stateMachineArn}:${name}`;
  const existing = await ctx.store.getAlias(arn);
  if (existing) {
    const same = existing.description === description && sameRouting(existing.routingConfiguration, routing);
    if (!same) {
      throw new ApiError(
        'ConflictException',
        'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
      );
    }
    return { stateMachineAliasArn: arn, creationDate: seconds(existing.creationDate) };
  }
  const creationDate = ctx.now();
  await ctx.store.putAlias({ arn, stateMachineArn, name, description, routingConfiguration: routing, creationDate });
  return { stateMachineAliasArn: arn, creationDate: seconds(creationDate) };
};

/** Same versions with the same weights, in the same order (compared by field: stores may reorder JSON keys). */
function sameRouting(
  a: readonly { stateMachineVersionArn: string; weight: number }[],
  b: readonly { stateMachineVersionArn: string; weight: number }[],
): boolean {
  return (
    a.length === b.length &&
    a.every(
      (route, i) => route.stateMachineVersionArn === b[i]?.stateMachineVersionArn && route.weight === b[i]?.weight,
    )
  );
}

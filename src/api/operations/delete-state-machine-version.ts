import type { Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { Limits } from '../request.js';
import { listAll } from '../resolve.js';

/** Idempotent; refused while an alias routes to the version. */
export const deleteStateMachineVersion: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineVersionArn', Limits.longArn);
  request.check();
  const arn = ctx.arns.expect(text, ['stateMachineVersion']);
  const version = await ctx.store.getVersion(text);
  if (!version) return {};
  const aliases = await listAll((page) => ctx.store.listAliases(arn.stateMachineArn, page));
  const routing = aliases.filter((a) => a.routingConfiguration.some((r) => r.stateMachineVersionArn === version.arn));
  if (routing.length > 0) {
    throw new ApiError(
      'ConflictException',
      `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${routing.map((a) => a.name).join(', ')}]`,
    );
  }
  await ctx.store.deleteVersion(version.arn);
  return {};
};

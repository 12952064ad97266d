import type { StateMachineRecord, StateMachineVersionRecord } from '../../store/types.js';
import { seconds, type ApiContext, type Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { Limits } from '../request.js';
import { getStateMachine } from '../resolve.js';

export const publishStateMachineVersion: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  const revisionId = request.string('revisionId', Limits.revisionId);
  const description = request.string('description', Limits.description);
  request.check();

  const arn = ctx.arns.expect(text, ['stateMachine']);
  const machine = await getStateMachine(ctx, arn.stateMachineArn);
  if (revisionId !== undefined && revisionId !== machine.revisionId) {
    throw new ApiError(
      'ConflictException',
      `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${machine.revisionId}.`,
    );
  }
  const version = await publishVersion(ctx, machine, description);
  return { creationDate: seconds(version.creationDate), stateMachineVersionArn: version.arn };
};

/**
 * Publishes the machine's current revision as its next version. Idempotent: when the newest
 * version already holds this revision and the publish asks for no other description, that version
 * is returned. The API reference says the idempotency check is on the state machine, the
 * revision and "name"; it does not spell out the description's part. A new description on an
 * unchanged revision makes a new version carrying it, as AWS was seen to do (it never answers
 * with a version whose description differs from the one asked for).
 */
export async function publishVersion(
  ctx: ApiContext,
  machine: StateMachineRecord,
  description: string | undefined,
): Promise<StateMachineVersionRecord> {
  const newest = (await ctx.store.listVersions(machine.arn, { limit: 1 })).items[0];
  if (
    newest &&
    newest.revisionId === machine.revisionId &&
    (description === undefined || description === newest.description)
  )
    return newest;
  const number = (newest?.version ?? 0) + 1;
  const version: StateMachineVersionRecord = {
    arn: `${machine.arn}:${number}`,
    stateMachineArn: machine.arn,
    version: number,
    definition: machine.definition,
    roleArn: machine.roleArn,
    description,
    loggingConfiguration: machine.loggingConfiguration,
    tracingConfiguration: machine.tracingConfiguration,
    ...(machine.encryptionConfiguration !== undefined
      ? { encryptionConfiguration: machine.encryptionConfiguration }
      : {}),
    revisionId: machine.revisionId,
    creationDate: ctx.now(),
  };
  await ctx.store.createVersion(version);
  return version;
}

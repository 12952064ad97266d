import {
  checkDefinition,
  checkEncryption,
  checkLogging,
  checkRoleArn,
  readEncryption,
  readLogging,
  readTracing,
} from '../configuration.js';
import { seconds, type Operation } from '../context.js';
import { ApiError, versionDescriptionWithoutPublish } from '../errors.js';
import { Limits } from '../request.js';
import { getStateMachine } from '../resolve.js';
import { publishVersion } from './publish-state-machine-version.js';

export const updateStateMachine: Operation = async (request, ctx) => {
  const text = request.requiredString('stateMachineArn', Limits.arn);
  const definition = request.string('definition', Limits.definition);
  const roleArn = request.string('roleArn', Limits.arn);
  const logging = readLogging(request);
  const tracing = readTracing(request);
  const encryption = readEncryption(request);
  const publish = request.boolean('publish') ?? false;
  const versionDescription = request.string('versionDescription', Limits.description);
  request.check();

  if (versionDescription !== undefined && !publish) throw versionDescriptionWithoutPublish();
  const arn = ctx.arns.expect(text, ['stateMachine']);
  const machine = await getStateMachine(ctx, arn.stateMachineArn);
  if (
    definition === undefined &&
    roleArn === undefined &&
    logging === undefined &&
    tracing === undefined &&
    encryption === undefined
  ) {
    throw new ApiError(
      'MissingRequiredParameter',
      'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
    );
  }
  if (roleArn !== undefined) checkRoleArn(roleArn);
  if (logging) checkLogging(logging);
  if (encryption) checkEncryption(encryption);
  if (definition !== undefined) checkDefinition(definition, machine.type);

  const updated = {
    ...machine,
    definition: definition ?? machine.definition,
    roleArn: roleArn ?? machine.roleArn,
    loggingConfiguration: logging ?? machine.loggingConfiguration,
    tracingConfiguration: tracing ?? machine.tracingConfiguration,
    encryptionConfiguration: encryption ?? machine.encryptionConfiguration,
    updateDate: ctx.now(),
  };
  const changed =
    updated.definition !== machine.definition ||
    updated.roleArn !== machine.roleArn ||
    JSON.stringify([updated.loggingConfiguration, updated.tracingConfiguration, updated.encryptionConfiguration]) !==
      JSON.stringify([machine.loggingConfiguration, machine.tracingConfiguration, machine.encryptionConfiguration]);
  if (changed) updated.revisionId = ctx.uuid();
  await ctx.store.updateStateMachine(updated);
  const version = publish ? await publishVersion(ctx, updated, versionDescription) : undefined;
  return {
    updateDate: seconds(updated.updateDate),
    revisionId: updated.revisionId,
    stateMachineVersionArn: version?.arn,
  };
};

import type { StateMachineRecord } from '../../store/types.js';
import {
  checkDefinition,
  checkEncryption,
  checkRoleArn,
  checkLogging,
  checkTagCount,
  defaultEncryption,
  defaultLogging,
  readEncryption,
  readLogging,
  readTags,
  readTracing,
  sameConfiguration,
  StateMachineTypes,
} from '../configuration.js';
import { seconds, type Operation } from '../context.js';
import { ApiError, invalidName, versionDescriptionWithoutPublish } from '../errors.js';
import { isValidName, Limits } from '../request.js';
import { publishVersion } from './publish-state-machine-version.js';

export const createStateMachine: Operation = async (request, ctx) => {
  const name = request.requiredString('name', Limits.name);
  const definition = request.requiredString('definition', Limits.definition);
  const roleArn = request.requiredString('roleArn', Limits.arn);
  const type = request.enumValue('type', StateMachineTypes) ?? 'STANDARD';
  const logging = readLogging(request) ?? defaultLogging;
  const tracing = readTracing(request) ?? { enabled: false };
  const encryption = readEncryption(request);
  const tags = readTags(request) ?? [];
  const publish = request.boolean('publish') ?? false;
  const versionDescription = request.string('versionDescription', Limits.description);
  request.check();

  if (versionDescription !== undefined && !publish) throw versionDescriptionWithoutPublish();
  if (!isValidName(name)) throw invalidName(name);
  checkRoleArn(roleArn);
  checkLogging(logging);
  if (encryption) checkEncryption(encryption);

  const arn = ctx.arns.stateMachine(name);
  const existing = await ctx.store.getStateMachine(arn);
  if (existing) {
    // Idempotent on name, definition, type, logging and tracing; roleArn and tags are ignored.
    const same =
      existing.definition === definition &&
      existing.type === type &&
      sameConfiguration(existing.loggingConfiguration, logging) &&
      sameConfiguration(existing.tracingConfiguration, tracing) &&
      sameConfiguration(existing.encryptionConfiguration ?? defaultEncryption, encryption ?? defaultEncryption);
    if (!same) throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    return { stateMachineArn: arn, creationDate: seconds(existing.creationDate) };
  }

  checkDefinition(definition, type);
  const tagMap = Object.fromEntries(tags.map((t) => [t.key, t.value]));
  checkTagCount(arn, tagMap);

  const record: StateMachineRecord = {
    arn,
    name,
    type,
    definition,
    roleArn,
    loggingConfiguration: logging,
    tracingConfiguration: tracing,
    ...(encryption !== undefined ? { encryptionConfiguration: encryption } : {}),
    status: 'ACTIVE',
    creationDate: ctx.now(),
    revisionId: ctx.uuid(),
  };
  if ((await ctx.store.createStateMachine(record)) === 'exists') {
    throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
  }
  if (tags.length > 0) await ctx.store.setTags(arn, tagMap);
  const version = publish ? await publishVersion(ctx, record, versionDescription) : undefined;
  return { stateMachineArn: arn, creationDate: seconds(record.creationDate), stateMachineVersionArn: version?.arn };
};

import {
  InspectionLevels,
  MockResponseValidationModes,
  testState,
  TestStateError,
  type TestStateMock,
} from '../../interpreter/test-state.js';
import type { Operation } from '../context.js';
import { ApiError } from '../errors.js';
import { checkRoleArn } from '../configuration.js';
import { Limits } from '../request.js';

/**
 * TestState: one state (or, with `stateName`, one state of a whole definition) evaluated against
 * an input, with an optional mocked result or error. Nothing is stored and nothing is invoked.
 */
export const testStateOperation: Operation = async (request, ctx) => {
  const definition = request.requiredString('definition', Limits.definition);
  const roleArn = request.string('roleArn', Limits.arn);
  const input = request.string('input', Limits.input);
  const inspectionLevel = request.enumValue('inspectionLevel', InspectionLevels);
  const revealSecrets = request.boolean('revealSecrets');
  const variables = request.string('variables', Limits.input);
  const stateName = request.string('stateName', { ...Limits.name, sensitive: true });
  const context = request.string('context', Limits.input);
  const mockMember = request.object('mock');
  let mock: TestStateMock | undefined;
  if (mockMember) {
    const m = request.nested(mockMember, 'mock');
    const errorMember = m.object('errorOutput');
    const errorOutput = errorMember ? request.nested(errorMember, 'mock.errorOutput') : undefined;
    mock = {
      result: m.string('result', Limits.input),
      errorOutput: errorOutput
        ? { error: errorOutput.string('error', Limits.error), cause: errorOutput.string('cause', Limits.cause) }
        : undefined,
      fieldValidationMode: m.enumValue('fieldValidationMode', MockResponseValidationModes),
    };
  }
  const configurationMember = request.object('stateConfiguration');
  const configuration = configurationMember ? request.nested(configurationMember, 'stateConfiguration') : undefined;
  const stateConfiguration = configuration
    ? {
        retrierRetryCount: configuration.integer('retrierRetryCount', { min: 0 }),
        errorCausedByState: configuration.string('errorCausedByState', { ...Limits.name, sensitive: true }),
        mapIterationFailureCount: configuration.integer('mapIterationFailureCount', { min: 0 }),
        mapItemReaderData: configuration.string('mapItemReaderData', Limits.input),
      }
    : undefined;
  request.check();
  // InvalidArn is among TestState's documented errors; a role that is not an IAM role ARN is
  // refused as CreateStateMachine refuses it.
  if (roleArn !== undefined) checkRoleArn(roleArn);

  try {
    const result = await testState({
      definition,
      roleArn,
      input,
      inspectionLevel,
      revealSecrets,
      variables,
      stateName,
      context,
      mock,
      stateConfiguration,
      runtime: { now: () => ctx.now(), random: () => ctx.random(), uuid: () => ctx.uuid() },
      region: ctx.arns.region,
      accountId: ctx.arns.accountId,
      partition: ctx.arns.partition,
    });
    return { ...result };
  } catch (e) {
    if (e instanceof TestStateError) throw new ApiError(e.type, e.message);
    throw e;
  }
};

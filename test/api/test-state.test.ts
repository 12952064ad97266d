import {
  InvalidDefinition,
  InvalidExecutionInput,
  TestStateCommand,
  ValidationException,
  type TestStateCommandInput,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, ROLE, startHarness, type Harness } from './harness.js';

const INVOKE = 'arn:aws:states:::lambda:invoke';

/** TestState stores nothing, so one store kind is enough. */
describe('TestState', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('memory');
  });
  afterEach(async () => h.close());

  const test = (input: Partial<TestStateCommandInput> & { definition: string }) =>
    h.client.send(new TestStateCommand(input));

  it('tests a lone Pass state and returns its output and status', async () => {
    const output = await test({
      definition: JSON.stringify({ Type: 'Pass', Parameters: { 'v.$': '$.a' }, Next: 'After' }),
      input: '{"a":1}',
    });
    expect(output.status).toBe('SUCCEEDED');
    expect(output.output).toBe('{"v":1}');
    expect(output.nextState).toBe('After');
    expect(output.inspectionData).toBeUndefined();
  });

  it('DEBUG returns the inspection data of the data flow', async () => {
    const output = await test({
      definition: JSON.stringify({ Type: 'Pass', InputPath: '$.in', ResultPath: '$.in.copy', End: true }),
      input: '{"in":{"x":1}}',
      inspectionLevel: 'DEBUG',
    });
    expect(output.inspectionData).toMatchObject({
      input: '{"in":{"x":1}}',
      afterInputPath: '{"x":1}',
      afterParameters: '{"x":1}',
      afterResultSelector: '{"x":1}',
      afterResultPath: '{"in":{"x":1,"copy":{"x":1}}}',
    });
  });

  it('tests one state of a whole definition by stateName', async () => {
    const definition = JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Fail', Error: 'Boom', Cause: 'why' } },
    });
    const output = await test({ definition, stateName: 'B' });
    expect(output).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'why' });
  });

  it('a mocked task error matched by a retrier is RETRIABLE with the error details', async () => {
    const definition = JSON.stringify({
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'f' },
      Retry: [{ ErrorEquals: ['MockException'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
      End: true,
    });
    const output = await test({
      definition,
      mock: { errorOutput: { error: 'MockException', cause: 'mocked' } },
      stateConfiguration: { retrierRetryCount: 1 },
      inspectionLevel: 'DEBUG',
    });
    expect(output).toMatchObject({ status: 'RETRIABLE', error: 'MockException', cause: 'mocked' });
    expect(output.inspectionData?.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 2 });
  });

  it('a mocked task error matched by a catcher is CAUGHT_ERROR with the catcher output and next state', async () => {
    const definition = JSON.stringify({
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'f' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Recover' }],
      End: true,
    });
    const output = await test({
      definition,
      input: '{"a":1}',
      mock: { errorOutput: { error: 'E', cause: 'c' } },
      roleArn: ROLE,
      inspectionLevel: 'TRACE',
    });
    expect(output).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Recover', error: 'E', cause: 'c' });
    expect(JSON.parse(output.output ?? '')).toEqual({ a: 1, err: { Error: 'E', Cause: 'c' } });
    expect(output.inspectionData?.errorDetails).toEqual({ catchIndex: 0 });
  });

  it('a Map state with a mocked result reports its Map inspection fields', async () => {
    const definition = JSON.stringify({
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 3,
      ToleratedFailureCount: 1,
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    });
    const output = await test({
      definition,
      input: '{"items":[1,2]}',
      mock: { result: '[10,20]' },
      inspectionLevel: 'DEBUG',
    });
    expect(output.status).toBe('SUCCEEDED');
    expect(output.output).toBe('[10,20]');
    expect(output.inspectionData).toMatchObject({
      afterItemsPath: '[1,2]',
      maxConcurrency: 3,
      toleratedFailureCount: 1,
    });
  });

  it('an invalid state definition is InvalidDefinition', async () => {
    const error = await rejection(test({ definition: JSON.stringify({ Type: 'Pass', Nope: true, End: true }) }));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('an input that is not JSON is InvalidExecutionInput', async () => {
    const error = await rejection(test({ definition: JSON.stringify({ Type: 'Pass', End: true }), input: 'nope' }));
    expect(error).toBeInstanceOf(InvalidExecutionInput);
  });

  it('a mock for a Pass state is a ValidationException', async () => {
    const error = await rejection(
      test({ definition: JSON.stringify({ Type: 'Pass', End: true }), mock: { result: '{}' } }),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe("State type 'Pass' is not supported when a mock is specified");
  });

  it('a stateName the definition lacks is a ValidationException', async () => {
    const definition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const error = await rejection(test({ definition, stateName: 'Z' }));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe('State not found in definition');
  });

  it('an unknown inspectionLevel is a ValidationException', async () => {
    const error = await rejection(
      test({ definition: JSON.stringify({ Type: 'Pass', End: true }), inspectionLevel: 'LOUD' as never }),
    );
    expect(error).toBeInstanceOf(ValidationException);
  });
});

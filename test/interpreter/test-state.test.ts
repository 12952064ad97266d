/**
 * TestState: one state evaluated against an input, with mocks, as AWS documents it (API reference
 * TestState / InspectionData / MockInput / TestStateConfiguration) and as recorded against AWS.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import {
  testState,
  TestStateError,
  type TestStateOptions,
  type TestStateResult,
} from '../../src/interpreter/test-state.js';
import { fixedRuntime, INVOKE, T0 } from './support.js';

const ROLE = 'arn:aws:iam::123456789012:role/Role';

function run(
  definition: object,
  options: Partial<Omit<TestStateOptions, 'definition'>> & { input?: string } = {},
): Promise<TestStateResult> {
  return testState({ runtime: fixedRuntime(), definition: JSON.stringify(definition), ...options });
}

async function refusal(promise: Promise<unknown>): Promise<TestStateError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TestStateError) return e;
    throw e;
  }
  throw new Error('expected TestState to refuse the request');
}

const parse = (text: string | undefined): Json => JSON.parse(text ?? 'null') as Json;

const ioPass = {
  Type: 'Pass',
  InputPath: '$.initialData',
  Parameters: { staticValue: 'some value', 'inputValue.$': '$.fieldFromInput' },
  ResultPath: '$.modifiedData',
  End: true,
};
const ioInput = JSON.stringify({
  initialData: { fieldFromInput: 'value from input', otherField: 'other' },
  unrelatedData: { someOtherField: 1234 },
});

const lambdaTask = (extra: Record<string, Json> = {}) => ({
  Type: 'Task',
  Resource: INVOKE,
  Parameters: { FunctionName: 'work', 'Payload.$': '$' },
  End: true,
  ...extra,
});

describe('TestState: inspection levels', () => {
  it('INFO (the default) returns the output and status without inspection data', async () => {
    const result = await run(ioPass, { input: ioInput });
    expect(result.status).toBe('SUCCEEDED');
    expect(parse(result.output)).toEqual({
      ...(parse(ioInput) as object),
      modifiedData: { staticValue: 'some value', inputValue: 'value from input' },
    });
    expect(result.inspectionData).toBeUndefined();
    expect(result.nextState).toBeUndefined();
  });

  it('DEBUG shows each step of the JSONPath pipeline of a Pass state', async () => {
    const { inspectionData: data } = await run(ioPass, { input: ioInput, inspectionLevel: 'DEBUG' });
    expect(parse(data?.input)).toEqual(parse(ioInput));
    expect(parse(data?.afterInputPath)).toEqual({ fieldFromInput: 'value from input', otherField: 'other' });
    expect(parse(data?.afterParameters)).toEqual({ staticValue: 'some value', inputValue: 'value from input' });
    expect(parse(data?.afterResultSelector)).toEqual({ staticValue: 'some value', inputValue: 'value from input' });
    expect(parse(data?.afterResultPath)).toMatchObject({
      modifiedData: { staticValue: 'some value', inputValue: 'value from input' },
    });
    expect(data?.result).toBeUndefined();
  });

  it('a Pass state with a Result shows the result instead of the effective input', async () => {
    const { inspectionData: data } = await run(
      { Type: 'Pass', Result: { resultKey: 'result value' }, End: true },
      { input: '{"Value":"HelloWorld"}', inspectionLevel: 'DEBUG' },
    );
    expect(parse(data?.result)).toEqual({ resultKey: 'result value' });
    expect(parse(data?.afterResultPath)).toEqual({ resultKey: 'result value' });
    expect(data?.afterInputPath).toBeUndefined();
    expect(data?.afterParameters).toBeUndefined();
  });

  it('TRACE shows what DEBUG shows when no HTTP request is made', async () => {
    const debug = await run(ioPass, { input: ioInput, inspectionLevel: 'DEBUG' });
    const trace = await run(ioPass, { input: ioInput, inspectionLevel: 'TRACE' });
    expect(trace.inspectionData).toEqual(debug.inspectionData);
  });
});

describe('TestState: state types', () => {
  it('a Choice state reports the next state of the matching rule', async () => {
    const choice = {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.value', NumericGreaterThanEquals: 20 },
            { Variable: '$.value', NumericLessThan: 30 },
          ],
          Next: 'ValueInTwenties',
        },
      ],
      Default: 'DefaultState',
    };
    const result = await run(choice, { input: '{"type":"Private","value":22}', inspectionLevel: 'DEBUG' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'ValueInTwenties' });
    expect(parse(result.output)).toEqual({ type: 'Private', value: 22 });
    expect(parse(result.inspectionData?.afterInputPath)).toEqual({ type: 'Private', value: 22 });
  });

  it('a Choice state without a match fails with States.NoChoiceMatched', async () => {
    const result = await run(
      { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'A' }] },
      { input: '{}' },
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.NoChoiceMatched');
    expect(result.cause).toBe(
      "An error occurred while executing the state 'StateName' (entered at the event id #2). No Matches!",
    );
  });

  it('a Wait state reports its next state without waiting', async () => {
    const result = await run({ Type: 'Wait', Seconds: 86400, Next: 'After' }, { input: '{"a":1}' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'After', output: '{"a":1}' });
  });

  it('a Wait state with a bad TimestampPath fails as an execution would', async () => {
    const result = await run({ Type: 'Wait', TimestampPath: '$.at', Next: 'After' }, { input: '{"at":"tomorrow"}' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain(
      'The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string',
    );
  });

  it('a Succeed state returns its input', async () => {
    const result = await run({ Type: 'Succeed' }, { input: '{"Value":"HelloWorld"}' });
    expect(result).toEqual({ status: 'SUCCEEDED', output: '{"Value":"HelloWorld"}' });
  });

  it('a Fail state returns its error and cause unprefixed', async () => {
    const result = await run({
      Type: 'Fail',
      Error: 'SomeFailure',
      Cause: "This state machines raises a 'SomeFailure' failure.",
    });
    expect(result).toEqual({
      status: 'FAILED',
      error: 'SomeFailure',
      cause: "This state machines raises a 'SomeFailure' failure.",
    });
  });

  it('a JSONata Pass state evaluates Output and shows the assigned variables', async () => {
    const pass = {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Assign: { doubled: '{% $states.input.n * 2 %}' },
      Output: { sum: '{% $states.input.n + $base %}' },
      End: true,
    };
    const result = await run(pass, { input: '{"n":3}', variables: '{"base":10}', inspectionLevel: 'DEBUG' });
    expect(parse(result.output)).toEqual({ sum: 13 });
    expect(parse(result.inspectionData?.variables)).toEqual({ base: 10, doubled: 6 });
    expect(result.inspectionData?.afterInputPath).toBeUndefined();
  });

  it('variables are visible to JSONPath states as $name', async () => {
    const result = await run(
      { Type: 'Pass', Parameters: { 'v.$': '$greeting' }, End: true },
      { variables: '{"greeting":"hi"}' },
    );
    expect(parse(result.output)).toEqual({ v: 'hi' });
  });

  it('a state of a whole state machine is tested by stateName, and its Next is reported', async () => {
    const machine = {
      StartAt: 'State0',
      States: { State0: { Type: 'Pass', Next: 'State1' }, State1: { Type: 'Fail', Error: 'E' } },
    };
    const first = await run(machine, { stateName: 'State0', input: '{"x":1}' });
    expect(first).toMatchObject({ status: 'SUCCEEDED', nextState: 'State1', output: '{"x":1}' });
    const second = await run(machine, { stateName: 'State1' });
    expect(second).toMatchObject({ status: 'FAILED', error: 'E' });
  });

  it('the context object has the execution, state machine and state facts, and the given context fields', async () => {
    const task = lambdaTask({ Parameters: { 'ctx.$': '$$' } });
    const result = await run(task, {
      input: '{"a":1}',
      mock: { result: '{}' },
      context: JSON.stringify({ Execution: { Name: 'my-execution' } }),
      inspectionLevel: 'DEBUG',
    });
    const ctx = (parse(result.inspectionData?.afterParameters) as { ctx: Record<string, Record<string, Json>> }).ctx;
    expect(ctx.Execution).toMatchObject({
      Name: 'my-execution',
      Input: { a: 1 },
      RoleArn: null,
      StartTime: new Date(T0).toISOString(),
    });
    expect(String(ctx.Execution?.Id)).toMatch(/^arn:aws:states:us-east-1:123456789012:express:/);
    expect(ctx.State).toMatchObject({ Name: 'StateName', EnteredTime: new Date(T0).toISOString() });
    expect(String(ctx.StateMachine?.Id)).toMatch(/^arn:aws:states:us-east-1:123456789012:stateMachine:/);
  });

  it('a runtime error in the pipeline fails with the interpreter cause', async () => {
    const result = await run({ Type: 'Pass', InputPath: '$.missing', End: true }, { input: '{}' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toMatch(
      /^An error occurred while executing the state 'StateName' \(entered at the event id #2\)\. /,
    );
  });
});

describe('TestState: Task states with mocks', () => {
  it('a mocked result runs through ResultSelector, ResultPath and OutputPath', async () => {
    const task = lambdaTask({
      ResultSelector: { 'body.$': '$.Payload' },
      ResultPath: '$.out',
      OutputPath: '$.out.body',
    });
    const result = await run(task, {
      input: '{"n":1}',
      mock: { result: '{"Payload":{"ok":true},"StatusCode":200}' },
      inspectionLevel: 'DEBUG',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(parse(result.output)).toEqual({ ok: true });
    const data = result.inspectionData;
    expect(parse(data?.afterParameters)).toEqual({ FunctionName: 'work', Payload: { n: 1 } });
    expect(parse(data?.result)).toEqual({ Payload: { ok: true }, StatusCode: 200 });
    expect(parse(data?.afterResultSelector)).toEqual({ body: { ok: true } });
    expect(parse(data?.afterResultPath)).toEqual({ n: 1, out: { body: { ok: true } } });
  });

  it('a JSONata task shows afterArguments and no JSONPath steps', async () => {
    const task = {
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: INVOKE,
      Arguments: { FunctionName: 'foo', Payload: 'bar' },
      Output: '{% $states.result.v %}',
      End: true,
    };
    const result = await run(task, { mock: { result: '{"v":7}' }, inspectionLevel: 'DEBUG' });
    expect(result.output).toBe('7');
    expect(parse(result.inspectionData?.afterArguments)).toEqual({ FunctionName: 'foo', Payload: 'bar' });
    expect(parse(result.inspectionData?.result)).toEqual({ v: 7 });
    expect(result.inspectionData?.afterInputPath).toBeUndefined();
  });

  it('a mocked error without Retry or Catch fails with that error and cause', async () => {
    const result = await run(lambdaTask(), {
      mock: { errorOutput: { error: 'MockException', cause: 'Mock the cause of the error.' } },
    });
    expect(result).toEqual({ status: 'FAILED', error: 'MockException', cause: 'Mock the cause of the error.' });
  });

  it('a mocked error a retrier matches is RETRIABLE, with the retrier index and backoff', async () => {
    const task = lambdaTask({
      Retry: [
        { ErrorEquals: ['Other'], MaxAttempts: 1 },
        { ErrorEquals: ['MockException'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 5 },
      ],
    });
    const result = await run(task, {
      mock: { errorOutput: { error: 'MockException', cause: 'c' } },
      stateConfiguration: { retrierRetryCount: 2 },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toMatchObject({ status: 'RETRIABLE', error: 'MockException', cause: 'c' });
    expect(result.output).toBeUndefined();
    expect(result.inspectionData?.errorDetails).toEqual({ retryIndex: 1, retryBackoffIntervalSeconds: 18 });
  });

  it('once retrierRetryCount reaches MaxAttempts the error goes to Catch', async () => {
    const task = lambdaTask({
      Retry: [{ ErrorEquals: ['MockException'], MaxAttempts: 5 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handle' }],
    });
    const retried = await run(task, {
      mock: { errorOutput: { error: 'MockException' } },
      stateConfiguration: { retrierRetryCount: 4 },
    });
    expect(retried.status).toBe('RETRIABLE');
    const caught = await run(task, {
      input: '{"a":1}',
      mock: { errorOutput: { error: 'MockException', cause: 'why' } },
      stateConfiguration: { retrierRetryCount: 5 },
      inspectionLevel: 'DEBUG',
    });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handle', error: 'MockException', cause: 'why' });
    expect(parse(caught.output)).toEqual({ a: 1, error: { Error: 'MockException', Cause: 'why' } });
    expect(caught.inspectionData?.errorDetails).toEqual({ catchIndex: 0 });
  });

  it('a mocked error is caught by the first Catch that matches, and JSONata catchers evaluate Output and Assign', async () => {
    const task = {
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: INVOKE,
      Arguments: { FunctionName: 'foo' },
      End: true,
      Catch: [
        { ErrorEquals: ['Nope'], Next: 'A' },
        {
          ErrorEquals: ['States.TaskFailed'],
          Output: { input: '{% $states.input %}', errorOutput: '{% $states.errorOutput %}' },
          Assign: { failed: true },
          Next: 'HandleThreshold',
        },
      ],
    };
    const result = await run(task, {
      input: '{"Value":"HelloWorld"}',
      mock: { errorOutput: { error: 'States.TaskFailed', cause: 'The task failed.' } },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'HandleThreshold', error: 'States.TaskFailed' });
    expect(parse(result.output)).toEqual({
      input: { Value: 'HelloWorld' },
      errorOutput: { Error: 'States.TaskFailed', Cause: 'The task failed.' },
    });
    expect(result.inspectionData?.errorDetails).toEqual({ catchIndex: 1 });
    expect(parse(result.inspectionData?.variables)).toEqual({ failed: true });
  });

  it('States.ALL does not retry States.Runtime', async () => {
    const task = lambdaTask({ InputPath: '$.missing', Retry: [{ ErrorEquals: ['States.ALL'] }] });
    const result = await run(task, { input: '{}', mock: { result: '{}' } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
  });

  it('the next state of a successful task is its Next', async () => {
    const result = await run(lambdaTask({ End: false, Next: 'Then' }), { mock: { result: '1' } });
    expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'Then', output: '1' });
  });
});

describe('TestState: Map and Parallel states with mocks', () => {
  const map = {
    Type: 'Map',
    ItemsPath: '$.Values',
    ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
    MaxConcurrency: 2,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'HandleItem',
      States: { HandleItem: { Type: 'Pass', End: true } },
    },
    ResultPath: '$.results',
    End: true,
  };

  it('a Map state shows ItemsPath, ItemSelector and MaxConcurrency, and applies the mocked results', async () => {
    const result = await run(map, {
      input: '{"Values":["a","b"]}',
      mock: { result: '[1,2]' },
      inspectionLevel: 'DEBUG',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(parse(result.output)).toEqual({ Values: ['a', 'b'], results: [1, 2] });
    const data = result.inspectionData;
    expect(parse(data?.afterItemsPath)).toEqual(['a', 'b']);
    expect(parse(data?.afterItemSelector)).toEqual([
      { value: 'a', index: 0 },
      { value: 'b', index: 1 },
    ]);
    expect(data?.maxConcurrency).toBe(2);
  });

  it('a Map state reports maxConcurrency 0 when none is set, and its tolerated failure thresholds', async () => {
    const tolerant = { ...map, MaxConcurrency: undefined, ToleratedFailureCount: 1, ToleratedFailurePercentage: 50 };
    const result = await run(tolerant, { input: '{"Values":[1]}', mock: { result: '[1]' }, inspectionLevel: 'DEBUG' });
    expect(result.inspectionData).toMatchObject({
      maxConcurrency: 0,
      toleratedFailureCount: 1,
      toleratedFailurePercentage: 50,
    });
  });

  it('an ItemBatcher shows the batches', async () => {
    const batched = { ...map, ItemSelector: undefined, ItemBatcher: { MaxItemsPerBatch: 2 } };
    const result = await run(batched, {
      input: '{"Values":[1,2,3]}',
      mock: { result: '[1,2]' },
      inspectionLevel: 'DEBUG',
    });
    expect(parse(result.inspectionData?.afterItemBatcher)).toEqual([{ Items: [1, 2] }, { Items: [3] }]);
  });

  it('mapIterationFailureCount over ToleratedFailureCount fails with States.ExceedToleratedFailureThreshold, which Catch can handle', async () => {
    const tolerant = {
      ...map,
      ToleratedFailureCount: 1,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'HandleThreshold' }],
    };
    const below = await run(tolerant, {
      input: '{"Values":[1,2,3]}',
      mock: { result: '[1,1,1]' },
      stateConfiguration: { mapIterationFailureCount: 1 },
    });
    expect(below.status).toBe('SUCCEEDED');
    const over = await run(tolerant, {
      input: '{"Values":[1,2,3]}',
      mock: { result: '[0,0,1]' },
      stateConfiguration: { mapIterationFailureCount: 2 },
      inspectionLevel: 'DEBUG',
    });
    expect(over).toMatchObject({
      status: 'CAUGHT_ERROR',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
      nextState: 'HandleThreshold',
    });
    expect(over.inspectionData?.errorDetails).toEqual({ catchIndex: 0 });
  });

  it('mapIterationFailureCount is ignored when the Map sets no tolerated failure threshold', async () => {
    const result = await run(map, {
      input: '{"Values":[1,2,3]}',
      mock: { result: '[0,0,1]' },
      stateConfiguration: { mapIterationFailureCount: 2 },
    });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('a mocked error for a Map state names the inner state it comes from', async () => {
    const result = await run(map, {
      input: '{"Values":[1]}',
      mock: { errorOutput: { error: 'MockException', cause: 'Mock the error cause.' } },
      stateConfiguration: { errorCausedByState: 'HandleItem' },
    });
    expect(result).toEqual({ status: 'FAILED', error: 'MockException', cause: 'Mock the error cause.' });
    const error = await refusal(
      run(map, {
        input: '{"Values":[1]}',
        mock: { errorOutput: { error: 'E' } },
        stateConfiguration: { errorCausedByState: 'Nowhere' },
      }),
    );
    expect(error.type).toBe('ValidationException');
  });

  it('an ItemReader Map iterates mapItemReaderData', async () => {
    const reader = {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.Bucket', 'Key.$': '$.Key' },
      },
      ItemSelector: { 'v.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'HandleItem',
        States: { HandleItem: { Type: 'Pass', End: true } },
      },
      End: true,
    };
    const result = await run(reader, {
      input: '{"Bucket":"b","Key":"k"}',
      mock: { result: '[1,4,9]' },
      stateConfiguration: { mapItemReaderData: '[1,2,3]' },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '[1,4,9]' });
    expect(parse(result.inspectionData?.afterItemSelector)).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
  });

  it('a Parallel state applies the mocked branch results', async () => {
    const parallel = {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
      ],
      ResultSelector: { 'first.$': '$[0]' },
      Next: 'After',
    };
    const result = await run(parallel, { input: '{}', mock: { result: '["x","y"]' }, inspectionLevel: 'DEBUG' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'After', output: '{"first":"x"}' });
    expect(parse(result.inspectionData?.afterResultSelector)).toEqual({ first: 'x' });
  });
});

describe('TestState: refused requests', () => {
  it('an invalid state definition is InvalidDefinition', async () => {
    const error = await refusal(run({ Type: 'Pass', Bogus: 1, End: true }));
    expect(error.type).toBe('InvalidDefinition');
    expect(error.message).toMatch(/^Invalid State Machine Definition: /);
  });

  it('definition text that is not JSON is InvalidDefinition', async () => {
    const error = await refusal(testState({ runtime: fixedRuntime(), definition: '{"Type": ' }));
    expect(error.type).toBe('InvalidDefinition');
  });

  it('an input that is not JSON is InvalidExecutionInput', async () => {
    const error = await refusal(run({ Type: 'Pass', End: true }, { input: '{oops' }));
    expect(error.type).toBe('InvalidExecutionInput');
    expect(error.message).toMatch(/^Invalid State Machine Execution Input: /);
  });

  it('a stateName the definition does not have is a ValidationException', async () => {
    const machine = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
    const error = await refusal(run(machine, { stateName: 'B' }));
    expect(error).toMatchObject({ type: 'ValidationException', message: 'State not found in definition' });
  });

  it('a mock with both result and errorOutput is a ValidationException', async () => {
    const error = await refusal(run(lambdaTask(), { mock: { result: '{}', errorOutput: { error: 'E' } } }));
    expect(error.message).toBe('A test mock should have only one of the following fields: [result, errorOutput].');
  });

  it('a mock for a Pass, Fail or Succeed state is a ValidationException', async () => {
    const error = await refusal(run({ Type: 'Pass', End: true }, { mock: { result: '{}' } }));
    expect(error).toMatchObject({
      type: 'ValidationException',
      message: "State type 'Pass' is not supported when a mock is specified",
    });
  });

  it('revealSecrets with a mock is a ValidationException', async () => {
    const error = await refusal(run(lambdaTask(), { mock: { result: '{}' }, revealSecrets: true }));
    expect(error.message).toBe('TestState does not support RevealSecrets when a mock is specified.');
  });

  it('a Map or Parallel state without a mock is InvalidDefinition', async () => {
    const parallel = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
      End: true,
    };
    const error = await refusal(run(parallel));
    expect(error).toMatchObject({
      type: 'InvalidDefinition',
      message:
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    });
  });

  it('a Task state without a mock needs a role, then a mock', async () => {
    const noRole = await refusal(run(lambdaTask()));
    expect(noRole.message).toBe('RoleArn must be specified when testing a Task state');
    const withRole = await refusal(run(lambdaTask(), { roleArn: ROLE }));
    expect(withRole.type).toBe('ValidationException');
    expect(withRole.message).toContain('needs a mock');
  });

  it('a Map mock result that is not an array, or a Parallel one of the wrong size, is a ValidationException', async () => {
    const map = { Type: 'Map', ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, End: true };
    expect((await refusal(run(map, { input: '[]', mock: { result: '{}' } }))).message).toBe(
      'Mocked result must be an array.',
    );
    const parallel = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
      End: true,
    };
    expect((await refusal(run(parallel, { mock: { result: '[1,2]' } }))).message).toBe(
      'Mocked result must contain the same number of items as number of Parallel branches.',
    );
  });

  it('a context without a mock is a ValidationException', async () => {
    const error = await refusal(run({ Type: 'Pass', End: true }, { context: '{}' }));
    expect(error.type).toBe('ValidationException');
  });

  it('variables that are not a JSON object are a ValidationException', async () => {
    const error = await refusal(run({ Type: 'Pass', End: true }, { variables: '[1]' }));
    expect(error.type).toBe('ValidationException');
  });
});

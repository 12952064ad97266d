/**
 * Task states: what the handler receives, how its result reaches the next state, and the history
 * events each kind of resource writes.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock, type TaskHandler } from '../../src/index.js';
import { ACTIVITY_ARN, Driver, firstEvent, INVOKE, LAMBDA_ARN, types } from './support.js';

function oneTask(task: Record<string, Json>, extra: Record<string, Json> = {}): Json {
  return { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true, ...task } }, ...extra };
}

async function run(definition: Json, input: Json, handler: TaskHandler, resource = LAMBDA_ARN) {
  return execute(definition, input, { handlers: { [resource]: handler }, clock: fakeClock() });
}

describe('Task input (JSONPath)', () => {
  it('the handler receives the state input when there is no InputPath or Parameters', async () => {
    const seen: Json[] = [];
    await run(oneTask({}), { a: 1 }, (input) => (seen.push(input), null));
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('InputPath selects the part of the input the handler receives', async () => {
    const seen: Json[] = [];
    await run(
      oneTask({ InputPath: '$.order' }),
      { order: { id: 7 }, other: true },
      (input) => (seen.push(input), null),
    );
    expect(seen).toEqual([{ id: 7 }]);
  });

  it('Parameters are evaluated over the InputPath selection, with the context object at $$', async () => {
    const seen: Json[] = [];
    await run(
      oneTask({ InputPath: '$.order', Parameters: { 'orderId.$': '$.id', fixed: 'x', 'state.$': '$$.State.Name' } }),
      { order: { id: 7 } },
      (input) => (seen.push(input), null),
    );
    expect(seen).toEqual([{ orderId: 7, fixed: 'x', state: 'Work' }]);
  });
});

describe('Task output (JSONPath)', () => {
  const result = { body: { value: 42, noise: 'n' }, status: 200 };

  it('by default the task result replaces the state input', async () => {
    const r = await run(oneTask({}), { keep: 1 }, () => result);
    expect(r.output).toEqual(result);
  });

  it('ResultSelector shapes the result before ResultPath places it', async () => {
    const r = await run(
      oneTask({ ResultSelector: { 'value.$': '$.body.value' }, ResultPath: '$.result' }),
      { keep: 1 },
      () => result,
    );
    expect(r.output).toEqual({ keep: 1, result: { value: 42 } });
  });

  it('ResultPath null discards the task result', async () => {
    const r = await run(oneTask({ ResultPath: null }), { keep: 1 }, () => result);
    expect(r.output).toEqual({ keep: 1 });
  });

  it('OutputPath applies last, to the input merged with the result', async () => {
    const r = await run(
      oneTask({ ResultSelector: { 'value.$': '$.body.value' }, ResultPath: '$.result', OutputPath: '$.result.value' }),
      { keep: 1 },
      () => result,
    );
    expect(r.output).toBe(42);
  });

  it('ResultPath merges into the raw state input, not the InputPath selection', async () => {
    const r = await run(
      oneTask({ InputPath: '$.order', ResultPath: '$.order.total' }),
      { order: { id: 7 }, other: true },
      () => 99,
    );
    expect(r.output).toEqual({ order: { id: 7, total: 99 }, other: true });
  });
});

describe('Task input and output (JSONata)', () => {
  it('the handler receives the evaluated Arguments', async () => {
    const seen: Json[] = [];
    await run(
      oneTask(
        { Arguments: { sum: '{% $states.input.a + $states.input.b %}', name: '{% $states.context.State.Name %}' } },
        { QueryLanguage: 'JSONata' },
      ),
      { a: 2, b: 3 },
      (input) => (seen.push(input), null),
    );
    expect(seen).toEqual([{ sum: 5, name: 'Work' }]);
  });

  it('Output is evaluated with the task result at $states.result and the input at $states.input', async () => {
    const r = await run(
      oneTask(
        { Output: { doubled: '{% $states.result.n * 2 %}', kept: '{% $states.input.keep %}' } },
        { QueryLanguage: 'JSONata' },
      ),
      { keep: 'k' },
      () => ({ n: 21 }),
    );
    expect(r.output).toEqual({ doubled: 42, kept: 'k' });
  });

  it('without Output the task result is the state output', async () => {
    const r = await run(oneTask({}, { QueryLanguage: 'JSONata' }), { keep: 'k' }, () => ({ n: 1 }));
    expect(r.output).toEqual({ n: 1 });
  });
});

describe('Task history events by resource kind', () => {
  it('a legacy Lambda function ARN writes LambdaFunctionScheduled, Started and Succeeded', async () => {
    const r = await run(oneTask({}), { a: 1 }, () => ({ ok: true }));
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = firstEvent(r.history, 'LambdaFunctionScheduled');
    expect(scheduled.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: LAMBDA_ARN, input: '{"a":1}' });
  });

  it('a legacy Lambda function that fails writes LambdaFunctionFailed with its error and cause', async () => {
    const { TaskFailure } = await import('../../src/index.js');
    const r = await run(oneTask({}), {}, () => {
      throw new TaskFailure('Custom.Error', 'it broke');
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'it broke' });
    expect(firstEvent(r.history, 'LambdaFunctionFailed').lambdaFunctionFailedEventDetails).toEqual({
      error: 'Custom.Error',
      cause: 'it broke',
    });
  });

  it('the lambda:invoke integration writes TaskScheduled, TaskStarted, TaskSucceeded with resourceType lambda and resource invoke', async () => {
    const r = await run(
      oneTask({ Resource: INVOKE, Parameters: { FunctionName: 'f', 'Payload.$': '$' } }),
      { a: 1 },
      () => ({ Payload: 1 }),
      INVOKE,
    );
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(firstEvent(r.history, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: 'f', Payload: { a: 1 } }),
    });
    expect(firstEvent(r.history, 'TaskStarted').taskStartedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
    });
    expect(firstEvent(r.history, 'TaskSucceeded').taskSucceededEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      output: '{"Payload":1}',
    });
  });

  it('a service integration with a .sync suffix keeps the suffix in the resource name', async () => {
    const arn = 'arn:aws:states:::ecs:runTask.sync';
    const r = await run(oneTask({ Resource: arn }), {}, () => ({}), arn);
    expect(firstEvent(r.history, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({
      resourceType: 'ecs',
      resource: 'runTask.sync',
    });
  });

  it('an activity is scheduled but only starts when a worker picks it up (taskStarted)', async () => {
    const d = await Driver.start(oneTask({ Resource: ACTIVITY_ARN, HeartbeatSeconds: 30, TimeoutSeconds: 60 }), {
      a: 1,
    });
    expect(d.types()).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled']);
    expect(firstEvent(d.events, 'ActivityScheduled').activityScheduledEventDetails).toMatchObject({
      resource: ACTIVITY_ARN,
      input: '{"a":1}',
      timeoutInSeconds: 60,
      heartbeatInSeconds: 30,
    });
    const task = d.lastInvocation();
    await d.send({ kind: 'taskStarted', taskId: task.taskId, workerName: 'worker-1' });
    expect(types(d.last.events)).toEqual(['ActivityStarted']);
    expect(d.last.events[0]?.activityStartedEventDetails).toEqual({ workerName: 'worker-1' });
    await d.send({ kind: 'taskSucceeded', taskId: task.taskId, output: { done: true } });
    expect(types(d.last.events)).toEqual(['ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(d.state.status).toBe('SUCCEEDED');
  });

  it('a second taskStarted for an activity writes no second ActivityStarted', async () => {
    const d = await Driver.start(oneTask({ Resource: ACTIVITY_ARN }));
    const task = d.lastInvocation();
    await d.send({ kind: 'taskStarted', taskId: task.taskId });
    await d.send({ kind: 'taskStarted', taskId: task.taskId });
    expect(d.last.events).toEqual([]);
    expect(d.types().filter((t) => t === 'ActivityStarted')).toHaveLength(1);
  });
});

describe('the invokeTask command', () => {
  it('carries the resource, the effective parameters, the state name and attempt 0', async () => {
    const d = await Driver.start(oneTask({ Parameters: { 'x.$': '$.a' }, TimeoutSeconds: 10, HeartbeatSeconds: 5 }), {
      a: 1,
    });
    expect(d.lastInvocation()).toMatchObject({
      kind: 'invokeTask',
      resource: LAMBDA_ARN,
      parameters: { x: 1 },
      stateName: 'Work',
      attempt: 0,
      timeoutSeconds: 10,
      heartbeatSeconds: 5,
    });
  });

  it('a .waitForTaskToken resource gets a task token, also visible as $$.Task.Token', async () => {
    const arn = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
    const d = await Driver.start(oneTask({ Resource: arn, Parameters: { 'token.$': '$$.Task.Token' } }));
    const task = d.lastInvocation();
    expect(task.taskToken).toEqual(expect.any(String));
    expect(task.parameters).toEqual({ token: task.taskToken });
  });

  it('a job-run resource (.sync, .sync:2) gets a task token too, visible as $$.Task.Token', async () => {
    for (const arn of ['arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::glue:startJobRun.sync']) {
      const d = await Driver.start(oneTask({ Resource: arn, Parameters: { 'token.$': '$$.Task.Token' } }));
      const task = d.lastInvocation();
      expect(task.taskToken, arn).toEqual(expect.any(String));
      expect(task.parameters).toEqual({ token: task.taskToken });
    }
  });

  it('a request-response resource gets no task token', async () => {
    const d = await Driver.start(oneTask({ Resource: 'arn:aws:states:::states:startExecution' }));
    expect(d.lastInvocation().taskToken).toBeUndefined();
  });

  it('TimeoutSecondsPath reads the timeout from the effective input', async () => {
    const d = await Driver.start(oneTask({ TimeoutSecondsPath: '$.t' }), { t: 12 });
    expect(d.lastInvocation().timeoutSeconds).toBe(12);
    expect(d.timers()).toEqual([
      { kind: 'startTimer', timerId: expect.any(String), fireAt: d.rt.at + 12_000, purpose: 'taskTimeout' },
    ]);
  });
});

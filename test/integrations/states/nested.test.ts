import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskFailure, type TaskHandler } from '../../../src/engine/task-invoker.js';
import { childName } from '../../../src/integrations/states/index.js';
import { deferred, eventually } from '../../support/async.js';
import { startTestServer, type TestServerOptions, type TestServer } from '../../support/server.js';

const HOLD = 'arn:aws:lambda:us-east-1:123456789012:function:hold';
const FLAKY = 'arn:aws:lambda:us-east-1:123456789012:function:flaky';
const CAPTURE = 'arn:aws:lambda:us-east-1:123456789012:function:capture';

const passChild = { StartAt: 'Done', States: { Done: { Type: 'Pass', Parameters: { 'got.$': '$' }, End: true } } };
const holdChild = { StartAt: 'Hold', States: { Hold: { Type: 'Task', Resource: HOLD, End: true } } };

function parent(resource: string, parameters: object, extra: object = {}) {
  return {
    StartAt: 'Child',
    States: { Child: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, ...extra } },
  };
}

let servers: TestServer[] = [];
/** A server on SQLite (a fresh temp directory unless options.dataDir), closed after the test. */
async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer({ store: 'sqlite', ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  servers = [];
});

async function childrenOf(s: TestServer, stateMachineArn: string) {
  return (await s.client.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
}

describe('arn:aws:states:::states:startExecution', () => {
  it('request-response starts the child and returns its ExecutionArn and StartDate', async () => {
    const s = await server();
    const child = await s.createMachine('Child', passChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution', { StateMachineArn: child, Input: { a: 1 } }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p, input: '{}' }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output as string) as { ExecutionArn: string; StartDate: number };
    expect(Object.keys(output).sort()).toEqual(['ExecutionArn', 'StartDate']);
    expect(typeof output.StartDate).toBe('number');
    const started = await s.untilDone(output.ExecutionArn);
    expect(JSON.parse(started.input as string)).toEqual({ a: 1 });
    expect(JSON.parse(started.output as string)).toEqual({ got: { a: 1 } });
  });

  it('.sync waits for the child and returns its description with Output as JSON text', async () => {
    const s = await server();
    const child = await s.createMachine('Child', passChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync', { StateMachineArn: child, Input: { a: 1 }, Name: 'kid' }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output as string) as Record<string, unknown>;
    expect(output).toMatchObject({
      ExecutionArn: `${child.replace(':stateMachine:', ':execution:')}:kid`,
      Name: 'kid',
      Input: '{"a":1}',
      InputDetails: { Included: true },
      Output: '{"got":{"a":1}}',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StateMachineArn: child,
      Status: 'SUCCEEDED',
    });
    expect(typeof output.StartDate).toBe('number');
    expect(typeof output.StopDate).toBe('number');
    const history = await s.client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.find((e) => e.type === 'TaskSucceeded')?.taskSucceededEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
  });

  it('.sync:2 returns Input and Output as JSON; a JSON-text Input and the parent link pass through to the child', async () => {
    const s = await server();
    const child = await s.createMachine('Child', passChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync:2', {
        StateMachineArn: child,
        'Input.$': 'States.JsonToString($)',
      }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p, input: '{"n":7}' }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({
      Input: { n: 7 },
      Output: { got: { n: 7 } },
      Status: 'SUCCEEDED',
    });

    const linked = await s.createMachine(
      'Linked',
      parent('arn:aws:states:::states:startExecution.sync:2', {
        StateMachineArn: child,
        Input: { 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
      }),
    );
    const run = await s.client.send(new StartExecutionCommand({ stateMachineArn: linked }));
    const out = JSON.parse((await s.untilDone(run.executionArn as string)).output as string) as {
      Input: Record<string, string>;
    };
    expect(out.Input).toEqual({ AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: run.executionArn });
  });

  it('.waitForTaskToken starts the child with the token and waits for the callback', async () => {
    const tokens: string[] = [];
    const capture: TaskHandler = (input) => {
      tokens.push((input as { token: string }).token);
      return {};
    };
    const s = await server({ handlers: { [CAPTURE]: capture } });
    const child = await s.createMachine('Child', {
      StartAt: 'Capture',
      States: { Capture: { Type: 'Task', Resource: CAPTURE, End: true } },
    });
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.waitForTaskToken', {
        StateMachineArn: child,
        Input: { 'token.$': '$$.Task.Token' },
      }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const token = await eventually(async () => tokens[0], 'the child to get the token');
    expect((await s.client.send(new ListExecutionsCommand({ stateMachineArn: p }))).executions?.[0]?.status).toBe(
      'RUNNING',
    );
    await s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"answer":42}' }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({ answer: 42 });
  });

  it('a child that fails fails the .sync task with States.TaskFailed and its description as the cause', async () => {
    const s = await server();
    const child = await s.createMachine('Child', {
      StartAt: 'Boom',
      States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'it broke' } },
    });
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync', { StateMachineArn: child, Input: { a: 1 } }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.TaskFailed');
    expect(JSON.parse(done.cause as string)).toMatchObject({
      Status: 'FAILED',
      Error: 'Boom',
      Cause: 'it broke',
      Input: '{"a":1}',
      RedriveStatus: 'REDRIVABLE',
    });
  });

  it('a state machine that does not exist fails the task with StepFunctions.StateMachineDoesNotExistException', async () => {
    const s = await server();
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:Nope';
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync', { StateMachineArn: missing }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.error).toBe('StepFunctions.StateMachineDoesNotExistException');
    expect(done.cause).toMatch(
      /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:Nope' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [0-9a-f-]+; Proxy: null\)$/,
    );
  });

  it('a Name StartExecution refuses (U+FFFE) fails the task with StepFunctions.InvalidNameException', async () => {
    const s = await server();
    const child = await s.createMachine('Child', passChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution', { StateMachineArn: child, Name: 'bad\ufffename' }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.error).toBe('StepFunctions.InvalidNameException');
    expect(done.cause).toMatch(
      /^Invalid Name: 'bad\ufffename' \(Service: AWSStepFunctions; Status Code: 400; Error Code: InvalidName;/,
    );
    expect(await childrenOf(s, child)).toEqual([]);
  });

  it('Retry on a failed child starts a new child for the next attempt', async () => {
    let calls = 0;
    const flaky: TaskHandler = () => {
      calls += 1;
      if (calls === 1) throw new TaskFailure('Flaky', 'first call fails');
      return { calls };
    };
    const s = await server({ handlers: { [FLAKY]: flaky }, waitTimeScale: 0 });
    const child = await s.createMachine('Child', {
      StartAt: 'Flaky',
      States: { Flaky: { Type: 'Task', Resource: FLAKY, End: true } },
    });
    const p = await s.createMachine(
      'Parent',
      parent(
        'arn:aws:states:::states:startExecution.sync:2',
        { StateMachineArn: child },
        { Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 2 }] },
      ),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ Output: { calls: 2 } });
    const children = await childrenOf(s, child);
    expect(children.map((c) => c.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('a .sync task that times out stops its child (States.Timeout; the child ends ABORTED)', async () => {
    const s = await server({ handlers: { [HOLD]: () => new Promise(() => undefined) } });
    const child = await s.createMachine('Child', holdChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync', { StateMachineArn: child }, { TimeoutSeconds: 1 }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const done = await s.untilDone(executionArn as string);
    expect(done.error).toBe('States.Timeout');
    const [kid] = await childrenOf(s, child);
    await s.untilDone(kid?.executionArn as string);
    expect((await childrenOf(s, child))[0]?.status).toBe('ABORTED');
  });

  it('stopping the parent stops its running .sync child', async () => {
    const s = await server({ handlers: { [HOLD]: () => new Promise(() => undefined) } });
    const child = await s.createMachine('Child', holdChild);
    const p = await s.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: child }),
    );
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const kid = await eventually(async () => (await childrenOf(s, child))[0], 'the child to start');
    await s.client.send(new StopExecutionCommand({ executionArn }));
    expect((await s.untilDone(kid.executionArn as string)).status).toBe('ABORTED');
    expect((await s.untilDone(executionArn as string)).status).toBe('ABORTED');
  });

  it('after a restart the re-invoked task attaches to the child it started instead of starting another', async () => {
    const first = await server({ handlers: { [HOLD]: () => new Promise(() => undefined) } });
    const child = await first.createMachine('Child', holdChild);
    const p = await first.createMachine(
      'Parent',
      parent('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: child, Input: { x: 1 } }),
    );
    const { executionArn } = await first.client.send(new StartExecutionCommand({ stateMachineArn: p }));
    const kid = await eventually(async () => (await childrenOf(first, child))[0], 'the child to start');
    expect(kid.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await first.close({ keepData: true });
    servers = [];

    const release = deferred<{ released: boolean }>();
    const second = await server({ handlers: { [HOLD]: () => release.promise }, dataDir: first.dataDir });
    release.resolve({ released: true });
    const done = await second.untilDone(executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ Name: kid.name, Output: { released: true } });
    expect((await childrenOf(second, child)).map((c) => c.name)).toEqual([kid.name]);
  });

  it('names a child without Name after its parent task, the same on every invocation', () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:Parent:run';
    expect(childName(arn, 'task-3')).toBe(childName(arn, 'task-3'));
    expect(childName(arn, 'task-3')).not.toBe(childName(arn, 'task-4'));
  });
});

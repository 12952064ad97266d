import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../../src/engine/task-invoker.js';
import { MockConfigError } from '../../../src/integrations/mocks/index.js';
import { parseWaitTimeScale, startServer } from '../../../src/server.js';
import { fullHistory } from '../../support/aws.js';
import { removeDir, tempDir } from '../../support/files.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/server.js';

const REAL = 'arn:aws:lambda:us-east-1:123456789012:function:real';
const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:approve';

const mockConfig = {
  StateMachines: {
    Orders: {
      TestCases: {
        HappyPath: { LambdaState: 'LambdaSuccess', Approve: 'Approved' },
        RetryPath: { LambdaState: 'LambdaRetry', Approve: 'Approved' },
        ThrowPath: { LambdaState: 'LambdaFatal' },
        HybridPath: { Approve: 'Approved' },
      },
    },
  },
  MockedResponses: {
    LambdaSuccess: { '0': { Return: { StatusCode: 200, Payload: { body: 'mocked' } } } },
    LambdaFatal: { '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'mocked failure' } } },
    LambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { body: 'after retries' } } },
    },
    Approved: { '0': { Return: { approved: true } } },
  },
};

/** Lambda (mocked or real), then an activity (mocked in every test case here). */
const orders = {
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: REAL, 'Payload.$': '$' },
      ResultSelector: { 'body.$': '$.Payload.body' },
      ResultPath: '$.lambda',
      Retry: [
        {
          ErrorEquals: ['Lambda.ResourceNotReadyException', 'Lambda.TimeoutException'],
          IntervalSeconds: 60,
          MaxAttempts: 3,
        },
      ],
      Next: 'Approve',
    },
    Approve: { Type: 'Task', Resource: ACTIVITY, ResultPath: '$.approval', End: true },
  },
};

let dir: string;
let file: string;
beforeAll(() => {
  dir = tempDir('stepwise-mocks-');
  file = join(dir, 'MockConfigFile.json');
  writeFileSync(file, JSON.stringify(mockConfig));
});
afterAll(() => removeDir(dir));

let s: TestServer | undefined;
/** The server these tests start, on SQLite in a temp directory. */
const startSqlite = (options: TestServerOptions = {}) => startTestServer({ store: 'sqlite', ...options });

/** Starts a server while the environment variable has the value (the server reads it at start), then restores it. */
async function startSqliteWithEnv(name: string, value: string): Promise<TestServer> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await startSqlite();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function run(testCase: string, handlers: Record<string, TaskHandler> = {}) {
  s = await startSqlite({ mockConfig: file, waitTimeScale: 0, handlers });
  const arn = await s.createMachine('Orders', orders);
  const { executionArn } = await s.client.send(
    new StartExecutionCommand({ stateMachineArn: `${arn}#${testCase}`, input: '{"order":1}' }),
  );
  const done = await s.untilDone(executionArn as string);
  const events = await fullHistory(s.client, executionArn as string);
  return { arn, done, events };
}

describe('mocked service integrations (Step Functions Local MockConfigFile.json)', () => {
  it('a test case returns the mocked responses of the states it names, activities included', async () => {
    const { done, events } = await run('HappyPath');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({
      order: 1,
      lambda: { body: 'mocked' },
      approval: { approved: true },
    });
    expect(events.map((e) => e.type)).toContain('ActivitySucceeded');
  });

  it('mocked responses follow the invocation number, retries counted, "1-2" ranges included', async () => {
    const { done, events } = await run('RetryPath');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ lambda: { body: 'after retries' } });
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failures).toEqual([
      'Lambda.ResourceNotReadyException',
      'Lambda.TimeoutException',
      'Lambda.TimeoutException',
    ]);
  });

  it('a Throw fails the task with its Error and Cause', async () => {
    const { done } = await run('ThrowPath', { [REAL]: () => ({ unexpected: true }) });
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Lambda.ServiceException');
    expect(done.cause).toBe('mocked failure');
  });

  it('a task the test case does not name calls its real integration', async () => {
    const real: TaskHandler = (input) => ({ Payload: { body: `real ${JSON.stringify(input)}` } });
    s = await startSqlite({ mockConfig: file, handlers: { 'arn:aws:states:::lambda:invoke': real } });
    const arn = await s.createMachine('Orders', orders);
    const { executionArn } = await s.client.send(
      new StartExecutionCommand({ stateMachineArn: `${arn}#HybridPath`, input: '{"order":2}' }),
    );
    const done = await s.untilDone(executionArn as string);
    expect(JSON.parse(done.output as string)).toEqual({
      order: 2,
      lambda: { body: `real ${JSON.stringify({ FunctionName: REAL, Payload: { order: 2 } })}` },
      approval: { approved: true },
    });
  });

  it('an execution without a test case runs no mocks', async () => {
    s = await startSqlite({
      mockConfig: file,
      handlers: {
        'arn:aws:states:::lambda:invoke': () => ({ Payload: { body: 'real' } }),
        [ACTIVITY]: () => ({ approved: 'by hand' }),
      },
    });
    const arn = await s.createMachine('Orders', orders);
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
    expect(JSON.parse((await s.untilDone(executionArn as string)).output as string)).toEqual({
      lambda: { body: 'real' },
      approval: { approved: 'by hand' },
    });
  });

  it('StartExecution on an unknown test case fails with StateMachineDoesNotExist (file named by SFN_MOCK_CONFIG)', async () => {
    s = await startSqliteWithEnv('SFN_MOCK_CONFIG', file);
    const arn = await s.createMachine('Orders', orders);
    await expect(
      s.client.send(new StartExecutionCommand({ stateMachineArn: `${arn}#NoSuchCase` })),
    ).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${arn}#NoSuchCase'`,
    });
  });

  it('a bad mock configuration file stops the server from starting, with the reason', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ StateMachines: { M: { TestCases: { T: { S: 'Missing' } } } }, MockedResponses: {} }),
    );
    await expect(startServer({ port: 0, logLevel: 'silent', dataDir: dir, mockConfig: bad })).rejects.toThrow(
      MockConfigError,
    );
    await expect(startServer({ port: 0, logLevel: 'silent', dataDir: dir, mockConfig: bad })).rejects.toThrow(
      "$.StateMachines.M.TestCases.T.S names the mocked response 'Missing', which MockedResponses does not define",
    );
    writeFileSync(
      bad,
      JSON.stringify({ StateMachines: {}, MockedResponses: { R: { '0': { Return: 1 }, '2': { Return: 2 } } } }),
    );
    await expect(startServer({ port: 0, logLevel: 'silent', dataDir: dir, mockConfig: bad })).rejects.toThrow(
      /invocation 1 has no response/,
    );
    writeFileSync(
      bad,
      JSON.stringify({ StateMachines: {}, MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E' } } } } }),
    );
    await expect(startServer({ port: 0, logLevel: 'silent', dataDir: dir, mockConfig: bad })).rejects.toThrow(
      /exactly one of 'Return' or 'Throw'/,
    );
  });
});

describe('STEPWISE_WAIT_TIME_SCALE', () => {
  const hour = {
    StartAt: 'Nap',
    States: { Nap: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Pass', Result: 'awake', End: true } },
  };

  it('0 makes a one-hour Wait instant', async () => {
    s = await startSqliteWithEnv('STEPWISE_WAIT_TIME_SCALE', '0');
    const arn = await s.createMachine('Nap', hour);
    const started = Date.now();
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const done = await s.untilDone(executionArn as string, 2000);
    expect(done.output).toBe('"awake"');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('scales Waits, not task timeouts: a one-second TimeoutSeconds still times out after a second', async () => {
    s = await startSqlite({ waitTimeScale: 0, handlers: { [REAL]: () => new Promise(() => undefined) } });
    const arn = await s.createMachine('Slow', {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: REAL, TimeoutSeconds: 1, End: true } },
    });
    const started = Date.now();
    const { executionArn } = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const done = await s.untilDone(executionArn as string, 3000);
    expect(done.error).toBe('States.Timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('rejects a scale that is not a number from 0 up', () => {
    expect(parseWaitTimeScale(undefined)).toBe(1);
    expect(parseWaitTimeScale('0.5')).toBe(0.5);
    expect(() => parseWaitTimeScale('-1')).toThrow("invalid wait time scale '-1'");
    expect(() => parseWaitTimeScale('fast')).toThrow("invalid wait time scale 'fast'");
  });
});

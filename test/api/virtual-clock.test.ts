/**
 * The virtual clock over the API (`--clock virtual`), through the real SDK client and real HTTP:
 * Waits, Timestamp waits, retry backoffs and timeouts fire when the clock is moved, and not before;
 * history, `$$` times and DescribeExecution's dates are in virtual time; a restart on the same
 * SQLite data carries on from the virtual time it had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateActivityCommand,
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { TaskFailure, virtualClock, VirtualClockError } from '../../src/index.js';
import { eventTypes, fullHistory, sfnClient } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { removeDir, tempDir } from '../support/files.js';
import { cli } from '../cli/helpers.js';

const FLAKY = 'arn:aws:lambda:us-east-1:123456789012:function:flaky';
let servers: TestServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const dir of dirs.splice(0)) removeDir(dir);
});

async function virtualServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer({ clock: 'virtual', ...options });
  servers.push(server);
  return server;
}

async function start(client: SFNClient, stateMachineArn: string, input: object = {}): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn ?? '';
}

const status = async (client: SFNClient, executionArn: string) =>
  client.send(new DescribeExecutionCommand({ executionArn }));

describe('the virtual clock', () => {
  it('finishes a one-hour Wait right after an advance of an hour, not before, with history in virtual time', async () => {
    const s = await virtualServer();
    const clock = virtualClock(s.url);
    const t0 = (await clock.now()).getTime();
    const arn = await s.createMachine('hour', {
      StartAt: 'Nap',
      States: {
        Nap: { Type: 'Wait', Seconds: 3600, Next: 'Times' },
        Times: {
          Type: 'Pass',
          Parameters: { 'entered.$': '$$.State.EnteredTime', 'started.$': '$$.Execution.StartTime' },
          Next: 'Jsonata',
        },
        Jsonata: {
          Type: 'Pass',
          QueryLanguage: 'JSONata',
          Output:
            '{% $merge([$states.input, {"context": $states.context.Execution.StartTime, "millis": $millis()}]) %}',
          End: true,
        },
      },
    });
    const executionArn = await start(s.client, arn);
    expect((await clock.nextTimer())?.getTime()).toBe(t0 + 3600_000);
    const before = await clock.advance({ seconds: 3599 });
    expect(before.fired).toEqual([]);
    expect((await status(s.client, executionArn)).status).toBe('RUNNING');
    const after = await clock.advance({ seconds: 1 });
    expect(after.now.getTime()).toBe(t0 + 3600_000);
    expect(after.fired).toEqual([
      { executionArn, timerId: expect.any(String), fireAt: new Date(t0 + 3600_000).toISOString() },
    ]);
    const done = await status(s.client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.startDate?.getTime()).toBe(t0);
    expect(done.stopDate?.getTime()).toBe(t0 + 3600_000);
    expect(JSON.parse(done.output ?? '')).toEqual({
      entered: new Date(t0 + 3600_000).toISOString(),
      started: new Date(t0).toISOString(),
      context: new Date(t0).toISOString(),
      millis: t0 + 3600_000,
    });
    const history = await fullHistory(s.client, executionArn);
    const at = (type: string) => history.find((e) => e.type === type)?.timestamp?.getTime();
    expect(at('ExecutionStarted')).toBe(t0);
    expect(at('WaitStateEntered')).toBe(t0);
    expect(at('WaitStateExited')).toBe(t0 + 3600_000);
    expect(at('ExecutionSucceeded')).toBe(t0 + 3600_000);
  });

  it('goes through each timer on the way at its own time: two Waits, then a Timestamp wait', async () => {
    const s = await virtualServer();
    const clock = virtualClock(s.url);
    const t0 = (await clock.now()).getTime();
    const deadline = new Date(t0 + 5 * 3600_000).toISOString();
    const arn = await s.createMachine('chain', {
      StartAt: 'A',
      States: {
        A: { Type: 'Wait', Seconds: 3600, Next: 'B' },
        B: { Type: 'Wait', Seconds: 3600, Next: 'C' },
        C: { Type: 'Wait', TimestampPath: '$.until', End: true },
      },
    });
    const executionArn = await start(s.client, arn, { until: deadline });
    const moved = await clock.advance({ to: new Date(t0 + 6 * 3600_000) });
    expect(moved.fired.map((f) => f.fireAt)).toEqual([
      new Date(t0 + 3600_000).toISOString(),
      new Date(t0 + 2 * 3600_000).toISOString(),
      deadline,
    ]);
    const done = await status(s.client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate?.toISOString()).toBe(deadline);
    expect((await clock.now()).getTime()).toBe(t0 + 6 * 3600_000);
  });

  it('skips a retry backoff with next, and says which timer fired', async () => {
    let calls = 0;
    const s = await virtualServer({
      handlers: {
        [FLAKY]: () => {
          calls++;
          if (calls === 1) throw new TaskFailure('Flaky', 'first call fails');
          return 'ok';
        },
      },
    });
    const clock = virtualClock(s.url);
    const t0 = (await clock.now()).getTime();
    const arn = await s.createMachine('retry', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: FLAKY,
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 600, MaxAttempts: 2 }],
          End: true,
        },
      },
    });
    const executionArn = await start(s.client, arn);
    const next = await clock.runNextTimer();
    expect(next.fired).toEqual([
      { executionArn, timerId: expect.any(String), fireAt: new Date(t0 + 600_000).toISOString() },
    ]);
    const done = await status(s.client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    const history = await fullHistory(s.client, executionArn);
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.filter((e) => e.type === 'LambdaFunctionScheduled').map((e) => e.timestamp?.getTime())).toEqual([
      t0,
      t0 + 600_000,
    ]);
    // Nothing left to fire.
    expect((await clock.runNextTimer()).fired).toEqual([]);
  });

  it('fires a task timeout and an execution timeout when the clock reaches them', async () => {
    const s = await virtualServer();
    const clock = virtualClock(s.url);
    const { activityArn } = await s.client.send(new CreateActivityCommand({ name: 'nobody-polls' }));
    const task = await s.createMachine('task-timeout', {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 300, End: true } },
    });
    const whole = await s.createMachine('execution-timeout', {
      TimeoutSeconds: 7200,
      StartAt: 'Long',
      States: { Long: { Type: 'Wait', Seconds: 86_400, End: true } },
    });
    const timedTask = await start(s.client, task);
    const timedWhole = await start(s.client, whole);
    await clock.advance({ seconds: 299 });
    expect((await status(s.client, timedTask)).status).toBe('RUNNING');
    await clock.advance({ seconds: 1 });
    expect(await status(s.client, timedTask)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect((await status(s.client, timedWhole)).status).toBe('RUNNING');
    await clock.advance({ seconds: 7200 });
    expect((await status(s.client, timedWhole)).status).toBe('TIMED_OUT');
  });

  it('refuses to go back, and a negative or unparsable duration, in AWS error shape', async () => {
    const s = await virtualServer();
    const post = (body: string) =>
      fetch(`${s.url}/stepwise/clock/advance`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    for (const body of [
      '{"seconds": -5}',
      '{"seconds": "soon"}',
      '{"to": "yesterday"}',
      'not json',
      '{}',
      '{"hours": 1}',
    ]) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(await response.json()).toMatchObject({ __type: 'ValidationException', message: expect.any(String) });
    }
    const back = await post('{"to": "2001-01-01T00:00:00Z"}');
    expect(await back.json()).toMatchObject({ message: expect.stringContaining('cannot go back') });
    await expect(virtualClock(s.url).advance({ seconds: -1 })).rejects.toThrow(VirtualClockError);
  });

  it('checks signatures against real time, however far the virtual clock has moved', async () => {
    const key = { accessKeyId: 'AKIDCLOCK', secretAccessKey: 'clock-secret-key' };
    const s = await virtualServer({ accessKeys: [key], consoleDir: false });
    await s.server.timeSkipping?.advanceTo(Date.now() + 24 * 3600_000);
    const signed = sfnClient(s.url, { credentials: key });
    try {
      expect((await signed.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    } finally {
      signed.destroy();
    }
  });

  it('answers 404 when the clock is real', async () => {
    const s = await startTestServer();
    servers.push(s);
    for (const [method, path] of [
      ['GET', ''],
      ['POST', '/advance'],
      ['POST', '/next'],
    ] as const) {
      const response = await fetch(`${s.url}/stepwise/clock${path}`, {
        method,
        body: method === 'POST' ? '{"seconds":1}' : undefined,
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        __type: 'UnknownOperationException',
        message: expect.stringContaining('--clock virtual'),
      });
    }
  });

  it('carries on from its virtual time after a restart on the same data, a Wait across it included', async () => {
    const dataDir = tempDir('stepwise-vclock-');
    dirs.push(dataDir);
    const first = await startTestServer({ clock: 'virtual', dataDir });
    const t0 = (await virtualClock(first.url).now()).getTime();
    await virtualClock(first.url).advance({ to: '2031-06-01T00:00:00Z' });
    const arn = await first.createMachine('across', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const executionArn = await start(first.client, arn);
    await first.close({ keepData: true });

    const second = await virtualServer({ dataDir });
    const clock = virtualClock(second.url);
    expect((await clock.now()).toISOString()).toBe('2031-06-01T00:00:00.000Z');
    expect((await status(second.client, executionArn)).status).toBe('RUNNING');
    await clock.advance({ seconds: 3600 });
    const done = await status(second.client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate?.toISOString()).toBe('2031-06-01T01:00:00.000Z');
    expect(t0).toBeLessThan(Date.parse('2031-06-01T00:00:00Z'));
  });

  it("moves an Express execution's in-memory Wait too", async () => {
    const s = await virtualServer();
    const clock = virtualClock(s.url);
    const t0 = (await clock.now()).getTime();
    const arn = await s.createMachine(
      'express-wait',
      { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 60, End: true } } },
      'EXPRESS',
    );
    await start(s.client, arn);
    expect((await clock.nextTimer())?.getTime()).toBe(t0 + 60_000);
    const moved = await clock.advance({ seconds: 120 });
    expect(moved.fired).toEqual([{ express: true, fireAt: new Date(t0 + 60_000).toISOString() }]);
    expect(await clock.nextTimer()).toBeUndefined();
  });
});

describe('stepwise serve --clock', () => {
  it('refuses an unknown mode, and the virtual clock on PostgreSQL, with a plain message (exit 2)', async () => {
    const bad = await cli('serve', '--port', '0', '--clock', 'sometimes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid clock mode 'sometimes': expected real or virtual/);
    const shared = await cli(
      'serve',
      '--port',
      '0',
      '--clock',
      'virtual',
      '--database-url',
      'postgres://127.0.0.1:1/x',
    );
    expect(shared.code).toBe(2);
    expect(shared.stderr).toMatch(/the virtual clock runs on one node alone/);
  });
});

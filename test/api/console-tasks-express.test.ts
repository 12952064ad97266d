/**
 * The console's read-only endpoints for what AWS's own console gets elsewhere: an execution's open
 * tasks with their tokens (answered through the real SendTask* API), the server's ring of recent
 * Express executions, and the mock configuration's test cases (with a configuration, in
 * test/console/express-stop-test-cases.e2e.test.ts). Real HTTP, the real SDK client, the injected clock.
 */
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { ROLE, eventually, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('memory');
});
afterAll(async () => {
  await h.close();
});

async function get(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${h.url}${path}`);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const LOG_GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:express:*';

describe('GET /console/api/tasks?executionArn=', () => {
  // The real server: the harness's engine has no activity integration.
  let server: RunningServer;
  let sfn: SFNClient;
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-console-tasks-'));
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      logLevel: 'silent',
      consoleDir: false,
    });
    sfn = new SFNClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      disableHostPrefix: true,
    });
  });
  afterAll(async () => {
    sfn?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const tasksOf = async (executionArn: string) => {
    const response = await fetch(`${server.url}/console/api/tasks?executionArn=${encodeURIComponent(executionArn)}`);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  it("lists an activity task with its token and deadlines; a heartbeat moves the deadline; the token's success ends the task", async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'approve' }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'approval',
        roleArn: ROLE,
        definition: JSON.stringify({
          StartAt: 'Approve',
          States: {
            Approve: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 60, TimeoutSeconds: 600, End: true },
          },
        }),
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":1}' }));
    const first = await eventually(async () => {
      const answer = await tasksOf(executionArn!);
      return (answer.json.tasks as unknown[]).length ? answer : undefined;
    }, 'the activity task');
    expect(first.status).toBe(200);
    const [task] = first.json.tasks as Record<string, unknown>[];
    expect(task).toMatchObject({ stateName: 'Approve', waitsFor: 'activity', resource: activityArn, started: false });
    expect(task!.taskToken).toMatch(/^sw1\./);
    const scheduled = task!.scheduledAt as number;
    expect(task!.heartbeatSeconds).toBe(60);
    expect(task!.heartbeatDueAt as number).toBeGreaterThanOrEqual(scheduled + 59);
    expect(task!.timeoutAt as number).toBeGreaterThanOrEqual(scheduled + 599);

    await new Promise((r) => setTimeout(r, 20));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task!.taskToken as string }));
    const moved = await eventually(async () => {
      const [t] = (await tasksOf(executionArn!)).json.tasks as Record<string, unknown>[];
      return t && (t.heartbeatDueAt as number) > (task!.heartbeatDueAt as number) ? t : undefined;
    }, 'the heartbeat deadline to move');
    expect(moved.timeoutAt).toBe(task!.timeoutAt);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: task!.taskToken as string, output: '{"ok":true}' }));
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'SUCCEEDED' ? d : undefined;
    }, 'the execution to succeed');
    expect(done.output).toBe('{"ok":true}');
    expect((await tasksOf(executionArn!)).json).toEqual({ tasks: [] });
  });

  it("answers an unknown execution with a 404, a state machine's ARN or none with a 400, in AWS's shape", async () => {
    const unknown = await tasksOf('arn:aws:states:us-east-1:123456789012:execution:nope:nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.__type).toBe('ExecutionDoesNotExist');
    const wrong = await tasksOf('arn:aws:states:us-east-1:123456789012:stateMachine:nope');
    expect(wrong.status).toBe(400);
    expect(wrong.json.__type).toBe('InvalidArn');
    const none = await fetch(`${server.url}/console/api/tasks`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as Record<string, unknown>).__type).toBe('ValidationException');
  });
});

describe('GET /console/api/express', () => {
  it('keeps the recent Express executions: an async one with its logged history, a sync one with its summary', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({
        name: 'quick',
        type: 'EXPRESS',
        roleArn: ROLE,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', End: true } } }),
        loggingConfiguration: {
          level: 'ALL',
          includeExecutionData: true,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: LOG_GROUP } }],
        },
      }),
    );
    const sync = await h.client.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"a":1}', name: 's' }));
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn, input: '{"b":2}' }));
    const list = await eventually(async () => {
      const answer = await get(`/console/api/express?stateMachineArn=${encodeURIComponent(stateMachineArn!)}`);
      const executions = answer.json.executions as Record<string, unknown>[];
      return executions.length === 2 && executions.every((e) => e.status === 'SUCCEEDED') ? executions : undefined;
    }, 'both Express executions to end');
    expect(list.map((e) => [e.executionArn, e.mode])).toEqual([
      [executionArn, 'async'],
      [sync.executionArn, 'sync'],
    ]);
    const one = await get(`/console/api/express/execution?executionArn=${encodeURIComponent(executionArn!)}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ input: '{"b":2}', output: '"done"', loggingLevel: 'ALL' });
    expect((one.json.events as { type: string }[]).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const syncOne = await get(`/console/api/express/execution?executionArn=${encodeURIComponent(sync.executionArn!)}`);
    expect(syncOne.json).toMatchObject({ mode: 'sync', output: '"done"', events: [] });
  });

  it('leaves the data out when the logging leaves it out, and answers an execution it does not hold with a 404', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({
        name: 'quiet',
        type: 'EXPRESS',
        roleArn: ROLE,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn, input: '{"secret":1}' }));
    const one = await eventually(async () => {
      const answer = await get(`/console/api/express/execution?executionArn=${encodeURIComponent(executionArn!)}`);
      return answer.json.status === 'SUCCEEDED' ? answer.json : undefined;
    }, 'the quiet execution to end');
    expect(one).toMatchObject({ loggingLevel: 'OFF', includeExecutionData: false, events: [] });
    expect(one.input).toBeUndefined();
    expect(one.output).toBeUndefined();
    const missing = await get(`/console/api/express/execution?executionArn=${encodeURIComponent(`${executionArn!}x`)}`);
    expect(missing.status).toBe(404);
    expect(missing.json.__type).toBe('ExecutionDoesNotExist');
  });
});

describe('GET /console/api/mocks', () => {
  it('answers that there is no mock configuration, and no test case, when the server has none', async () => {
    expect(await get('/console/api/mocks')).toEqual({ status: 200, json: { configured: false, stateMachines: [] } });
    expect(await get('/console/api/mocks?stateMachineName=Orders')).toEqual({
      status: 200,
      json: { configured: false, stateMachines: [] },
    });
  });
});

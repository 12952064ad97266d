import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTaskToken } from '../../src/interpreter/task-token.js';
import type { Json } from '../../src/json.js';
import { createMachine, eventTypes, fullHistory, startExecution, untilDone } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ONE_ACTIVITY_SUCCEEDED, activityMachine, createActivity, failure, uniqueName } from './support.js';

const POLL_TIMEOUT_MS = 300;
const CALLBACK_RESOURCE = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
/** Tokens the `.waitForTaskToken` handler was given, by the message it was sent. */
const callbackTokens = new Map<string, string>();

let t: TestServer;
let client: SFNClient;

beforeAll(async () => {
  t = await startTestServer({
    activityPollTimeoutMs: POLL_TIMEOUT_MS,
    handlers: {
      [CALLBACK_RESOURCE]: async (input: Json) => {
        const { message, token } = input as { message: string; token: string };
        callbackTokens.set(message, token);
        return { MessageId: 'm-1' };
      },
    },
  });
  client = t.client;
});

afterAll(async () => {
  await t.close();
});

/** Polls until a task comes (each poll ends after POLL_TIMEOUT_MS without one). */
async function nextTask(activityArn: string, workerName = 'worker-1'): Promise<{ taskToken: string; input: string }> {
  for (let i = 0; i < 20; i++) {
    const task = await client.send(new GetActivityTaskCommand({ activityArn, workerName }));
    if (task.taskToken) return { taskToken: task.taskToken, input: task.input as string };
  }
  throw new Error('no task came');
}

/** Starts an execution of a one-activity machine (extra Task fields merged in) and takes its task. */
async function startActivityTask(
  taskFields: Record<string, unknown> = {},
): Promise<{ executionArn: string; task: { taskToken: string; input: string } }> {
  const activityArn = await createActivity(client);
  const executionArn = await startExecution(client, await activityMachine(client, activityArn, taskFields));
  return { executionArn, task: await nextTask(activityArn) };
}

describe('activity tasks through GetActivityTask and SendTask*', () => {
  it('a worker gets the task input and token; SendTaskSuccess ends the execution with its output', async () => {
    const activityArn = await createActivity(client);
    const machine = await activityMachine(client, activityArn, { Parameters: { 'n.$': '$.n', fixed: 'x' } });
    const executionArn = await startExecution(client, machine, { n: 7 });
    const task = await nextTask(activityArn, 'worker-a');
    expect(JSON.parse(task.input)).toEqual({ n: 7, fixed: 'x' });
    await client.send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ doubled: 14 }) }),
    );
    const done = await untilDone(client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({ doubled: 14 });
    const events = await fullHistory(client, executionArn);
    expect(eventTypes(events)).toEqual(ONE_ACTIVITY_SUCCEEDED);
    expect(events.find((e) => e.type === 'ActivityStarted')?.activityStartedEventDetails).toEqual({
      workerName: 'worker-a',
    });
    expect(events.find((e) => e.type === 'ActivityScheduled')?.activityScheduledEventDetails?.resource).toBe(
      activityArn,
    );
  });

  it('SendTaskFailure fails the task with the error and cause the worker sent', async () => {
    const { executionArn, task } = await startActivityTask();
    await client.send(
      new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'Worker.Broke', cause: 'disk full' }),
    );
    const done = await untilDone(client, executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Worker.Broke', cause: 'disk full' });
    const failed = (await fullHistory(client, executionArn)).find((e) => e.type === 'ActivityFailed');
    expect(failed?.activityFailedEventDetails).toEqual({ error: 'Worker.Broke', cause: 'disk full' });
  });

  it('Retry schedules the activity again: a new token, and the first one is refused', async () => {
    const activityArn = await createActivity(client);
    const machine = await activityMachine(client, activityArn, {
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 2 }],
    });
    const executionArn = await startExecution(client, machine, { attempt: 'any' });
    const first = await nextTask(activityArn);
    await client.send(new SendTaskFailureCommand({ taskToken: first.taskToken, error: 'Flaky' }));
    const second = await nextTask(activityArn);
    expect(second.taskToken).not.toBe(first.taskToken);
    expect(JSON.parse(second.input)).toEqual({ attempt: 'any' });
    expect(
      (await failure(client.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{}' })))).name,
    ).toBe('TaskTimedOut');
    await client.send(new SendTaskSuccessCommand({ taskToken: second.taskToken, output: '"second"' }));
    expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"second"' });
  });

  it('a task token is accepted exactly once; later callbacks are TaskTimedOut', async () => {
    const { executionArn, task } = await startActivityTask();
    const answers = await Promise.allSettled([
      client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '1' })),
      client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '2' })),
      client.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'late' })),
    ]);
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 'rejected') {
        expect(answer.reason).toMatchObject({
          name: 'TaskTimedOut',
          message: "Task Timed Out: 'Provided task does not exist anymore'",
        });
      }
    }
    expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
    expect((await failure(client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })))).name).toBe(
      'TaskTimedOut',
    );
  });

  it('a token that is not a task token is InvalidToken; one of an unknown execution is TaskDoesNotExist', async () => {
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toEqual({
      name: 'InvalidToken',
      message: "Invalid Token: 'Invalid token'",
    });
    expect((await failure(client.send(new SendTaskHeartbeatCommand({ taskToken: 'nope' })))).name).toBe('InvalidToken');
    const stranger = encodeTaskToken({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:none:none',
      taskId: 'task-1',
      nonce: 'n',
    });
    expect((await failure(client.send(new SendTaskFailureCommand({ taskToken: stranger })))).name).toBe(
      'TaskDoesNotExist',
    );
  });

  it('the token is judged before the output: a malformed token with output that is not JSON is InvalidToken', async () => {
    const invalid = { name: 'InvalidToken', message: "Invalid Token: 'Invalid token'" };
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: 'bad_token', output: 'x' })))).toEqual(
      invalid,
    );
    expect(await failure(client.send(new SendTaskFailureCommand({ taskToken: 'bad_token', error: 'E' })))).toEqual(
      invalid,
    );
    expect(await failure(client.send(new SendTaskHeartbeatCommand({ taskToken: 'bad_token' })))).toEqual(invalid);
  });

  it('a heartbeat for an open task without HeartbeatSeconds is accepted; once the task is closed it is TaskTimedOut', async () => {
    const { executionArn, task } = await startActivityTask();
    await client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"done"' }));
    expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
    expect(await failure(client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })))).toEqual({
      name: 'TaskTimedOut',
      message: "Task Timed Out: 'Provided task does not exist anymore'",
    });
  });

  it('output that is not JSON is InvalidOutput and leaves the task waiting', async () => {
    const { executionArn, task } = await startActivityTask();
    expect(
      (await failure(client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{not json' })))).name,
    ).toBe('InvalidOutput');
    const tooBig = await failure(
      client.send(
        new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify('x'.repeat(262_144)) }),
      ),
    );
    expect(tooBig.name).toBe('ValidationException');
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"ok":true}' }));
    expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
  });

  it('heartbeats within HeartbeatSeconds keep a long task alive', async () => {
    const { executionArn, task } = await startActivityTask({ HeartbeatSeconds: 1 });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    }
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"alive"' }));
    expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"alive"' });
  });

  it('a worker that stops heartbeating fails the task with States.HeartbeatTimeout; its token is then TaskTimedOut', async () => {
    const { executionArn, task } = await startActivityTask({ HeartbeatSeconds: 1 });
    const done = await untilDone(client, executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(eventTypes(await fullHistory(client, executionArn))).toContain('ActivityTimedOut');
    expect(
      (await failure(client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })))).name,
    ).toBe('TaskTimedOut');
  });

  it('a task nobody takes within TimeoutSeconds fails with States.Timeout and leaves the queue', async () => {
    const activityArn = await createActivity(client);
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: activityArn,
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.caught', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const stateMachineArn = await createMachine(client, uniqueName('timeout'), definition);
    const executionArn = await startExecution(client, stateMachineArn, { a: 1 });
    const done = await untilDone(client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({ a: 1, caught: { Error: 'States.Timeout' } });
    expect(await client.send(new GetActivityTaskCommand({ activityArn }))).not.toHaveProperty('taskToken');
  });

  it('with no task, GetActivityTask answers without a token after the poll timeout', async () => {
    const activityArn = await createActivity(client);
    const began = Date.now();
    const answer = await client.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle' }));
    expect(answer.taskToken).toBeUndefined();
    expect(Date.now() - began).toBeGreaterThanOrEqual(POLL_TIMEOUT_MS - 20);
  });

  it('a waiting poll gets a task scheduled while it waits, without waiting out the timeout', async () => {
    const activityArn = await createActivity(client);
    const machine = await activityMachine(client, activityArn);
    t.server.activities.settings.pollTimeoutMs = 5_000;
    try {
      const polling = client.send(new GetActivityTaskCommand({ activityArn, workerName: 'eager' }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const began = Date.now();
      await startExecution(client, machine, { wake: true });
      const task = await polling;
      expect(JSON.parse(task.input as string)).toEqual({ wake: true });
      expect(Date.now() - began).toBeLessThan(1_000);
      await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    } finally {
      t.server.activities.settings.pollTimeoutMs = POLL_TIMEOUT_MS;
    }
  });

  it('a poller that disconnects stops waiting and takes no task', async () => {
    const activityArn = await createActivity(client);
    const machine = await activityMachine(client, activityArn);
    t.server.activities.settings.pollTimeoutMs = 5_000;
    try {
      const controller = new AbortController();
      const abandoned = client.send(new GetActivityTaskCommand({ activityArn }), { abortSignal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await expect(abandoned).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const executionArn = await startExecution(client, machine, { for: 'the next worker' });
      const task = await client.send(new GetActivityTaskCommand({ activityArn, workerName: 'next' }));
      expect(JSON.parse(task.input as string)).toEqual({ for: 'the next worker' });
      await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
      expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
    } finally {
      t.server.activities.settings.pollTimeoutMs = POLL_TIMEOUT_MS;
    }
  });

  it('concurrent pollers never get the same task', async () => {
    const activityArn = await createActivity(client);
    const machine = await activityMachine(client, activityArn);
    const executions = await Promise.all(Array.from({ length: 12 }, (_, i) => startExecution(client, machine, { i })));
    const polls = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        client.send(new GetActivityTaskCommand({ activityArn, workerName: `w${i}` })),
      ),
    );
    const tasks = polls.filter((p) => p.taskToken);
    expect(tasks).toHaveLength(12);
    expect(new Set(tasks.map((p) => p.taskToken)).size).toBe(12);
    expect(new Set(tasks.map((p) => JSON.parse(p.input as string).i as number)).size).toBe(12);
    await Promise.all(
      tasks.map((p) => client.send(new SendTaskSuccessCommand({ taskToken: p.taskToken, output: p.input }))),
    );
    for (const executionArn of executions) expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
  });

  it('more concurrent pollers than the limit get ActivityWorkerLimitExceeded', async () => {
    const activityArn = await createActivity(client);
    const queue = t.server.activities;
    queue.settings.maxPollers = 1;
    try {
      const first = client.send(new GetActivityTaskCommand({ activityArn }));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await failure(client.send(new GetActivityTaskCommand({ activityArn })))).name).toBe(
        'ActivityWorkerLimitExceeded',
      );
      expect((await first).taskToken).toBeUndefined();
    } finally {
      queue.settings.maxPollers = 1_000;
    }
  });

  it('GetActivityTask of an unknown activity is ActivityDoesNotExist', async () => {
    const arn = `arn:aws:states:us-east-1:123456789012:activity:${uniqueName('none')}`;
    expect(await failure(client.send(new GetActivityTaskCommand({ activityArn: arn })))).toEqual({
      name: 'ActivityDoesNotExist',
      message: `Activity Does Not Exist: '${arn}'`,
    });
  });

  it('.waitForTaskToken tokens of any integration are answered the same way', async () => {
    const definition = {
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { 'message.$': '$.message', 'token.$': '$$.Task.Token' },
          HeartbeatSeconds: 5,
          End: true,
        },
      },
    };
    const stateMachineArn = await createMachine(client, uniqueName('callback'), definition);
    const message = uniqueName('message');
    const executionArn = await startExecution(client, stateMachineArn, { message });
    for (let i = 0; i < 200 && !callbackTokens.has(message); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const token = callbackTokens.get(message) as string;
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    expect((await failure(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).name).toBe(
      'TaskTimedOut',
    );
  });

  it('a .waitForTaskToken task without HeartbeatSeconds accepts heartbeats while it waits', async () => {
    const definition = {
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { 'message.$': '$.message', 'token.$': '$$.Task.Token' },
          End: true,
        },
      },
    };
    const stateMachineArn = await createMachine(client, uniqueName('callback'), definition);
    const message = uniqueName('message');
    const executionArn = await startExecution(client, stateMachineArn, { message });
    for (let i = 0; i < 200 && !callbackTokens.has(message); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const token = callbackTokens.get(message) as string;
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
    expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
  });
});

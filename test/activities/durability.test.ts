/**
 * Activity tasks and callbacks are rows, not memory: a task waiting for a worker, one a worker holds,
 * and a `.waitForTaskToken` callback all survive the server stopping and starting again on the same
 * SQLite directory.
 */
import { GetActivityTaskCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { createMachine, eventTypes, fullHistory, startExecution, untilDone } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer } from '../support/server.js';
import { ONE_ACTIVITY_SUCCEEDED, activityMachine, createActivity, uniqueName } from './support.js';

// Each test's SQLite directory, removed at the end even when a test fails before its servers close.
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function dataDir(): string {
  const dir = tempDir('stepwise-activities-');
  dirs.push(dir);
  return dir;
}

describe('activities across a restart', () => {
  it('a task scheduled before a restart is handed to a worker after it, and the execution finishes', async () => {
    const dir = dataDir();
    const first = await startTestServer({ dataDir: dir, activityPollTimeoutMs: 300 });
    const activityArn = await createActivity(first.client);
    const executionArn = await startExecution(
      first.client,
      await activityMachine(first.client, activityArn, { HeartbeatSeconds: 30 }),
      { before: 'restart' },
    );
    await first.close({ keepData: true });

    const second = await startTestServer({ dataDir: dir, activityPollTimeoutMs: 300 });
    try {
      const task = await second.client.send(new GetActivityTaskCommand({ activityArn, workerName: 'after' }));
      expect(JSON.parse(task.input as string)).toEqual({ before: 'restart' });
      await second.client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
      await second.client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":1}' }));
      expect(await untilDone(second.client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"done":1}' });
      expect(eventTypes(await fullHistory(second.client, executionArn))).toEqual(ONE_ACTIVITY_SUCCEEDED);
    } finally {
      await second.close();
    }
  });

  it('a task a worker took before a restart is not handed out again, and its token still works after it', async () => {
    const dir = dataDir();
    const first = await startTestServer({ dataDir: dir, activityPollTimeoutMs: 300 });
    const activityArn = await createActivity(first.client);
    const executionArn = await startExecution(first.client, await activityMachine(first.client, activityArn), { n: 1 });
    const task = await first.client.send(new GetActivityTaskCommand({ activityArn, workerName: 'before' }));
    expect(task.taskToken).toBeTruthy();
    await first.close({ keepData: true });

    const second = await startTestServer({ dataDir: dir, activityPollTimeoutMs: 300 });
    try {
      expect((await second.client.send(new GetActivityTaskCommand({ activityArn }))).taskToken).toBeUndefined();
      await second.client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"kept"' }));
      expect(await untilDone(second.client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"kept"' });
    } finally {
      await second.close();
    }
  });

  it('a .waitForTaskToken callback waiting before a restart is answered after it', async () => {
    const dir = dataDir();
    const resource = 'arn:aws:states:::sns:publish.waitForTaskToken';
    const tokens: string[] = [];
    const handlers = {
      [resource]: async (input: Json) => (tokens.push((input as { token: string }).token), { MessageId: 'm' }),
    };
    const first = await startTestServer({ dataDir: dir, handlers });
    const definition = {
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: resource, Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
    };
    const stateMachineArn = await createMachine(first.client, uniqueName('cb'), definition);
    const executionArn = await startExecution(first.client, stateMachineArn);
    for (let i = 0; i < 200 && tokens.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.close({ keepData: true });

    const second = await startTestServer({ dataDir: dir, handlers });
    try {
      await second.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"answer":42}' }));
      expect(await untilDone(second.client, executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        output: '{"answer":42}',
      });
    } finally {
      await second.close();
    }
  });

  it('stopping the server ends a waiting long poll at once rather than holding the shutdown', async () => {
    const t = await startTestServer({ dataDir: dataDir(), activityPollTimeoutMs: 30_000 });
    const activityArn = await createActivity(t.client);
    const polling = t.client.send(new GetActivityTaskCommand({ activityArn }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = Date.now();
    await t.close();
    expect(Date.now() - began).toBeLessThan(5_000);
    await polling.catch(() => undefined);
  });
});

/**
 * SIGTERM stops the server within --shutdown-timeout. A Task whose local function never ends does
 * not hold the stop past the bound (it is abandoned), a GetActivityTask long poll in progress
 * answers "no task" instead of being cut, and after the restart the abandoned Task is invoked again
 * (it is still in the outbox), as after a crash.
 */
import {
  CreateActivityCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createMachine } from '../support/aws.js';
import { eventually, sleep } from '../support/async.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const dir = tempDir('stepwise-shutdown-');
const functionsDir = join(dir, 'functions');
const invocations = join(dir, 'invocations.txt');
mkdirSync(functionsDir);
writeFileSync(
  join(functionsDir, 'forever.mjs'),
  `import { appendFileSync } from 'node:fs';
export const handler = async () => {
  appendFileSync(${JSON.stringify(invocations)}, 'invoked\\n');
  await new Promise(() => setInterval(() => undefined, 1000));
};\n`,
);
const server = new ServerProcess(await freePort(), join(dir, 'data'), {
  args: ['--functions-dir', functionsDir, '--shutdown-timeout', '2', '--activity-poll-timeout', '60'],
});

afterAll(async () => {
  await server.kill();
  removeDir(dir);
});

const invoked = (): number => (existsSync(invocations) ? readFileSync(invocations, 'utf8').split('\n').length - 1 : 0);

it('SIGTERM with a task that never ends: the process exits within the bound; after restart the task is invoked again', async () => {
  await server.start();
  let client = server.client();
  const machine = await createMachine(client, 'forever', {
    StartAt: 'Hang',
    States: { Hang: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:forever', End: true } },
  });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machine }));
  await eventually(async () => (invoked() === 1 ? true : undefined), 'the first invocation', 15_000);
  const { activityArn } = await client.send(new CreateActivityCommand({ name: 'idle' }));
  const poll = client.send(new GetActivityTaskCommand({ activityArn }));
  await new Promise((r) => setTimeout(r, 200));

  // Exits by itself: the bound is 2 s (then 1 s for abandoned handlers); a generous margin for a busy machine.
  const exited = await Promise.race([server.kill('SIGTERM').then(() => true), sleep(15_000).then(() => false)]);
  expect(exited).toBe(true);
  // The long poll answered "no task" rather than being cut off.
  expect((await poll).taskToken).toBeUndefined();
  expect(server.output).not.toMatch(/"level":50/);
  client.destroy();

  await server.start();
  client = server.client();
  try {
    await eventually(async () => (invoked() === 2 ? true : undefined), 'the invocation after the restart', 15_000);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  } finally {
    client.destroy();
  }
}, 90_000);

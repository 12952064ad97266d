/**
 * A poison execution cannot take the server down for good: a Task whose local function kills the
 * whole process (SIGKILL from inside the worker thread) ends it once per run. Recovery counts each
 * process ending before running the task again; on the third restart (the default
 * --max-process-ending-attempts of 3) the execution is FAILED with States.Runtime and a cause that
 * says so, and the server stays up. Readiness comes first on every restart: /healthz answers
 * before the recovered task runs. An execution that only waits is neither counted nor failed.
 */
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createMachine, untilDone } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const dir = tempDir('stepwise-poison-');
const functionsDir = join(dir, 'functions');
mkdirSync(functionsDir);
writeFileSync(
  join(functionsDir, 'killer.mjs'),
  `export const handler = async () => { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); };\n`,
);
const server = new ServerProcess(await freePort(), join(dir, 'data'), { args: ['--functions-dir', functionsDir] });

afterAll(async () => {
  await server.kill();
  removeDir(dir);
});

/** Resolves once the server process has died by itself (fails after `ms`). */
async function diesWithin(ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!server.running) {
      await server.kill();
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

it('an execution that ended the process 3 times is FAILED with States.Runtime, and the server stays healthy', async () => {
  await server.start();
  let client = server.client();
  const poison = await createMachine(client, 'poison', {
    StartAt: 'Kill',
    States: { Kill: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:killer', End: true } },
  });
  const waiting = await createMachine(client, 'waiting', {
    StartAt: 'Wait',
    States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } },
  });
  const idle = await client.send(new StartExecutionCommand({ stateMachineArn: waiting, name: 'idle' }));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: poison, name: 'poison' }));
  client.destroy();
  expect(await diesWithin(10_000)).toBe(true);

  // Each restart answers /healthz first (start() waits for it); the first two then die again.
  const diedAfterRestart: boolean[] = [];
  for (let restart = 1; restart <= 3; restart++) {
    await server.start();
    diedAfterRestart.push(await diesWithin(restart < 3 ? 10_000 : 2_000));
  }
  expect(diedAfterRestart).toEqual([true, true, false]);

  client = server.client();
  try {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toMatch(/^The execution ended the process 3 times/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The execution that only waited was not counted: still RUNNING, stoppable as usual.
    expect((await client.send(new DescribeExecutionCommand({ executionArn: idle.executionArn }))).status).toBe(
      'RUNNING',
    );
    await client.send(new StopExecutionCommand({ executionArn: idle.executionArn }));
    // New work runs as before.
    const pass = await createMachine(client, 'pass', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: pass, input: '{"ok":true}' }));
    expect((await untilDone(client, started.executionArn ?? '')).status).toBe('SUCCEEDED');
  } finally {
    client.destroy();
  }
}, 120_000);

/**
 * Readiness never waits on user code: on a restart the server listens and answers /healthz before
 * any recovered execution's work runs (the recovered task here asks /healthz itself, first thing).
 * And a clean stop is not a process ending: after close() the next start counts none.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMachine, sfnClient } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';

const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const dir = tempDir('stepwise-readiness-');
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  removeDir(dir);
});

it('a recovered task runs only once /healthz answers, and a clean stop counts no process ending', async () => {
  const port = await freePort();
  const options = {
    host: '127.0.0.1',
    port,
    dataDir: join(dir, 'data'),
    logLevel: 'silent',
    consoleDir: false as const,
  };
  const first = await startServer({ ...options, handlers: { [WORK]: () => new Promise<Json>(() => {}) } });
  const client = sfnClient(first.url);
  const machine = await createMachine(client, 'work', {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: WORK, End: true } },
  });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machine }));
  client.destroy();
  await first.close();

  const seen: string[] = [];
  const asksHealthz = async (): Promise<Json> => {
    try {
      seen.push(String((await fetch(`http://127.0.0.1:${port}/healthz`)).status));
    } catch (error) {
      seen.push(`refused: ${String(error)}`);
    }
    return new Promise<Json>(() => {});
  };
  const second = await startServer({ ...options, handlers: { [WORK]: asksHealthz } });
  servers.push(second);
  await expect.poll(() => seen).toEqual(['200']);
  const record = await second.store.getExecution(executionArn ?? '');
  expect(record?.status).toBe('RUNNING');
  expect(record).not.toHaveProperty('processEndings');
});

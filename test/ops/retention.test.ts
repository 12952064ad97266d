/**
 * Retention through the SDK: finished executions past the period are gone (DescribeExecution and
 * GetExecutionHistory answer ExecutionDoesNotExist, ListExecutions no longer lists them), in batches
 * smaller than what there is to delete; running executions and recent ones stay.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterEach, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { DAY_MS } from '../../src/ops/retention.js';
import { startExecution } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

const OK = 'arn:aws:lambda:us-east-1:123456789012:function:ok';
const HANG = 'arn:aws:lambda:us-east-1:123456789012:function:hang';
const handlers = { [OK]: (input: Json) => input, [HANG]: () => new Promise<Json>(() => {}) };
const task = (resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } });

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

it('deletes finished executions past the retention period with their history, in small batches; running ones stay', async () => {
  const s = await startTestServer({
    store: 'sqlite',
    handlers,
    consoleDir: false,
    // 1 ms: everything finished is past it. The sweep is run by the test, not the timer.
    retentionDays: 1 / DAY_MS,
    retentionSweep: { batch: 2, pauseMs: 1, firstDelayMs: 3_600_000 },
  });
  servers.push(s);
  const done = await s.createMachine('done', task(OK));
  const waits = await s.createMachine('waits', task(HANG));
  const finished: string[] = [];
  for (let i = 0; i < 5; i++) {
    const arn = await startExecution(s.client, done, { i });
    await s.untilDone(arn);
    finished.push(arn);
  }
  const running = await startExecution(s.client, waits);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await s.server.retention!.sweep();
  expect(s.server.retention!.deleted).toBe(5);
  for (const executionArn of finished) {
    await expect(s.client.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
    await expect(s.client.send(new GetExecutionHistoryCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  }
  expect((await s.client.send(new ListExecutionsCommand({ stateMachineArn: done }))).executions).toEqual([]);
  expect((await s.client.send(new DescribeExecutionCommand({ executionArn: running }))).status).toBe('RUNNING');
});

it('keeps executions that stopped within the period, and everything with retention 0', async () => {
  const kept = await startTestServer({
    store: 'sqlite',
    handlers,
    consoleDir: false,
    retentionDays: 1,
    retentionSweep: { firstDelayMs: 3_600_000 },
  });
  servers.push(kept);
  const machine = await kept.createMachine('m', task(OK));
  const arn = await startExecution(kept.client, machine);
  await kept.untilDone(arn);
  await kept.server.retention!.sweep();
  expect((await kept.client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('SUCCEEDED');

  const off = await startTestServer({ handlers, consoleDir: false, retentionDays: 0 });
  servers.push(off);
  expect(off.server.retention).toBeUndefined();
});

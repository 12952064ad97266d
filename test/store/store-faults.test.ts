/**
 * A store that cannot write (here SQLite made full for real with PRAGMA max_page_count) puts the
 * server in a held, honest state: new writes answer 503 ServiceUnavailable in AWS's shape, reads
 * keep working, /healthz answers 503 naming the fault and the file, the fault is logged once, and
 * the work of executions already started is held and commits when the store has room again.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/server.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createMachine, sfnClient, startExecution, untilDone } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const big = { blob: 'x'.repeat(200_000) };

async function rawStart(url: string, stateMachineArn: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
    body: JSON.stringify({ stateMachineArn, input: JSON.stringify(big) }),
  });
  return { status: response.status, body: await response.json() };
}

describe('a full SQLite store', () => {
  it('answers 503 ServiceUnavailable to writes, reports the fault on /healthz, and commits the held work on recovery', async () => {
    const dir = tempDir('stepwise-faults-');
    cleanups.push(() => removeDir(dir));
    const file = `${dir}/stepwise.db`;
    const store = SqliteStore.open(file);
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const server: RunningServer = await startServer({ store, port: 0, logger: log, consoleDir: false });
    cleanups.push(() => server.close());
    const client = sfnClient(server.url, { maxAttempts: 1 });
    const machine = await createMachine(client, 'waits', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
    });
    const held = await startExecution(client, machine, big);

    // Full: the database may not grow past the pages it has now.
    store.setMaxPageCount(1);
    const refused = await rawStart(server.url, machine);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      __type: 'ServiceUnavailable',
      message: expect.stringContaining('disk is full'),
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'faulted', code: 'SQLITE_FULL', file });
    // Reads keep working.
    const described = await client.send(new DescribeExecutionCommand({ executionArn: held }));
    expect(described.status).toBe('RUNNING');
    // The held execution's Wait ends meanwhile: its steps wait for room instead of failing.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await client.send(new DescribeExecutionCommand({ executionArn: held }))).status).toBe('RUNNING');
    expect((await rawStart(server.url, machine)).status).toBe(503);
    expect(lines.filter((l) => /store faulted/.test(l.msg))).toHaveLength(1);

    store.setMaxPageCount(1_000_000);
    const done = await untilDone(client, held, 15_000);
    expect(done.status).toBe('SUCCEEDED');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await rawStart(server.url, machine)).status).toBe(200);
    expect(lines.filter((l) => /store recovered/.test(l.msg))).toHaveLength(1);
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
  }, 30_000);
});

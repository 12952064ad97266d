/**
 * A Map Run survives SIGKILL: the real server process is killed while a Standard parent's
 * Distributed Map runs its children, then restarted on the same data directory. The run goes on
 * from its rows: every item is processed by exactly one child that succeeded (STANDARD children
 * keep their names across the restart, so none is started twice), none is skipped, and the Map
 * Run's counts are right.
 */
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/async.js';
import { createMachine, mapRunChildren, eventTypes, fullHistory, startExecution, untilDone } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const ITEMS = 120;

/** Each child: Pass, Wait 1 s, Pass; its output names its item. */
function definition(executionType: 'STANDARD' | 'EXPRESS') {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 40,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Take',
          States: {
            Take: { Type: 'Pass', Parameters: { 'n.$': '$.n' }, Next: 'Pause' },
            Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' },
            Done: { Type: 'Pass', Parameters: { 'done.$': '$.n' }, End: true },
          },
        },
        End: true,
      },
    },
  };
}

const dataDir = tempDir('stepwise-map-run-crash-');
let server: ServerProcess;

beforeAll(async () => {
  server = new ServerProcess(await freePort(), dataDir);
  await server.start();
}, 30_000);

afterAll(async () => {
  await server?.kill();
  removeDir(dataDir);
});

/** Starts the parent, kills the server once `killAt` children have started, restarts it, and returns the finished parent. */
async function killedMidRun(executionType: 'STANDARD' | 'EXPRESS', killAfterMs: number) {
  let client = server.client();
  const machine = await createMachine(client, `crash-fan-${executionType.toLowerCase()}`, definition(executionType));
  const items = Array.from({ length: ITEMS }, (_, n) => ({ n }));
  const executionArn = await startExecution(client, machine, { items });
  // Kill while children run: after the first ones started, before the last ones could.
  let mapRunArn = '';
  for (const deadline = Date.now() + 10_000; !mapRunArn && Date.now() < deadline; await sleep(20))
    mapRunArn = (await client.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn ?? '';
  expect(mapRunArn).not.toBe('');
  await sleep(killAfterMs);
  const before = await client.send(new DescribeMapRunCommand({ mapRunArn }));
  client.destroy();
  await server.kill('SIGKILL');
  await server.start();
  client = server.client();
  const parent = await untilDone(client, executionArn, 60_000);
  return { client, executionArn, mapRunArn, parent, before };
}

describe('a Map Run killed with SIGKILL and restarted', () => {
  it('STANDARD children: each item succeeds exactly once, none skipped, counts right', async () => {
    const { client, executionArn, mapRunArn, parent, before } = await killedMidRun('STANDARD', 1200);
    try {
      // The kill came mid-run: some children had finished, not all.
      expect(before.executionCounts?.succeeded ?? 0).toBeLessThan(ITEMS);
      expect(parent.status).toBe('SUCCEEDED');
      expect(JSON.parse(parent.output ?? 'null')).toEqual(Array.from({ length: ITEMS }, (_, n) => ({ done: n })));
      const listed = await mapRunChildren(client, mapRunArn);
      expect(listed).toHaveLength(ITEMS);
      expect(new Set(listed.map((c) => c.name)).size).toBe(ITEMS);
      expect(listed.filter((c) => c.status !== 'SUCCEEDED')).toEqual([]);
      // Each child ran its item once: one ExecutionSucceeded, its input the item.
      const sample = listed.slice(0, 10);
      for (const child of sample) {
        const history = await fullHistory(client, child.executionArn ?? '');
        expect(eventTypes(history).filter((t) => t === 'ExecutionSucceeded')).toHaveLength(1);
        const described = await client.send(new DescribeExecutionCommand({ executionArn: child.executionArn }));
        expect(described.mapRunArn).toBe(mapRunArn);
      }
      const described = await client.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(described).toMatchObject({
        status: 'SUCCEEDED',
        itemCounts: { succeeded: ITEMS, failed: 0, running: 0, pending: 0, total: ITEMS },
        executionCounts: { succeeded: ITEMS, failed: 0, running: 0, pending: 0, total: ITEMS },
      });
      const history = await fullHistory(client, executionArn);
      expect(eventTypes(history).filter((t) => t === 'MapRunStarted')).toHaveLength(1);
      expect(eventTypes(history).at(-1)).toBe('ExecutionSucceeded');
    } finally {
      client.destroy();
    }
  }, 90_000);

  it('EXPRESS children: the run finishes every item after the restart with the right counts', async () => {
    const { client, mapRunArn, parent } = await killedMidRun('EXPRESS', 1200);
    try {
      expect(parent.status).toBe('SUCCEEDED');
      expect(JSON.parse(parent.output ?? 'null')).toEqual(Array.from({ length: ITEMS }, (_, n) => ({ done: n })));
      const described = await client.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(described).toMatchObject({
        status: 'SUCCEEDED',
        itemCounts: { succeeded: ITEMS, failed: 0, running: 0, pending: 0, total: ITEMS },
      });
    } finally {
      client.destroy();
    }
  }, 90_000);
});

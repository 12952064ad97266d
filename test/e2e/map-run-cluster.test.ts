/**
 * A Map Run on two nodes sharing one PostgreSQL schema, as real processes: the STANDARD children
 * spread over both nodes (each child waits, and whichever node claims its due timer steps it), and
 * when the node running the Map Run is SIGKILLed mid-run the other takes over the parent once the
 * lease runs out, continues the run from its rows, and every item succeeds exactly once.
 *
 * Skipped (with a warning) when no PostgreSQL answers, failed instead when STEPWISE_REQUIRE_POSTGRES=1.
 */
import { join } from 'node:path';
import { DescribeMapRunCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchemas, freshSchema, postgresReachable } from '../store/postgres-helper.js';
import { sleep } from '../support/async.js';
import { createMachine, mapRunChildren, startExecution, untilDone } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { Node } from './cluster-harness.js';
import { ServerProcess } from './server-process.js';

const LEASE_MS = 3_000;
const ITEMS = 80;

const definition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 20,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' },
          Done: { Type: 'Pass', Parameters: { 'done.$': '$.n' }, End: true },
        },
      },
      End: true,
    },
  },
};

if (await postgresReachable('a Map Run on two nodes, one killed')) {
  describe('a Map Run on two PostgreSQL nodes, the one running it SIGKILLed', () => {
    const schema = freshSchema();
    const dir = tempDir('stepwise-map-run-cluster-');
    let nodes: Node[] = [];
    const outputs = () => nodes.map((n) => `--- ${n.id}:\n${n.server.output.slice(-2000)}`).join('\n');

    beforeAll(async () => {
      nodes = await Promise.all(
        ['map-a', 'map-b'].map(async (id) => {
          const args = ['--database-url', databaseUrl, '--database-schema', schema, '--node-id', id];
          args.push('--lease-ms', String(LEASE_MS));
          return new Node(id, new ServerProcess(await freePort(), join(dir, id), { args }));
        }),
      );
      await Promise.all(nodes.map((n) => n.server.start(45_000)));
      for (const n of nodes) n.renewClient();
    }, 90_000);

    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.server.kill()));
      for (const n of nodes) n.client.destroy();
      await dropSchemas();
      removeDir(dir);
    }, 60_000);

    it('children run on both nodes; the survivor finishes the run, every item once', async () => {
      const [a, b] = nodes as [Node, Node];
      const machine = await createMachine(a.client, 'cluster-fan', definition);
      const executionArn = await startExecution(a.client, machine, {
        items: Array.from({ length: ITEMS }, (_, n) => ({ n })),
      });
      let mapRunArn = '';
      for (const deadline = Date.now() + 10_000; !mapRunArn && Date.now() < deadline; await sleep(50))
        mapRunArn = (await b.client.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn ?? '';
      expect(mapRunArn).not.toBe('');

      // Node b started nothing, yet steps children: it claims their due Wait timers.
      for (const deadline = Date.now() + 15_000; ; await sleep(200)) {
        const view = await b.viewOf('map-b');
        if ((view.stats.stepsCommitted ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error(`node b stepped no child\n${outputs()}`);
      }
      const before = await b.client.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(before.status).toBe('RUNNING');
      expect(before.executionCounts?.succeeded ?? 0).toBeLessThan(ITEMS);

      // Node a started the parent and holds its Map Run: kill it mid-run.
      await a.server.kill('SIGKILL');
      const parent = await untilDone(b.client, executionArn, 60_000);
      expect(parent.status, outputs()).toBe('SUCCEEDED');
      expect(JSON.parse(parent.output ?? 'null')).toEqual(Array.from({ length: ITEMS }, (_, n) => ({ done: n })));

      const children = await mapRunChildren(b.client, mapRunArn);
      expect(children).toHaveLength(ITEMS);
      expect(new Set(children.map((c) => c.name)).size).toBe(ITEMS);
      expect(children.filter((c) => c.status !== 'SUCCEEDED')).toEqual([]);
      expect(await b.client.send(new DescribeMapRunCommand({ mapRunArn }))).toMatchObject({
        status: 'SUCCEEDED',
        itemCounts: { succeeded: ITEMS, running: 0, pending: 0, total: ITEMS },
      });
    }, 120_000);
  });
}

/** On PostgreSQL every node's series carry its `node` label, so a scrape of each node tells them apart. */
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { createMachine, sfnClient, startExecution, untilDone } from '../support/aws.js';
import { databaseUrl, dropSchemas, freshSchema, postgresReachable } from '../store/postgres-helper.js';
import { scrape } from './prometheus.js';

const reachable = await postgresReachable('metrics on PostgreSQL');
afterAll(() => dropSchemas());

it.runIf(reachable)('labels every series with the node id on PostgreSQL', async () => {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    consoleDir: false,
    databaseUrl,
    databaseSchema: freshSchema(),
    nodeId: 'node-a',
  });
  const client = sfnClient(server.url);
  try {
    const machine = await createMachine(client, 'pg', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    await untilDone(client, await startExecution(client, machine));
    const m = await scrape(server.url);
    expect(m.value('stepwise_executions_succeeded_total', { node: 'node-a', state_machine_arn: machine })).toBe(1);
    expect(m.samples.every((s) => s.labels.node === 'node-a')).toBe(true);
  } finally {
    client.destroy();
    await server.close();
  }
});

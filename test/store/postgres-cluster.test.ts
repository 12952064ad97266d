import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { ClusterEvent } from '../../src/store/cluster.js';
import { CLUSTER_SQL } from '../../src/store/postgres/cluster-sql.js';
import { channelFor, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { eventually } from '../support/async.js';
import { describeClusterStore } from './cluster-suite.js';
import { createCommit, execution, timer } from './fixtures.js';
import { databaseUrl, dropSchemas, freshSchema, postgresReachable, query } from './postgres-helper.js';

const LEASE_MS = 10_000;

if (await postgresReachable()) {
  // Dropping every schema the suite made (one per test, ~0.1 s each) outlasts the 10 s default.
  afterAll(dropSchemas, 120_000);

  describeClusterStore('postgres', () => PostgresStore.open(databaseUrl, { schema: freshSchema() }));

  describe('PostgresStore as a cluster store on PostgreSQL', () => {
    /** Two nodes: one schema, a pool each. */
    async function twoNodes(): Promise<[PostgresStore, PostgresStore, string]> {
      const schema = freshSchema();
      const a = await PostgresStore.open(databaseUrl, { schema });
      const b = await PostgresStore.open(databaseUrl, { schema });
      return [a, b, schema];
    }

    /** The backend pids of the sessions LISTENing on a channel (their last statement was the LISTEN). */
    const listeners = async (channel: string): Promise<number[]> =>
      (
        await query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query = $1 AND state = 'idle'", [
          `LISTEN ${channel}`,
        ])
      ).map((row) => row.pid);

    it('two nodes claiming at once from 200 ready executions get disjoint sets that cover them all', async () => {
      const [a, b, schema] = await twoNodes();
      const execs = Array.from({ length: 200 }, (_, i) => execution('m', `e${i}`));
      await a.commit(execs.map((e, i) => createCommit(e, { timersAdded: [timer(e.arn, 't', i)] })));
      /** Claims batches of 7 until nothing is left. */
      const drain = async (store: PostgresStore, owner: string): Promise<string[]> => {
        const claimed: string[] = [];
        for (;;) {
          const batch = await store.claimExecutions(owner, 1_000, LEASE_MS, 7);
          if (batch.length === 0) return claimed;
          claimed.push(...batch.map((c) => c.arn));
        }
      };
      const claims = (await Promise.all([drain(a, 'a'), drain(a, 'a'), drain(b, 'b'), drain(b, 'b')])).flat();
      expect(claims).toHaveLength(200);
      expect(new Set(claims)).toEqual(new Set(execs.map((e) => e.arn)));
      const holdings = Object.fromEntries(
        (
          await query<{ locked_by: string; n: number }>(
            `SELECT locked_by, count(*)::integer AS n FROM ${schema}.executions GROUP BY locked_by`,
          )
        ).map((row) => [row.locked_by, row.n]),
      );
      expect(holdings.a + holdings.b).toBe(200);
      await Promise.all([a.close(), b.close()]);
    });

    it('two nodes acquiring one execution at once: exactly one gets it, the other learns who', async () => {
      const [a, b] = await twoNodes();
      const execs = Array.from({ length: 20 }, (_, i) => execution('m', `e${i}`));
      await a.commit(execs.map((e) => createCommit(e)));
      for (const e of execs) {
        const [fromA, fromB] = await Promise.all([
          a.acquireExecution(e.arn, 'a', 100, LEASE_MS),
          b.acquireExecution(e.arn, 'b', 100, LEASE_MS),
        ]);
        const winner = fromA.acquired ? 'a' : 'b';
        expect([fromA.acquired, fromB.acquired].filter(Boolean)).toHaveLength(1);
        expect(fromA.acquired ? fromB : fromA).toEqual({ acquired: false, holder: winner });
      }
      await Promise.all([a.close(), b.close()]);
    });

    it('a commit racing a claim of its expired lease: exactly one of them takes effect', async () => {
      const [a, b] = await twoNodes();
      for (let i = 0; i < 20; i++) {
        const exec = execution('m', `e${i}`);
        await a.commit([{ ...createCommit(exec), lease: { owner: 'a', now: 0, until: 100 } }]);
        const step = {
          ...createCommit(exec),
          expectedVersion: 1,
          execution: { ...exec, version: 2 },
          lease: { owner: 'a', now: 99, until: 10_000 },
        };
        const [committed, claimed] = await Promise.all([a.commit([step]), b.claimExecutions('b', 100, LEASE_MS, 100)]);
        const claimedIt = claimed.some((c) => c.arn === exec.arn);
        // The commit fenced at now = 99 either lands first (the lease runs on, nothing to claim) or after
        // b's claim, which it then finds taken.
        expect(committed).toEqual([claimedIt ? 'leaseLost' : 'ok']);
      }
      await Promise.all([a.close(), b.close()]);
    });

    it('a NOTIFY on one schema is not heard by a subscriber on another schema', async () => {
      const here = await PostgresStore.open(databaseUrl, { schema: freshSchema() });
      const there = await PostgresStore.open(databaseUrl, { schema: freshSchema() });
      const heardHere: ClusterEvent[] = [];
      const heardThere: ClusterEvent[] = [];
      await here.subscribe((e) => heardHere.push(e));
      await there.subscribe((e) => heardThere.push(e));
      await there.publish({ kind: 'activity', activityArn: 'there' });
      await here.publish({ kind: 'activity', activityArn: 'here' });
      await eventually(async () => (heardHere.length > 0 && heardThere.length > 0 ? true : undefined), 'both events');
      await there.publish({ kind: 'ready' });
      await eventually(async () => (heardThere.length > 1 ? true : undefined), 'the second event there');
      expect(heardHere).toEqual([{ kind: 'activity', activityArn: 'here' }]);
      expect(heardThere).toEqual([{ kind: 'activity', activityArn: 'there' }, { kind: 'ready' }]);
      await Promise.all([here.close(), there.close()]);
    });

    it('nodes on one schema hear each other: a signal posted by one wakes the other', async () => {
      const [a, b] = await twoNodes();
      const heard: ClusterEvent[] = [];
      await b.subscribe((e) => heard.push(e));
      const exec = execution('m', 'e1');
      await a.commit([createCommit(exec)]);
      await a.postSignal(exec.arn, { kind: 'stop' }, 100);
      await eventually(async () => (heard.length > 0 ? true : undefined), 'the signal event');
      expect(heard).toEqual([{ kind: 'signal', executionArn: exec.arn }]);
      await Promise.all([a.close(), b.close()]);
    });

    it('a subscriber whose connection drops reconnects, emits ready, and hears later events', async () => {
      const schema = freshSchema();
      const store = await PostgresStore.open(databaseUrl, { schema, listenRetryMs: 20 });
      const heard: ClusterEvent[] = [];
      await store.subscribe((e) => heard.push(e));
      const [pid] = await listeners(channelFor(schema));
      expect(pid).toBeDefined();
      await query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(
        async () => (heard.some((e) => e.kind === 'ready') ? true : undefined),
        'ready after reconnecting',
      );
      const [again] = await listeners(channelFor(schema));
      expect(again).not.toBe(pid);
      await store.publish({ kind: 'activity', activityArn: 'after' });
      await eventually(
        async () => (heard.some((e) => e.kind === 'activity') ? true : undefined),
        'an event after reconnecting',
      );
      await store.close();
    });

    it("unsubscribing and close() end the subscribers' connections", async () => {
      const schema = freshSchema();
      const store = await PostgresStore.open(databaseUrl, { schema });
      const stop = await store.subscribe(() => undefined);
      await store.subscribe(() => undefined);
      expect(await listeners(channelFor(schema))).toHaveLength(2);
      await stop();
      await eventually(
        async () => ((await listeners(channelFor(schema))).length === 1 ? true : undefined),
        'one listener left',
      );
      await store.close();
      await eventually(
        async () => ((await listeners(channelFor(schema))).length === 0 ? true : undefined),
        'no listener left',
      );
    });

    it('a schema whose channel name would pass 63 bytes gets a hashed channel, and its events still arrive', async () => {
      const schema = freshSchema(63);
      expect(channelFor(schema)).toMatch(/^stepwise_[0-9a-f]{40}$/);
      expect(channelFor('abc')).toBe('stepwise_abc');
      expect(channelFor(undefined)).toBe('stepwise');
      const store = await PostgresStore.open(databaseUrl, { schema });
      const heard: ClusterEvent[] = [];
      await store.subscribe((e) => heard.push(e));
      await store.publish({ kind: 'ready' });
      await eventually(async () => (heard.length > 0 ? true : undefined), 'the event');
      await store.close();
    });

    it('with many executions the claim reads only the small sets: no sequential scan of executions', async () => {
      const schema = freshSchema();
      await (await PostgresStore.open(databaseUrl, { schema })).close();
      const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        // 50,000 executions, a few of them ready: 20 with a due timer, 10 with a signal, 5 with an expired lease.
        await client.query(`INSERT INTO executions (arn, state_machine_arn, name, definition, status, start_date, input,
            redrive_count, state, version, history_length, locked_by, locked_until)
          SELECT 'e' || i, 'm', 'e' || i, '{}', 'RUNNING', i, '{}', 0, '{}', 1, 0,
                 CASE WHEN i % 10000 = 1 THEN 'dead' END, CASE WHEN i % 10000 = 1 THEN 10 END
            FROM generate_series(1, 50000) AS i`);
        await client.query(`INSERT INTO timers (execution_arn, timer_id, fire_at)
          SELECT 'e' || i, 't', CASE WHEN i % 2500 = 0 THEN 5 ELSE 1000000 END FROM generate_series(1, 50000) AS i`);
        await client.query(`INSERT INTO signals (execution_arn, signal, created_at)
          SELECT 'e' || (i * 4999), '{}', 5 FROM generate_series(1, 10) AS i`);
        await client.query('ANALYZE');
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLUSTER_SQL.claimExecutions}`, [
          'a',
          1_000,
          2_000,
          100,
        ]);
        expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on executions/);
        expect((await client.query(CLUSTER_SQL.claimExecutions, ['a', 1_000, 2_000, 100])).rowCount).toBe(35);
      } finally {
        await client.end();
      }
    });
  });
}

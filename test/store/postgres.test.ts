import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations } from '../../src/store/migrations/index.js';
import type { Json } from '../../src/json.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import type { Commit, CommitResult } from '../../src/store/types.js';
import {
  createCommit,
  event,
  execution,
  executionArn,
  mapRun,
  mapRunArn,
  mapRunChild,
  nextCommit,
  stateMachine,
  task,
  timer,
} from './fixtures.js';
import { createSchema, databaseUrl, dropSchemas, freshSchema, postgresReachable, query } from './postgres-helper.js';
import { describeStore } from './store-suite.js';

if (await postgresReachable()) {
  // Dropping every schema the suite made (one per test, ~0.1 s each) outlasts the 10 s default.
  afterAll(dropSchemas, 120_000);

  describeStore('postgres', () => PostgresStore.open(databaseUrl, { schema: freshSchema() }));

  describe('PostgresStore on PostgreSQL', () => {
    const activityArn = 'arn:aws:states:us-east-1:123456789012:activity:work';

    it('records every migration in schema_migrations with the SQLite numbers, and reopening changes nothing', async () => {
      const schema = freshSchema();
      await (await PostgresStore.open(databaseUrl, { schema })).close();
      const again = await PostgresStore.open(databaseUrl, { schema });
      await again.close();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: number; name: string }>(
          `SELECT id, name FROM ${schema}.schema_migrations ORDER BY id`,
        );
        expect(rows).toEqual(migrations.map((m) => ({ id: m.id, name: m.name })));
      } finally {
        await client.end();
      }
    });

    it('migration 9 (Map Runs) applies on a schema made at migration 8: its executions read back with no Map Run', async () => {
      const schema = freshSchema();
      const old = execution('m', 'before', { status: 'SUCCEEDED', stopDate: 20_000 });
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: `-c search_path=${schema}` });
      try {
        const client = await pool.connect();
        try {
          expect(await migrate(client, schema, migrations.slice(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
          await client.query(
            `INSERT INTO executions (arn, state_machine_arn, name, definition, status, start_date, stop_date, input,
               redrive_count, state, version, history_length)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9::jsonb, 1, 0)`,
            [
              old.arn,
              old.stateMachineArn,
              old.name,
              old.definition,
              old.status,
              old.startDate,
              20_000,
              old.input,
              JSON.stringify(old.state),
            ],
          );
        } finally {
          client.release();
        }
      } finally {
        await pool.end();
      }
      const store = await PostgresStore.open(databaseUrl, { schema });
      try {
        expect(await store.getExecution(old.arn)).toEqual(old);
        expect((await store.listExecutions({}, { limit: 5 })).items[0]).not.toHaveProperty('mapRunArn');
        expect((await store.listExecutions({ mapRunArn: mapRunArn('m', 'r') }, { limit: 5 })).items).toEqual([]);
        expect(await store.createMapRun(mapRun('m', 'before', 'r'))).toBe('ok');
        await store.putMapRunChildren([mapRunChild(mapRunArn('m', 'r'), 0)]);
        expect(await store.countMapRunChildren(mapRunArn('m', 'r'))).toEqual([
          { status: 'SUCCEEDED', children: 1, items: 1 },
        ]);
      } finally {
        await store.close();
      }
      const rows = await query<{ id: number }>(`SELECT id FROM ${schema}.schema_migrations ORDER BY id`);
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
    });

    it('two nodes opening one fresh schema at once both succeed (the advisory lock serialises migrating)', async () => {
      const schema = freshSchema();
      await createSchema(schema);
      const stores = await Promise.all([0, 1, 2].map(() => PostgresStore.open(databaseUrl, { schema })));
      await stores[0].createStateMachine(stateMachine('m'));
      expect((await stores[2].getStateMachine(stateMachine('m').arn))?.name).toBe('m');
      await Promise.all(stores.map((s) => s.close()));
    });

    it('a commit alone writes exactly the rows it writes as a member of a batch', async () => {
      // A batch of one is a statement of its own (single-commit.ts), a larger batch the batch
      // statement (batch-commit.ts): the same steps through each leave the same rows and results.
      const [aloneSchema, batchedSchema] = [freshSchema(), freshSchema()];
      const alone = await PostgresStore.open(databaseUrl, { schema: aloneSchema });
      const batched = await PostgresStore.open(databaseUrl, { schema: batchedSchema });
      const arn = executionArn('m', 'e1');
      const rows = (schema: string) =>
        Promise.all(
          [
            `SELECT * FROM ${schema}.executions WHERE arn = $1`,
            `SELECT * FROM ${schema}.history_events WHERE execution_arn = $1 ORDER BY id`,
            `SELECT * FROM ${schema}.timers WHERE execution_arn = $1 ORDER BY timer_id`,
            `SELECT * FROM ${schema}.tasks WHERE execution_arn = $1 ORDER BY task_id`,
            `SELECT * FROM ${schema}.signals WHERE execution_arn = $1 ORDER BY id`,
            `SELECT * FROM ${schema}.outbox WHERE $1::text IS NOT NULL ORDER BY id`,
          ].map((text) => query(text, [arn])),
        );
      let pads = 0;
      /** `commit` alone on one store, and with a creating commit of another execution on the other. */
      const both = async (commit: Commit): Promise<CommitResult[]> => {
        const [one] = await alone.commit([commit]);
        const [member] = await batched.commit([commit, createCommit(execution('m', `pad${++pads}`))]);
        expect(await rows(batchedSchema)).toEqual(await rows(aloneSchema));
        return [one as CommitResult, member as CommitResult];
      };
      const lease = (now: number, until: number | null = now + 60_000) => ({ owner: 'node-a', now, until });
      const activityTask = { ...task(arn, 'act'), resource: activityArn, command: { resource: activityArn } };
      const mail = (body: string) => ({ target: 'http://127.0.0.1:1/hook', body, createdAt: 5 });
      const created: Commit = {
        ...createCommit(execution('m', 'e1'), {
          events: [event(1, 'ExecutionStarted'), event(2)],
          timersAdded: [timer(arn, 't1', 50_000), timer(arn, 't1', 60_000)],
          tasksAdded: [task(arn, 'k1'), activityTask],
          outbox: [mail('started')],
        }),
        lease: lease(100),
      };
      expect(await both(created)).toEqual(['ok', 'ok']);
      const first = created.execution;
      // A repeated creation, a stale version, another node's lease, a repeated event id: nothing written.
      expect(await both({ ...created, events: [] })).toEqual(['conflict', 'conflict']);
      const next = nextCommit(first, {}, { events: [event(3)] });
      expect(await both({ ...next, expectedVersion: 0, execution: { ...next.execution, version: 1 } })).toEqual([
        'conflict',
        'conflict',
      ]);
      expect(await both({ ...next, lease: { ...lease(200), owner: 'node-b' } })).toEqual(['leaseLost', 'leaseLost']);
      expect(await both({ ...next, events: [event(2)], lease: lease(200) })).toEqual(['conflict', 'conflict']);
      const signal = await alone.postSignal(arn, { kind: 'stop' }, 150);
      expect(await batched.postSignal(arn, { kind: 'stop' }, 150)).toBe(signal);
      const second: Commit = {
        ...nextCommit(
          first,
          { processEndings: 0 },
          {
            events: [event(3), event(4)],
            timersRemoved: ['t1'],
            timersAdded: [timer(arn, 't1', 70_000), timer(arn, 't2', 80_000)],
            tasksRemoved: ['k1', 'act'],
            tasksAdded: [task(arn, 'k1', 20_000), task(arn, 'k2')],
            outbox: [mail('one'), mail('two')],
          },
        ),
        lease: lease(200),
        signalsSettled: [{ id: signal, accepted: true }],
      };
      expect(await both(second)).toEqual(['ok', 'ok']);
      const [[row], events, timers, tasks, [settled], outbox] = await rows(aloneSchema);
      // (Read here with pg's default parsers: BIGINT columns as strings.)
      expect(row).toMatchObject({ version: 2, locked_by: 'node-a', locked_until: '60200' });
      expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
      expect(timers.map((t) => [t.timer_id, t.fire_at])).toEqual([
        ['t1', '70000'],
        ['t2', '80000'],
      ]);
      expect(tasks.map((t) => [t.task_id, t.created_at])).toEqual([
        ['k1', '20000'],
        ['k2', '10000'],
      ]);
      expect(settled).toMatchObject({ accepted: true, settled_at: '200' });
      expect(outbox.map((m) => m.body)).toEqual(['started', 'one', 'two']);
      const third: Commit = {
        ...nextCommit(
          second.execution,
          { status: 'SUCCEEDED', stopDate: 300, output: '{"done":true}' },
          { events: [event(5, 'ExecutionSucceeded')], timersRemoved: ['t1', 't2'], tasksRemoved: ['k1', 'k2'] },
        ),
        lease: lease(300, null),
      };
      expect(await both(third)).toEqual(['ok', 'ok']);
      const [[done], , timersLeft, tasksLeft] = await rows(aloneSchema);
      expect(done).toMatchObject({ status: 'SUCCEEDED', version: 3, locked_by: null, locked_until: null });
      expect([timersLeft, tasksLeft]).toEqual([[], []]);
      await Promise.all([alone.close(), batched.close()]);
    });

    it('two nodes polling one activity never get the same task', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([
        PostgresStore.open(databaseUrl, { schema }),
        PostgresStore.open(databaseUrl, { schema }),
      ]);
      const execs = Array.from({ length: 50 }, (_, i) => execution('m', `e${i}`));
      const command: Json = { resource: activityArn };
      await a.commit(
        execs.map((e, i) =>
          createCommit(e, { tasksAdded: [{ ...task(e.arn, 't', i), resource: activityArn, command }] }),
        ),
      );
      const poll = (store: PostgresStore, worker: string) =>
        Promise.all(Array.from({ length: 40 }, () => store.claimActivityTask(activityArn, worker, 1)));
      const claims = (await Promise.all([poll(a, 'a'), poll(b, 'b')])).flat().filter((c) => c !== undefined);
      expect(claims).toHaveLength(50);
      expect(new Set(claims.map((c) => c.executionArn)).size).toBe(50);
      await Promise.all([a.close(), b.close()]);
    });

    it('two nodes committing the same step of one execution: exactly one applies', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([
        PostgresStore.open(databaseUrl, { schema }),
        PostgresStore.open(databaseUrl, { schema }),
      ]);
      const exec = execution('m', 'race');
      expect(await a.commit([createCommit(exec, { events: [event(1, 'ExecutionStarted')] })])).toEqual(['ok']);
      const step = (store: PostgresStore, status: 'SUCCEEDED' | 'FAILED') =>
        store.commit([
          {
            expectedVersion: 1,
            execution: { ...exec, status, version: 2, historyLength: 2 },
            events: [event(2)],
            timersAdded: [],
            timersRemoved: [],
            tasksAdded: [],
            tasksRemoved: [],
          },
        ]);
      const results = (await Promise.all([step(a, 'SUCCEEDED'), step(b, 'FAILED')])).flat();
      expect(results.sort()).toEqual(['conflict', 'ok']);
      expect(await a.getHistory(exec.arn, { limit: 10 })).toHaveLength(2);
      await Promise.all([a.close(), b.close()]);
    });

    it('epoch-millisecond times read back as numbers', async () => {
      const store = await PostgresStore.open(databaseUrl, { schema: freshSchema() });
      const record = stateMachine('m', { creationDate: 1_767_225_600_123, updateDate: 1_767_225_600_456 });
      await store.createStateMachine(record);
      expect(await store.getStateMachine(record.arn)).toEqual(record);
      await store.close();
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await expect(PostgresStore.open(databaseUrl, { schema: 'x; DROP TABLE y' })).rejects.toThrow(RangeError);
    });
  });
}

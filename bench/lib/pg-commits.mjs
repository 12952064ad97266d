// The PostgreSQL store's commit rate, by batch size: PostgresStore.commit called directly (no
// server, no HTTP), one batch at a time on one connection, so each batch costs its round trips and
// its statements and nothing else. Each member is a step of a running execution as a cluster node
// commits it: under the node's lease, the version bumped, two history events appended, its timer
// replaced (removed and added again with a later due time).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const OWNER = 'bench-node';
const LEASE_MS = 10 * 60_000;

/** A running execution as the engine stores it: a small state, a small input. */
function execution(arn, now) {
  return {
    arn,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench-commits',
    name: arn.slice(arn.lastIndexOf(':') + 1),
    definition: '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}',
    status: 'RUNNING',
    startDate: now,
    input: '{"hello":"world"}',
    redriveCount: 0,
    state: { frames: [{ state: 'W', input: { hello: 'world' }, enteredAt: now }], nextTimer: 1 },
    version: 1,
    historyLength: 2,
  };
}

function event(id, now) {
  return {
    id,
    previousEventId: id - 1,
    timestamp: now,
    type: id % 2 === 0 ? 'WaitStateExited' : 'WaitStateEntered',
    stateEnteredEventDetails: { name: 'W', input: '{"hello":"world"}' },
  };
}

/**
 * Commits batches of `batchSize` members (distinct executions, taken in
 * turn from `executions` created beforehand) for `seconds` after a second's warm-up; commits/s.
 */
export async function postgresCommits({
  storeModule,
  databaseUrl,
  executions,
  batchSizes,
  seconds,
  pgClient,
  processCpuMs,
}) {
  const { PostgresStore } = await import(storeModule);
  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const schema = `stepwise_bench_commits_${tag}`;
  // Named, so its one backend can be found and its CPU read (the store's pool has one connection).
  const applicationName = `stepwise_bench_commits_${tag}`;
  const url = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationName}`;
  const store = await PostgresStore.open(url, { schema, maxConnections: 1 });
  const rows = [];
  const admin = await pgClient();
  try {
    const now = Date.now();
    const lease = () => ({ owner: OWNER, now: Date.now(), until: Date.now() + LEASE_MS });
    // The executions, created under the lease in batches of 500 (with their first two events).
    const live = [];
    for (let i = 0; i < executions; i += 500) {
      const batch = [];
      for (let j = i; j < Math.min(executions, i + 500); j++) {
        const arn = `arn:aws:states:us-east-1:123456789012:execution:bench-commits:e${j}`;
        const record = execution(arn, now);
        live.push(record);
        batch.push({
          expectedVersion: 0,
          execution: record,
          events: [event(1, now), event(2, now)],
          timersAdded: [{ executionArn: arn, timerId: 't', fireAt: now + 60_000 }],
          timersRemoved: [],
          tasksAdded: [],
          tasksRemoved: [],
          lease: lease(),
        });
      }
      const results = await store.commit(batch);
      if (results.some((r) => r !== 'ok')) throw new Error(`creating executions: ${results.join(',')}`);
    }
    let next = 0;
    /** One step of the next execution in turn: version + 1, two events, the timer replaced. */
    const step = (at) => {
      const previous = live[next];
      const current = {
        ...previous,
        version: previous.version + 1,
        historyLength: previous.historyLength + 2,
      };
      live[next] = current;
      next = (next + 1) % live.length;
      return {
        expectedVersion: previous.version,
        execution: current,
        events: [event(previous.historyLength + 1, at), event(previous.historyLength + 2, at)],
        timersAdded: [{ executionArn: current.arn, timerId: 't', fireAt: at + 60_000 }],
        timersRemoved: ['t'],
        tasksAdded: [],
        tasksRemoved: [],
        lease: lease(),
      };
    };
    const loop = async (batchSize, until) => {
      let n = 0;
      while (performance.now() < until) {
        const at = Date.now();
        const batch = Array.from({ length: batchSize }, () => step(at));
        const results = await store.commit(batch);
        if (results.some((r) => r !== 'ok')) throw new Error(`batch of ${batchSize}: ${results.join(',')}`);
        n += batchSize;
      }
      return n;
    };
    const { rows: backends } = await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      applicationName,
    ]);
    const backend = backends.length === 1 ? backends[0].pid : undefined;
    const cpu = () => ({ client: processCpuMs(process.pid), backend: backend && processCpuMs(backend) });
    for (const batchSize of batchSizes) {
      if (batchSize > live.length) throw new Error(`batch of ${batchSize} needs that many executions`);
      await loop(batchSize, performance.now() + 1000);
      const cpuStart = cpu();
      const start = performance.now();
      const commits = await loop(batchSize, start + seconds * 1000);
      const ms = performance.now() - start;
      const cpuEnd = cpu();
      rows.push({
        batchSize,
        commits,
        ms,
        commitsPerSecond: (commits / ms) * 1000,
        msPerBatch: ms / (commits / batchSize),
        // CPU per commit (user + system, 10 ms ticks): this process (the caller and pg's client
        // side) and the store's PostgreSQL backend. Less moved by a busy machine than wall time.
        clientCpuMsPerCommit: (cpuEnd.client - cpuStart.client) / commits,
        backendCpuMsPerCommit: backend ? (cpuEnd.backend - cpuStart.backend) / commits : NaN,
      });
    }
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  }
  return rows;
}

// Stepwise cluster benchmark: Standard executions start to finish over HTTP on 1, 2 and 3 server
// processes sharing one PostgreSQL schema, next to one server on SQLite, and the two databases' own
// single-row transaction rates, all measured in one run on this machine. Not a test: figures move
// with the machine's load; compare the ratios.
//
//   npm run build && node bench/cluster.mjs
//
// Every server is a real `node dist/cli/main.js serve` process (fresh schema or data directory per
// run). The HTTP load comes from a child process (keep-alive, round-robin over the nodes); the end
// of a run is read from the database (the latest stop_date), so polling costs next to nothing.
//
// Environment (all optional):
//   BENCH_ONLY            comma list of phases: ceilings,commits,sqlite,postgres (default: all)
//   BENCH_SECONDS         seconds per transaction-rate measurement (default 3)
//   BENCH_PG_CONNECTIONS  comma list: connections inserting at once for PostgreSQL's rate (default 1,10,30)
//   BENCH_CLUSTER_N       executions per timed run of the chain workload (default 3000)
//   BENCH_TIMER_N         executions per timed run of the wait1 workload (default 2000)
//   BENCH_CLUSTER_WARMUP  executions started before each timed run, not counted (default 300)
//   BENCH_CLUSTER_NODES   comma list: node counts on PostgreSQL (default 1,2,3)
//   BENCH_CONCURRENCY     StartExecution requests in flight, over all nodes (default 64)
//   BENCH_WORKLOADS       comma list: chain,wait1 (default both)
//   BENCH_COMMIT_BATCHES  comma list: batch sizes of the commits phase (default 1,10,100)
//   BENCH_COMMIT_BUILDS   comma list of label=dir: builds whose PostgresStore the commits phase
//                         measures, in turn (default the current one, dist=dist); e.g.
//                         before=.scratch/dist-before,after=dist for two builds in one sitting
//   BENCH_COMMIT_ROUNDS   rounds of the commits phase, builds interleaved; medians (default 3)
//   BENCH_NO_WRITE        set to skip writing bench/results/cluster-*.json
//   STEPWISE_DATABASE_URL PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
import { Buffer } from 'node:buffer';
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { envList, envNumber } from './lib/env.mjs';
import { fmt, percentile } from './lib/format.mjs';
import { awsCall, CONTENT_TYPE, startClient } from './lib/http-client.mjs';
import { gitState, writeResults } from './lib/results.mjs';
import { sqliteCeiling } from './lib/sqlite-ceiling.mjs';
import { postgresCommits } from './lib/pg-commits.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.STEPWISE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepwise-bench';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Workloads

const WORKLOADS = {
  /** Five states, all synchronous: on one node an execution is one commit (the start). */
  chain: {
    description: 'Pass → Pass → Choice → Pass → Succeed (5 states, one step)',
    definition: {
      StartAt: 'Prepare',
      States: {
        Prepare: {
          Type: 'Pass',
          Parameters: { 'order.$': '$.order', 'customer.$': '$.customer', step: 1 },
          Next: 'Price',
        },
        Price: {
          Type: 'Pass',
          Parameters: { 'order.$': '$.order', 'customer.$': '$.customer', total: 42.5, step: 2 },
          Next: 'Route',
        },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Big' }],
          Default: 'Small',
        },
        Big: { Type: 'Pass', Parameters: { size: 'big', 'order.$': '$.order' }, Next: 'Done' },
        Small: { Type: 'Pass', Parameters: { size: 'small', 'order.$': '$.order' }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    output: { size: 'small', order: { id: 'o-1042', lines: 2 } },
  },
  /**
   * A Wait of 1 s in the middle: the start commits a timer row and gives the lease up; the due timer
   * is a second step, taken by whichever node claims it (a Wait of 0 s does not do this: Stepwise
   * passes it within the same step, so it measures the same as chain).
   */
  wait1: {
    description: 'Pass → Wait 1 s → Pass → Pass → Succeed (5 states, two steps: the Wait is a timer)',
    definition: {
      StartAt: 'Prepare',
      States: {
        Prepare: {
          Type: 'Pass',
          Parameters: { 'order.$': '$.order', 'customer.$': '$.customer', step: 1 },
          Next: 'Hold',
        },
        Hold: { Type: 'Wait', Seconds: 1, Next: 'Price' },
        Price: { Type: 'Pass', Parameters: { 'order.$': '$.order', total: 42.5 }, Next: 'Label' },
        Label: { Type: 'Pass', Parameters: { size: 'small', 'order.$': '$.order' }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    output: { size: 'small', order: { id: 'o-1042', lines: 2 } },
    waitMs: 1000,
  },
};
const INPUT = { order: { id: 'o-1042', lines: 2 }, customer: 'c-7' };

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): per process, PostgreSQL's processes, the whole machine.

const CLK_TCK = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const haveProc = existsSync('/proc/stat');

/** CPU milliseconds (user + system) a process has used, or undefined once it is gone. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Every process whose command name is `postgres`, with its CPU ms. */
function postgresProcesses() {
  const found = new Map();
  if (!haveProc) return found;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const ms = processCpuMs(entry);
    if (ms !== undefined) found.set(entry, ms);
  }
  return found;
}

/** The machine's busy and total CPU ms over all cores (from /proc/stat's cpu line). */
function machineCpu() {
  if (!haveProc) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0);
  return { busyMs: ((total - idle) * 1000) / CLK_TCK, totalMs: (total * 1000) / CLK_TCK };
}

/** Starts measuring; `stop()` gives CPU ms per node pid, PostgreSQL's sum, the machine's busy share. */
function cpuMeter(nodePids) {
  const nodesStart = nodePids.map(processCpuMs);
  const pgStart = postgresProcesses();
  const machineStart = machineCpu();
  return {
    stop() {
      const nodes = nodePids.map((pid, k) => (processCpuMs(pid) ?? NaN) - nodesStart[k]);
      const pgEnd = postgresProcesses();
      let postgres = 0;
      // Backends that started during the run count from 0; ones that ended are lost (few: pools stay open).
      for (const [pid, ms] of pgEnd) postgres += ms - (pgStart.get(pid) ?? 0);
      const machineEnd = machineCpu();
      const machine =
        machineStart && machineEnd
          ? (machineEnd.busyMs - machineStart.busyMs) / (machineEnd.totalMs - machineStart.totalMs)
          : NaN;
      return {
        nodes,
        nodesTotal: nodes.reduce((a, b) => a + b, 0),
        postgres: haveProc ? postgres : NaN,
        machineBusy: machine,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** GET on a node: status and body (for /healthz and /cluster/nodes). */
function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Server processes

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** `node dist/cli/main.js serve` with these extra arguments; resolves once /healthz answers. */
async function startNode(dataDir, extraArgs) {
  const port = await freePort();
  const args = [
    'dist/cli/main.js',
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    ...extraArgs,
  ];
  const env = { ...process.env };
  for (const name of ['STEPWISE_DATABASE_URL', 'STEPWISE_DATABASE_SCHEMA', 'STEPWISE_NODE_ID', 'STEPWISE_LEASE_MS'])
    delete env[name];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`serve ${extraArgs.join(' ')} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await httpGet(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not answer /healthz in 20 s:\n${output}`);
    }
    await sleep(50);
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Databases: their own single-row transaction rates, and reading a run's end

async function pgClient() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  return client;
}

async function postgresSettings() {
  const client = await pgClient();
  try {
    const settings = {};
    for (const name of [
      'server_version',
      'synchronous_commit',
      'fsync',
      'wal_sync_method',
      'commit_delay',
      'shared_buffers',
      'max_connections',
    ]) {
      settings[name] = Object.values((await client.query(`SHOW ${name}`)).rows[0])[0];
    }
    return settings;
  } finally {
    await client.end();
  }
}

/** `connections` clients, each INSERTing one row per autocommit transaction for `seconds`. */
async function postgresCeiling(seconds, connections) {
  const schema = `stepwise_bench_ceiling_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await pgClient();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.t (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)`);
  const clients = await Promise.all(Array.from({ length: connections }, pgClient));
  const sql = `INSERT INTO ${schema}.t (v) VALUES ($1)`;
  try {
    // Warm-up: a second of the same.
    const loop = async (client, until) => {
      let n = 0;
      while (performance.now() < until) {
        await client.query(sql, ['{"hello":"world"}']);
        n++;
      }
      return n;
    };
    const warmUntil = performance.now() + 1000;
    await Promise.all(clients.map((c) => loop(c, warmUntil)));
    const meter = cpuMeter([process.pid]);
    const start = performance.now();
    const counts = await Promise.all(clients.map((c) => loop(c, start + seconds * 1000)));
    const ms = performance.now() - start;
    const cpu = meter.stop();
    const transactions = counts.reduce((a, b) => a + b, 0);
    return {
      connections,
      transactions,
      ms,
      perSecond: (transactions / ms) * 1000,
      cpu: { clientMs: cpu.nodesTotal, postgresMs: cpu.postgres, machineBusy: cpu.machineBusy },
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/** Reads one state machine's executions: counts by status, the latest stop_date; `durations`: each one's stop - start (ms). */
function postgresProgress(client, schema) {
  const progress = async (stateMachineArn) => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'RUNNING')::int AS running,
              count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded, max(stop_date)::bigint AS last_stop
         FROM ${schema}.executions WHERE state_machine_arn = $1`,
      [stateMachineArn],
    );
    const r = rows[0];
    return { total: r.total, running: r.running, succeeded: r.succeeded, lastStop: Number(r.last_stop) };
  };
  progress.durations = async (stateMachineArn) => {
    const { rows } = await client.query(
      `SELECT (stop_date - start_date)::int AS ms FROM ${schema}.executions WHERE state_machine_arn = $1`,
      [stateMachineArn],
    );
    return rows.map((r) => r.ms);
  };
  return progress;
}

async function sqliteProgress(file) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const query = db.prepare(
    `SELECT count(*) AS total, sum(status = 'RUNNING') AS running, sum(status = 'SUCCEEDED') AS succeeded, max(stop_date) AS last_stop
       FROM executions WHERE state_machine_arn = ?`,
  );
  const progress = async (stateMachineArn) => {
    const r = query.get(stateMachineArn);
    return { total: r.total, running: r.running ?? 0, succeeded: r.succeeded ?? 0, lastStop: Number(r.last_stop) };
  };
  const durations = db.prepare('SELECT stop_date - start_date AS ms FROM executions WHERE state_machine_arn = ?');
  progress.durations = async (stateMachineArn) => durations.all(stateMachineArn).map((r) => r.ms);
  progress.close = () => db.close();
  return progress;
}

/** PostgreSQL's transaction and WAL counters (pg_stat_database, pg_stat_wal), after a pause for backends to report. */
async function postgresCounters(client) {
  await sleep(1200);
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query(
    `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database())::bigint AS xacts,
            (SELECT wal_sync FROM pg_stat_wal)::bigint AS wal_syncs, (SELECT wal_bytes FROM pg_stat_wal)::bigint AS wal_bytes`,
  );
  return { xacts: Number(rows[0].xacts), walSyncs: Number(rows[0].wal_syncs), walBytes: Number(rows[0].wal_bytes) };
}

/** The nodes' rows once every node has heartbeaten after `since` (their counters arrive with the heartbeat). */
async function nodeStatsAfter(url, since) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = JSON.parse((await httpGet(`${url}/cluster/nodes`)).text);
    if (view.nodes.every((n) => n.heartbeatAt > since) || Date.now() > deadline) return view.nodes;
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// One run: `nodes` server processes, warm-up, then `count` StartExecutions timed to the last stop_date

async function clusterRun({ client, kind, nodeCount, workload, count, warmup, concurrency, dir }) {
  const runId = `${kind}-${nodeCount}-${workload}`;
  const schema = `stepwise_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const nodes = [];
  let progress;
  let admin;
  try {
    for (let k = 0; k < nodeCount; k++) {
      const args =
        kind === 'postgres'
          ? ['--database-url', DATABASE_URL, '--database-schema', schema, '--node-id', `bench-${nodeCount}-${k + 1}`]
          : [];
      // Started one after the other: the first creates the schema.
      nodes.push(await startNode(join(dir, runId, `node-${k + 1}`), args));
    }
    const urls = nodes.map((n) => n.url);
    const definition = JSON.stringify(WORKLOADS[workload].definition);
    const warm = await awsCall(urls[0], 'CreateStateMachine', {
      name: 'bench-warm',
      type: 'STANDARD',
      roleArn: ROLE_ARN,
      definition,
    });
    const timed = await awsCall(urls[0], 'CreateStateMachine', {
      name: 'bench-timed',
      type: 'STANDARD',
      roleArn: ROLE_ARN,
      definition,
    });
    if (kind === 'postgres') {
      admin = await pgClient();
      progress = postgresProgress(admin, schema);
    } else {
      progress = await sqliteProgress(join(dir, runId, 'node-1', 'stepwise.db'));
    }
    const headers = { 'content-type': CONTENT_TYPE, 'x-amz-target': 'AWSStepFunctions.StartExecution' };
    const input = JSON.stringify(INPUT);
    const waitAll = async (arn, n, deadlineMs) => {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const p = await progress(arn);
        if (p.total >= n && p.running === 0) return p;
        if (Date.now() > deadline)
          throw new Error(
            `${runId}: ${p.running} of ${p.total} still RUNNING after ${deadlineMs} ms\n${nodes.map((x) => x.output()).join('\n')}`,
          );
        await sleep(50);
      }
    };

    const warmLoad = await client.load({
      urls,
      headers,
      body: JSON.stringify({ stateMachineArn: warm.stateMachineArn, input }),
      concurrency,
      count: warmup,
      expect: 'executionArn',
      latencies: false,
    });
    if (warmLoad.errors > 0)
      throw new Error(`${runId} warm-up: ${warmLoad.errors} errors, first: ${warmLoad.firstError}`);
    await waitAll(warm.stateMachineArn, warmup, 120_000);

    const statsBefore = kind === 'postgres' ? await nodeStatsAfter(urls[0], Date.now()) : undefined;
    const countersBefore = kind === 'postgres' ? await postgresCounters(admin) : undefined;
    const meter = cpuMeter(nodes.map((n) => n.pid));
    const r = await client.load({
      urls,
      headers,
      body: JSON.stringify({ stateMachineArn: timed.stateMachineArn, input }),
      concurrency,
      count,
      expect: 'executionArn',
      latencies: false,
    });
    const end = await waitAll(timed.stateMachineArn, count, 900_000);
    const cpu = meter.stop();
    const countersAfter = kind === 'postgres' ? await postgresCounters(admin) : undefined;
    if (r.errors > 0) throw new Error(`${runId}: ${r.errors} StartExecution errors, first: ${r.firstError}`);
    if (end.succeeded !== count || end.total !== count)
      throw new Error(`${runId}: ${end.succeeded} of ${end.total} SUCCEEDED, expected ${count}`);
    // One output checked through the API (any node).
    const list = await awsCall(urls[urls.length - 1], 'ListExecutions', {
      stateMachineArn: timed.stateMachineArn,
      maxResults: 1,
    });
    const sample = await awsCall(urls[0], 'DescribeExecution', { executionArn: list.executions[0].executionArn });
    if (JSON.stringify(JSON.parse(sample.output)) !== JSON.stringify(WORKLOADS[workload].output))
      throw new Error(`${runId}: unexpected output ${sample.output}`);
    // Who did the work (PostgreSQL): each node's counters over the timed run, from GET /cluster/nodes.
    let nodeStats;
    if (kind === 'postgres') {
      const after = await nodeStatsAfter(urls[0], Date.now());
      nodeStats = after.map((n) => {
        const was = statsBefore.find((b) => b.id === n.id)?.stats ?? {};
        return {
          id: n.id,
          alive: n.alive,
          stats: Object.fromEntries(Object.entries(n.stats).map(([k, v]) => [k, v - (was[k] ?? 0)])),
        };
      });
    }
    // Wall time: from the client's first request to the latest stop_date (the nodes share this clock).
    const ms = end.lastStop - r.wallStart;
    // Each execution's start to stop, less its Wait: how long the engine took over it.
    const waitMs = WORKLOADS[workload].waitMs ?? 0;
    const overhead = (await progress.durations(timed.stateMachineArn)).map((d) => d - waitMs).sort((a, b) => a - b);
    const txPerExecution = countersAfter ? (countersAfter.xacts - countersBefore.xacts) / count : undefined;
    return {
      kind,
      nodes: nodeCount,
      workload,
      executions: count,
      concurrency,
      ms,
      startsMs: r.ms,
      perSecond: (count / ms) * 1000,
      /** stop_date - start_date - the workload's Wait, ms. */
      executionMs: { p50: percentile(overhead, 50), p99: percentile(overhead, 99), max: overhead.at(-1) },
      cpu: {
        nodesMs: cpu.nodes,
        nodesMsPerExecution: cpu.nodesTotal / count,
        postgresMsPerExecution: kind === 'postgres' ? cpu.postgres / count : undefined,
        clientMsPerExecution: r.clientCpuMs / count,
        machineBusy: cpu.machineBusy,
      },
      postgres: countersAfter
        ? {
            transactionsPerExecution: txPerExecution,
            transactionsPerSecond: (txPerExecution * count * 1000) / ms,
            walSyncsPerExecution: (countersAfter.walSyncs - countersBefore.walSyncs) / count,
            walBytesPerExecution: (countersAfter.walBytes - countersBefore.walBytes) / count,
          }
        : undefined,
      nodeStats,
    };
  } finally {
    if (progress?.close) progress.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.end();
    } else if (kind === 'postgres') {
      const c = await pgClient();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await c.end();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Main

const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');

async function main() {
  const phases = new Set(envList('BENCH_ONLY', ['ceilings', 'commits', 'sqlite', 'postgres']));
  const seconds = envNumber('BENCH_SECONDS', 3);
  const pgConnections = envList('BENCH_PG_CONNECTIONS', ['1', '10', '30']).map(Number);
  const counts = { chain: envNumber('BENCH_CLUSTER_N', 3000), wait1: envNumber('BENCH_TIMER_N', 2000) };
  const warmup = envNumber('BENCH_CLUSTER_WARMUP', 300);
  const nodeCounts = envList('BENCH_CLUSTER_NODES', ['1', '2', '3']).map(Number);
  const concurrency = envNumber('BENCH_CONCURRENCY', 64);
  const workloads = envList('BENCH_WORKLOADS', ['chain', 'wait1']);
  const commitBatches = envList('BENCH_COMMIT_BATCHES', ['1', '10', '100']).map(Number);
  const commitRounds = envNumber('BENCH_COMMIT_ROUNDS', 3);
  const commitBuilds = envList('BENCH_COMMIT_BUILDS', ['dist=dist']).map((entry) => {
    const [label, path] = entry.includes('=') ? entry.split('=', 2) : [entry, entry];
    const file = join(ROOT, path, 'store', 'postgres', 'postgres-store.js');
    if (!existsSync(file)) throw new Error(`BENCH_COMMIT_BUILDS: ${file} is missing`);
    return { label, path, module: pathToFileURL(file).href };
  });
  for (const w of workloads) if (!WORKLOADS[w]) throw new Error(`unknown workload '${w}' (chain, wait1)`);
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli/main.js is missing: npm run build first');
  // Every server runs dist/: a rebuild during the run would mix two builds' figures.
  const builtAt = () =>
    ['cli/main.js', 'engine/durable/durable-engine.js', 'store/postgres/postgres-store.js']
      .map((f) => (existsSync(join(ROOT, 'dist', f)) ? statSync(join(ROOT, 'dist', f)).mtimeMs : 0))
      .join();
  const buildAtStart = builtAt();
  const cores = os.availableParallelism();
  const dir = mkdtempSync(join(os.tmpdir(), 'stepwise-cluster-bench-'));
  const date = new Date();
  const loadStart = os.loadavg();
  const results = { cores, runs: [] };
  let client;
  try {
    if (phases.has('ceilings') || phases.has('postgres')) results.postgresSettings = await postgresSettings();
    if (phases.has('ceilings')) {
      console.log('ceilings: SQLite and PostgreSQL single-row transactions...');
      results.sqliteCeiling = await sqliteCeiling(dir, seconds);
      results.postgresCeiling = [];
      for (const connections of pgConnections)
        results.postgresCeiling.push(await postgresCeiling(seconds, connections));
    }
    if (phases.has('commits')) {
      // Builds interleaved round by round, so a change in the machine's load falls on all of them.
      const rounds = [];
      const ceilings = [];
      for (let round = 1; round <= commitRounds; round++) {
        // PostgreSQL's own 1-row autocommit rate on one connection, in the same round: what one
        // round trip and one WAL flush cost at the time, for reading the rounds against each other.
        const ceiling = await postgresCeiling(seconds, 1);
        // Each member: leased, version + 1, 2 history events, its timer replaced (bench/lib/pg-commits.mjs).
        ceilings.push({ round, loadavg: os.loadavg(), perSecond: ceiling.perSecond });
        for (const build of commitBuilds) {
          console.log(`commits: PostgresStore.commit from ${build.path}, round ${round}/${commitRounds}...`);
          const rows = await postgresCommits({
            storeModule: build.module,
            databaseUrl: DATABASE_URL,
            executions: Math.max(...commitBatches),
            batchSizes: commitBatches,
            seconds,
            pgClient,
            processCpuMs,
          });
          rounds.push({ build: build.label, round, loadavg: os.loadavg(), rows });
        }
      }
      const ceilingRates = ceilings.map((c) => c.perSecond).sort((a, b) => a - b);
      results.commits = {
        ceilings,
        ceiling: { perSecond: percentile(ceilingRates, 50), min: ceilingRates[0], max: ceilingRates.at(-1) },
        rounds,
        medians: commitBuilds.map((build) => ({
          build: build.label,
          path: build.path,
          rows: commitBatches.map((batchSize) => {
            const rates = rounds
              .filter((r) => r.build === build.label)
              .map((r) => r.rows.find((x) => x.batchSize === batchSize).commitsPerSecond)
              .sort((a, b) => a - b);
            const mine = rounds
              .filter((r) => r.build === build.label)
              .map((r) => r.rows.find((x) => x.batchSize === batchSize));
            const median = (key) =>
              percentile(
                mine.map((x) => x[key]).sort((a, b) => a - b),
                50,
              );
            return {
              batchSize,
              commitsPerSecond: percentile(rates, 50),
              min: rates[0],
              max: rates.at(-1),
              clientCpuMsPerCommit: median('clientCpuMsPerCommit'),
              backendCpuMsPerCommit: median('backendCpuMsPerCommit'),
            };
          }),
        })),
      };
    }
    client = await startClient();
    for (const workload of workloads) {
      if (phases.has('sqlite')) {
        console.log(`${workload}: SQLite, 1 node...`);
        results.runs.push(
          await clusterRun({
            client,
            kind: 'sqlite',
            nodeCount: 1,
            workload,
            count: counts[workload],
            warmup,
            concurrency,
            dir,
          }),
        );
      }
      if (phases.has('postgres')) {
        for (const nodeCount of nodeCounts) {
          console.log(`${workload}: PostgreSQL, ${nodeCount} node${nodeCount > 1 ? 's' : ''}...`);
          results.runs.push(
            await clusterRun({
              client,
              kind: 'postgres',
              nodeCount,
              workload,
              count: counts[workload],
              warmup,
              concurrency,
              dir,
            }),
          );
        }
      }
    }
  } finally {
    client?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = os.loadavg();
  results.distRebuiltDuringRun = builtAt() !== buildAtStart;
  if (results.distRebuiltDuringRun)
    console.error('WARNING: dist/ was rebuilt during the run: the figures mix two builds; run again.');

  // ---- table ----
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  if (results.distRebuiltDuringRun)
    lines.push('WARNING: dist/ was rebuilt during the run: the figures mix two builds.');
  lines.push(
    `CPUs (os.availableParallelism()): ${cores}; load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at the end`,
  );
  if (results.postgresSettings) {
    const s = results.postgresSettings;
    lines.push(
      `PostgreSQL ${s.server_version}: synchronous_commit=${s.synchronous_commit}, fsync=${s.fsync}, wal_sync_method=${s.wal_sync_method}, commit_delay=${s.commit_delay}`,
    );
  }
  lines.push('', '| measurement | setting | per second | ratios | notes |', '| --- | --- | ---: | --- | --- |');
  const sqliteTx = results.sqliteCeiling?.perSecond;
  const pgTx = results.postgresCeiling ? Math.max(...results.postgresCeiling.map((r) => r.perSecond)) : undefined;
  if (results.sqliteCeiling)
    row('SQLite 1-row INSERT transactions', 'WAL, synchronous=NORMAL, in process', fmt(sqliteTx), '', '');
  for (const r of results.postgresCeiling ?? []) {
    row(
      'PostgreSQL 1-row INSERT transactions',
      `${r.connections} connection${r.connections > 1 ? 's' : ''}, autocommit`,
      fmt(r.perSecond),
      '',
      `CPU ms per transaction: PostgreSQL ${fmt(r.cpu.postgresMs / r.transactions, 3)}, client ${fmt(r.cpu.clientMs / r.transactions, 3)}; machine ${pct(r.cpu.machineBusy)} busy`,
    );
  }
  if (results.commits) {
    const c = results.commits.ceiling;
    row(
      'PostgreSQL 1-row INSERT transactions, in the commits rounds',
      '1 connection, autocommit',
      fmt(c.perSecond),
      '',
      `median of ${commitRounds} (${fmt(c.min)}-${fmt(c.max)}), one before each round`,
    );
  }
  for (const build of results.commits?.medians ?? []) {
    for (const r of build.rows) {
      row(
        'PostgresStore.commit, one batch at a time, 1 connection',
        `${build.build}: batches of ${r.batchSize}`,
        fmt(r.commitsPerSecond),
        '',
        `commits/s, median of ${commitRounds} (${fmt(r.min)}-${fmt(r.max)}); ${fmt(1000 / (r.commitsPerSecond / r.batchSize), 2)} ms per batch; CPU ms per commit: caller ${fmt(r.clientCpuMsPerCommit, 3)}, PostgreSQL backend ${fmt(r.backendCpuMsPerCommit, 3)}`,
      );
    }
  }
  const sqliteRun = (workload) => results.runs.find((r) => r.kind === 'sqlite' && r.workload === workload);
  const pgOne = (workload) =>
    results.runs.find((r) => r.kind === 'postgres' && r.nodes === 1 && r.workload === workload);
  for (const r of results.runs) {
    const ratios = [];
    const onSqlite = sqliteRun(r.workload);
    const one = pgOne(r.workload);
    if (r.kind === 'postgres') {
      if (one && r !== one) ratios.push(`${fmt(r.perSecond / one.perSecond, 2)}x 1 PG node`);
      if (onSqlite) ratios.push(`${fmt(r.perSecond / onSqlite.perSecond, 2)}x SQLite node`);
      if (pgTx && r.postgres) ratios.push(`uses ${pct(r.postgres.transactionsPerSecond / pgTx)} of PG tx/s`);
    } else if (sqliteTx) {
      ratios.push(`${pct(r.perSecond / sqliteTx)} of SQLite tx/s`);
    }
    const cpu = `CPU ms/execution: nodes ${fmt(r.cpu.nodesMsPerExecution, 2)}${r.cpu.postgresMsPerExecution !== undefined ? `, PostgreSQL ${fmt(r.cpu.postgresMsPerExecution, 2)}` : ''}, client ${fmt(r.cpu.clientMsPerExecution, 2)}; machine ${pct(r.cpu.machineBusy)} busy`;
    const pg = r.postgres
      ? `; ${fmt(r.postgres.transactionsPerExecution, 1)} PG transactions and ${fmt(r.postgres.walSyncsPerExecution, 2)} WAL syncs per execution`
      : '';
    const share =
      r.nodeStats && r.nodes > 1
        ? `; per node, steps committed ${r.nodeStats.map((n) => n.stats.stepsCommitted ?? 'n/a').join(' / ')}, executions claimed ${r.nodeStats.map((n) => n.stats.executionsClaimed ?? 'n/a').join(' / ')}`
        : '';
    const took = `start to stop${WORKLOADS[r.workload].waitMs ? ` less the ${WORKLOADS[r.workload].waitMs} ms Wait` : ''} p50 ${fmt(r.executionMs.p50)} ms, p99 ${fmt(r.executionMs.p99)} ms; `;
    row(
      `Standard ${r.workload}, start to finish over HTTP`,
      `${r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${r.nodes} node${r.nodes > 1 ? 's' : ''}`,
      fmt(r.perSecond),
      ratios.join('; '),
      `${took}${cpu}${pg}${share}`,
    );
  }

  // ---- the model: where each execution's CPU goes, and what more cores would give ----
  const model = [];
  for (const workload of workloads) {
    const runs = results.runs.filter((r) => r.kind === 'postgres' && r.workload === workload);
    if (runs.length === 0) continue;
    // The costs per execution measured with the most nodes (cluster overheads included), in CPU ms.
    const widest = runs.reduce((a, b) => (b.nodes > a.nodes ? b : a));
    const nodeMs = widest.cpu.nodesMsPerExecution;
    const pgMs = widest.cpu.postgresMsPerExecution;
    const clientMs = widest.cpu.clientMsPerExecution;
    const best = Math.max(...runs.map((r) => r.perSecond));
    const cpuBound = (cores * 1000) / (nodeMs + pgMs + clientMs);
    const predictions = [2, 4, 8, 16].map((c) => ({ cores: c, perSecond: (c * 1000) / (nodeMs + pgMs) }));
    // PostgreSQL's own single-row commit rate, measured above, over the transactions one execution takes.
    const txPerExecution = widest.postgres?.transactionsPerExecution;
    const pgTxBound = pgTx && txPerExecution ? pgTx / txPerExecution : undefined;
    model.push({
      workload,
      fromNodes: widest.nodes,
      nodeMs,
      pgMs,
      clientMs,
      bestMeasured: best,
      cpuBoundHere: cpuBound,
      predictions,
      pgCoresPerNodeCore: pgMs / nodeMs,
      txPerExecution,
      pgTxBound,
    });
    lines.push(
      '',
      `model, ${workload} (costs from the ${widest.nodes}-node run): per execution ${fmt(nodeMs, 2)} CPU ms in the nodes + ${fmt(pgMs, 2)} in PostgreSQL + ${fmt(clientMs, 2)} in the load client; ` +
        `${cores} cores fully used would give ${fmt(cpuBound)}/s (best measured ${fmt(best)}/s). Without the client, CPU-bound with perfect scaling: ` +
        predictions.map((p) => `${p.cores} cores ${fmt(p.perSecond)}/s`).join(', ') +
        `; PostgreSQL needs ${fmt(pgMs / nodeMs, 2)} cores per node core.` +
        (pgTxBound
          ? ` At ${fmt(txPerExecution, 1)} transactions per execution, PostgreSQL's own 1-row rate measured here (${fmt(pgTx)}/s) would cap it at ${fmt(pgTxBound)}/s.`
          : ''),
    );
  }
  results.model = model;
  const table = lines.join('\n');
  console.log(`\n${table}\n`);

  if (process.env.BENCH_NO_WRITE) return;
  const report = {
    benchmark: 'cluster',
    date: date.toISOString(),
    command: 'node bench/cluster.mjs',
    machine: {
      node: process.version,
      cpu: os.cpus()[0]?.model,
      cores,
      memory: os.totalmem(),
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
    },
    git: gitState(),
    settings: {
      phases: [...phases],
      seconds,
      pgConnections,
      counts,
      warmup,
      nodeCounts,
      concurrency,
      workloads,
      commitBatches,
      commitRounds,
      commitBuilds: commitBuilds.map(({ label, path }) => ({ label, path })),
    },
    workloads: Object.fromEntries(workloads.map((w) => [w, WORKLOADS[w]])),
    input: INPUT,
    results,
    table,
  };
  const written = await writeResults('cluster-', date, report);
  console.log(`wrote ${written.stamped} and ${written.latest}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

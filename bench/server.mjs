// Stepwise server benchmark: the durable engine on SQLite, in process and over HTTP, against this
// machine's own ceilings measured in the same run. Not a test: figures move with the machine's load.
//
//   npm run build && node --expose-gc bench/server.mjs
//
// The HTTP client runs in a child process (the same client code for every HTTP figure, in
// bench/lib/http-client.mjs), so the server's event loop is measured alone; the 100k-waiting phase runs in another child process so
// that its memory figures start from a clean heap. See bench/README.md for what each figure means.
//
// Environment (all optional):
//   BENCH_ONLY          comma list of phases: ceilings,standard,http,sync,wait (default: all)
//   BENCH_SECONDS       seconds per ceiling measurement (default 3)
//   BENCH_STANDARD_N    executions per in-process Standard run (default 20000)
//   BENCH_HTTP_N        executions per HTTP StartExecution run (default 20000)
//   BENCH_SYNC_N        executions per StartSyncExecution run (default 30000)
//   BENCH_WAIT_N        executions in the Wait phase (default 100000)
//   BENCH_WAIT_DUE_RATE executions coming due per second in the Wait phase's steady stream (default 2000)
//   BENCH_WAIT_START_RATE starts per second assumed when the standard phase did not run (default 5000):
//                       the first due time is far enough ahead for all of them to start first
//   BENCH_INPROC_WINDOW comma list: executions in flight in process (default 100,1000)
//   BENCH_CONCURRENCY   comma list: HTTP requests in flight (default 32,64)
//   BENCH_NO_WRITE      set to skip writing bench/results/server-*.json (profiling runs)
//   BENCH_WAIT_NODE_ARGS extra node flags for the Wait phase's process, e.g. '--cpu-prof --cpu-prof-dir=/tmp/p'
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { envList, envNumber } from './lib/env.mjs';
import { fmt } from './lib/format.mjs';
import { awsCall, CONTENT_TYPE, startClient } from './lib/http-client.mjs';
import { gitState, writeResults } from './lib/results.mjs';
import { sqliteCeiling } from './lib/sqlite-ceiling.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROLE = process.argv[2] ?? 'main';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/stepwise-bench`;

// ---------------------------------------------------------------------------------------------
// Workloads

/** Pass → Pass → Choice → Pass → Succeed, small Parameters: 5 states entered per execution. */
const FIVE_STATES = {
  Comment: 'Five states: two Pass, a Choice, a Pass, Succeed',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'order.$': '$.order', 'customer.$': '$.customer', step: 1 }, Next: 'Price' },
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
};
const FIVE_STATES_INPUT = { order: { id: 'o-1042', lines: 2 }, customer: 'c-7' };
const FIVE_STATES_TRANSITIONS = 5;

/** Wait until `$.until`, then Pass → Succeed. */
const WAIT_THEN_DONE = {
  Comment: 'Wait for a timestamp, then finish',
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', TimestampPath: '$.until', Next: 'After' },
    After: { Type: 'Pass', Parameters: { 'order.$': '$.order', resumed: true }, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

function stateMachineRecord(name, type, definition) {
  return {
    arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
    name,
    type,
    definition: JSON.stringify(definition),
    roleArn: ROLE_ARN,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    status: 'ACTIVE',
    creationDate: Date.now(),
    revisionId: 'bench',
  };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const silentLogger = async () => (await import('pino')).pino({ level: 'silent' });

function gcNow() {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
}

function memory() {
  gcNow();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = (bytes) => bytes / 1024 / 1024;

/**
 * Counts commits that ended an execution, by wrapping the store's commit() (one loop over each
 * batch's results, after the transaction: it does not change what is measured). `whenTerminal(n)`
 * resolves once n executions have ended since the last reset, with the wall time of that commit.
 */
function countCompletions(store) {
  const counter = {
    terminal: 0,
    lastAt: 0,
    waiters: [],
    reset() {
      this.terminal = 0;
      this.lastAt = 0;
    },
    whenTerminal(n) {
      if (this.terminal >= n) return Promise.resolve(this.lastAt);
      return new Promise((resolve) => this.waiters.push({ n, resolve }));
    },
  };
  const original = store.commit.bind(store);
  store.commit = async (commits) => {
    const results = await original(commits);
    let ended = 0;
    for (let i = 0; i < results.length; i++) {
      if (results[i] === 'ok' && commits[i].execution.status !== 'RUNNING' && commits[i].events.length > 0) ended++;
    }
    if (ended > 0) {
      counter.terminal += ended;
      counter.lastAt = performance.now();
      counter.waiters = counter.waiters.filter((w) => {
        if (counter.terminal < w.n) return true;
        w.resolve(counter.lastAt);
        return false;
      });
    }
    return results;
  };
  return counter;
}

/** Runs `count` calls of `fn(i)` with at most `window` in flight. */
async function windowed(count, window, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
}

// ---------------------------------------------------------------------------------------------
// 1. Ceilings

async function helloCeiling(client, seconds, concurrencies) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  // Like the API server: every body taken as text; answer a tiny JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/', async () => ({ ok: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const rows = [];
  try {
    for (const concurrency of concurrencies) {
      const load = {
        url,
        headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': 'Hello.World' },
        body: '{"hello":"world"}',
        concurrency,
        expect: '"ok":true',
      };
      await client.load({ ...load, count: 5000 }); // warm-up
      // Size the timed run to about `seconds` from a short probe.
      const probe = await client.load({ ...load, count: 5000 });
      const count = Math.max(5000, Math.round((probe.count / probe.ms) * 1000 * seconds));
      const r = await client.load({ ...load, count });
      rows.push({
        concurrency,
        requests: r.count,
        errors: r.errors,
        ms: r.ms,
        perSecond: (r.count / r.ms) * 1000,
        p50: r.p50,
        p99: r.p99,
        serverCpu: r.serverCpu,
        clientCpu: r.clientCpu,
      });
    }
  } finally {
    await app.close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. Standard on SQLite, in process

async function standardInProcess(dir, count, windows) {
  const { SqliteStore } = await import('../dist/store/sqlite/sqlite-store.js');
  const { DurableEngine } = await import('../dist/engine/durable/durable-engine.js');
  const rows = [];
  for (const window of windows) {
    const store = SqliteStore.open(join(dir, `standard-w${window}.db`));
    const counter = countCompletions(store);
    const engine = new DurableEngine({ store, logger: await silentLogger() });
    await engine.start();
    const sm = stateMachineRecord('bench-standard', 'STANDARD', FIVE_STATES);
    await store.createStateMachine(sm);
    const inputText = JSON.stringify(FIVE_STATES_INPUT);
    const run = async (prefix, n) => {
      counter.reset();
      const batchesBefore = engine.commitStats.batches;
      const start = performance.now();
      await windowed(n, window, async (i) => {
        const result = await engine.startExecution({
          stateMachine: sm,
          name: `${prefix}-${i}`,
          input: JSON.parse(inputText),
          inputText,
        });
        if (!('executionArn' in result)) throw new Error(`start ${prefix}-${i}: ${JSON.stringify(result)}`);
      });
      const startsDone = performance.now();
      const last = await counter.whenTerminal(n);
      return {
        ms: Math.max(last, startsDone) - start,
        startsMs: startsDone - start,
        batches: engine.commitStats.batches - batchesBefore,
      };
    };
    await run('warm', Math.min(2000, count));
    const r = await run('timed', count);
    const { maxBatch } = engine.commitStats;
    // Every timed execution must have succeeded with the expected output.
    const sample = await store.getExecution(
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:bench-standard:timed-${count - 1}`,
    );
    if (sample?.status !== 'SUCCEEDED' || JSON.parse(sample.output).size !== 'small')
      throw new Error(`unexpected result: ${JSON.stringify(sample?.status)} ${sample?.output}`);
    const running = await store.countRunningExecutions();
    if (running !== 0) throw new Error(`${running} executions still RUNNING`);
    await engine.close();
    await store.close();
    rows.push({
      window,
      executions: count,
      ms: r.ms,
      perSecond: (count / r.ms) * 1000,
      transitionsPerSecond: ((count * FIVE_STATES_TRANSITIONS) / r.ms) * 1000,
      commitBatches: r.batches,
      meanBatch: count / r.batches,
      maxBatch,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 3 and 4. Through HTTP: StartExecution (Standard) and StartSyncExecution (Express)

async function overHttp(dir, client, phases, httpCount, syncCount, concurrencies) {
  const { startServer } = await import('../dist/server.js');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'server'),
    logger: await silentLogger(),
  });
  const counter = countCompletions(server.store);
  const out = { standard: [], sync: [] };
  try {
    const standard = await awsCall(server.url, 'CreateStateMachine', {
      name: 'bench-standard',
      type: 'STANDARD',
      roleArn: ROLE_ARN,
      definition: JSON.stringify(FIVE_STATES),
    });
    const express = await awsCall(server.url, 'CreateStateMachine', {
      name: 'bench-express',
      type: 'EXPRESS',
      roleArn: ROLE_ARN,
      definition: JSON.stringify(FIVE_STATES),
    });
    const headers = (action) => ({ 'content-type': CONTENT_TYPE, 'x-amz-target': `AWSStepFunctions.${action}` });
    const input = JSON.stringify(FIVE_STATES_INPUT);

    if (phases.has('http')) {
      for (const concurrency of concurrencies) {
        const load = {
          url: server.url,
          headers: headers('StartExecution'),
          body: JSON.stringify({ stateMachineArn: standard.stateMachineArn, input }),
          concurrency,
          expect: 'executionArn',
        };
        counter.reset();
        await client.load({ ...load, count: Math.min(2000, httpCount) }); // warm-up
        await counter.whenTerminal(Math.min(2000, httpCount));
        counter.reset();
        const batchesBefore = server.engine.commitStats.batches;
        const startedAt = performance.now();
        const r = await client.load({ ...load, count: httpCount });
        const responsesAt = performance.now();
        const lastCompletion = await counter.whenTerminal(httpCount);
        // Start to finish on the server's clock: from sending the load to the last of
        // (last response seen by the parent, last completion commit). Includes two IPC hops (~ms).
        const ms = Math.max(responsesAt, lastCompletion) - startedAt;
        out.standard.push({
          concurrency,
          executions: httpCount,
          errors: r.errors,
          firstError: r.firstError,
          ms,
          clientMs: r.ms,
          perSecond: (httpCount / ms) * 1000,
          transitionsPerSecond: ((httpCount * FIVE_STATES_TRANSITIONS) / ms) * 1000,
          p50: r.p50,
          p99: r.p99,
          serverCpu: r.serverCpu,
          clientCpu: r.clientCpu,
          commitBatches: server.engine.commitStats.batches - batchesBefore,
          meanBatch: httpCount / (server.engine.commitStats.batches - batchesBefore),
          maxBatch: server.engine.commitStats.maxBatch,
        });
        if (r.errors > 0) console.error(`StartExecution: ${r.errors} errors, first: ${r.firstError}`);
      }
      const running = await server.store.countRunningExecutions();
      if (running !== 0) throw new Error(`${running} executions still RUNNING`);
    }

    if (phases.has('sync')) {
      for (const concurrency of concurrencies) {
        const load = {
          url: server.url,
          headers: headers('StartSyncExecution'),
          body: JSON.stringify({ stateMachineArn: express.stateMachineArn, input }),
          concurrency,
          expect: '"status":"SUCCEEDED"',
        };
        await client.load({ ...load, count: Math.min(5000, syncCount) }); // warm-up
        const r = await client.load({ ...load, count: syncCount });
        out.sync.push({
          concurrency,
          executions: syncCount,
          errors: r.errors,
          firstError: r.firstError,
          ms: r.ms,
          perSecond: (syncCount / r.ms) * 1000,
          transitionsPerSecond: ((syncCount * FIVE_STATES_TRANSITIONS) / r.ms) * 1000,
          p50: r.p50,
          p90: r.p90,
          p99: r.p99,
          max: r.max,
          serverCpu: r.serverCpu,
          clientCpu: r.clientCpu,
        });
        if (r.errors > 0) console.error(`StartSyncExecution: ${r.errors} errors, first: ${r.firstError}`);
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 5. Many executions waiting (child process, for clean memory figures)

async function runWaitPhase() {
  const { dir, count, window, estimatedRate, dueRate } = JSON.parse(process.argv[3]);
  const { SqliteStore } = await import('../dist/store/sqlite/sqlite-store.js');
  const { DurableEngine } = await import('../dist/engine/durable/durable-engine.js');
  const { default: Database } = await import('../dist/store/sqlite/driver.js');
  const logger = await silentLogger();
  const sm = stateMachineRecord('bench-wait', 'STANDARD', WAIT_THEN_DONE);
  const result = { executions: count, window, dueRate };
  const log = (text) => process.send({ kind: 'log', text });
  const order = FIVE_STATES_INPUT.order;

  /**
   * Starts `count` executions, execution i waiting until `dueOf(i)`, after all of them have started
   * (the first due time is `margin` ahead of the first start).
   */
  const startAll = async (engine, prefix, dueOf) => {
    const start = performance.now();
    await windowed(count, window, async (i) => {
      const input = { until: new Date(dueOf(i)).toISOString(), order };
      const r = await engine.startExecution({
        stateMachine: sm,
        name: `${prefix}-${i}`,
        input,
        inputText: JSON.stringify(input),
      });
      if (!('executionArn' in r)) throw new Error(`start ${prefix}-${i} failed`);
    });
    const ms = performance.now() - start;
    return { startMs: ms, startPerSecond: (count / ms) * 1000, startedBeforeDue: Date.now() < dueOf(0) };
  };
  const margin = Math.max(10_000, (count / estimatedRate) * 1000 + 5_000);
  /** Peak RSS, sampled every 100 ms while `work` runs. */
  const peakRss = async (work) => {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    try {
      return { value: await work(), peak };
    } finally {
      clearInterval(sampler);
    }
  };
  /** How late each execution ended after its due time (its last commit's stop date), in ms. */
  const lateness = (file, prefix, dueOf) => {
    const db = new Database(file, { readonly: true });
    try {
      const late = [];
      for (const row of db.prepare("SELECT name, stop_date FROM executions WHERE name LIKE ? || '-%'").iterate(prefix))
        late.push(row.stop_date - dueOf(Number(row.name.slice(prefix.length + 1))));
      late.sort((x, y) => x - y);
      const at = (q) => late[Math.min(late.length - 1, Math.floor(q * late.length))];
      return {
        ended: late.length,
        p50: at(0.5),
        p99: at(0.99),
        max: late[late.length - 1],
        withinOneSecond: late.filter((ms) => ms <= 1000).length,
      };
    } finally {
      db.close();
    }
  };

  // A: due times spread at `dueRate` per second, as they would come due in a steady stream: memory
  // while they wait, then how late each one ended after its own due time.
  {
    const file = join(dir, 'wait-a.db');
    const store = SqliteStore.open(file);
    const counter = countCompletions(store);
    const engine = new DurableEngine({ store, logger });
    await engine.start();
    await store.createStateMachine(sm);
    const before = memory();
    log(`wait phase A: starting ${count} executions, due ${dueRate}/s`);
    const base = Date.now() + margin;
    const dueOf = (i) => base + Math.floor((i * 1000) / dueRate);
    const started = await startAll(engine, 'a', dueOf);
    const waiting = memory();
    const loadedWhileWaiting = engine.activeExecutions;
    log(`wait phase A: started in ${(started.startMs / 1000).toFixed(1)} s; waiting until due`);
    await sleep(Math.max(0, base - Date.now()));
    const dueAt = performance.now();
    const { value: last, peak } = await peakRss(() => counter.whenTerminal(count));
    const stats = engine.commitStats;
    const running = await store.countRunningExecutions();
    await engine.close();
    await store.close();
    result.sameEngine = {
      ...started,
      dueMarginMs: margin,
      dueSpanMs: dueOf(count - 1) - base,
      rssBefore: before.rss,
      rssWaiting: waiting.rss,
      heapBefore: before.heapUsed,
      heapWaiting: waiting.heapUsed,
      rssPerExecution: (waiting.rss - before.rss) / count,
      heapPerExecution: (waiting.heapUsed - before.heapUsed) / count,
      loadedWhileWaiting,
      rssPeakResuming: peak,
      resumeMs: last - dueAt,
      lateness: lateness(file, 'a', dueOf),
      maxBatch: stats.maxBatch,
      stillRunning: running,
    };
  }

  // B: all due at one moment; the engine is closed and reopened before it (what a restart loads),
  // then every timer falls due at once: the resume rate of a backlog.
  {
    const file = join(dir, 'wait-b.db');
    let store = SqliteStore.open(file);
    let engine = new DurableEngine({ store, logger });
    await engine.start();
    await store.createStateMachine(sm);
    log(`wait phase B: starting ${count} executions`);
    const until = Date.now() + margin;
    const started = await startAll(engine, 'b', () => until);
    await engine.close();
    await store.close();
    const rssClosed = memory().rss;
    log('wait phase B: engine closed; reopening it before the timers are due');
    const open = performance.now();
    store = SqliteStore.open(file);
    const counter = countCompletions(store);
    engine = new DurableEngine({ store, logger });
    await engine.start();
    const engineStartMs = performance.now() - open;
    const reopened = memory().rss;
    const loadedAfterStart = engine.activeExecutions;
    const inFlightAfterStart = engine.executionsInFlight;
    const reopenedBeforeDue = Date.now() < until;
    if (!reopenedBeforeDue) log('wait phase B: the timers fell due before the engine had started');
    await sleep(Math.max(0, until - Date.now()));
    const dueAt = performance.now();
    const { value: last, peak } = await peakRss(() => counter.whenTerminal(count));
    const running = await store.countRunningExecutions();
    await engine.close();
    await store.close();
    result.afterRestart = {
      ...started,
      rssClosed,
      engineStartMs,
      rssAfterStart: reopened,
      loadedAfterStart,
      inFlightAfterStart,
      reopenedBeforeDue,
      rssPeakResuming: peak,
      resumeMs: last - dueAt,
      resumePerSecond: (count / (last - dueAt)) * 1000,
      stillRunning: running,
    };
  }
  process.send({ kind: 'result', result });
}

async function waitPhase(dir, count, window, estimatedRate, dueRate) {
  const child = fork(SELF, ['wait', JSON.stringify({ dir, count, window, estimatedRate, dueRate })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [
      '--expose-gc',
      '--max-old-space-size=4096',
      ...(process.env.BENCH_WAIT_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message.kind === 'log') console.log(`  ${message.text}`);
      if (message.kind === 'result') resolve(message.result);
    });
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`wait phase exited with ${code}`))));
  });
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const phases = new Set(envList('BENCH_ONLY', ['ceilings', 'standard', 'http', 'sync', 'wait']));
  const seconds = envNumber('BENCH_SECONDS', 3);
  const standardN = envNumber('BENCH_STANDARD_N', 20_000);
  const httpN = envNumber('BENCH_HTTP_N', 20_000);
  const syncN = envNumber('BENCH_SYNC_N', 30_000);
  const waitN = envNumber('BENCH_WAIT_N', 100_000);
  const waitDueRate = envNumber('BENCH_WAIT_DUE_RATE', 2_000);
  const windows = envList('BENCH_INPROC_WINDOW', ['100', '1000']).map(Number);
  const concurrencies = envList('BENCH_CONCURRENCY', ['32', '64']).map(Number);
  const dir = mkdtempSync(join(os.tmpdir(), 'stepwise-server-bench-'));
  const date = new Date();
  const loadStart = os.loadavg();
  const results = {};
  let client;
  try {
    if (phases.has('ceilings') || phases.has('http') || phases.has('sync'))
      client = await startClient({ serverCpu: true });
    if (phases.has('ceilings')) {
      console.log('ceilings...');
      results.sqliteCeiling = await sqliteCeiling(dir, seconds);
      results.httpCeiling = await helloCeiling(client, seconds, concurrencies);
    }
    if (phases.has('standard')) {
      console.log('standard, in process...');
      results.standardInProcess = await standardInProcess(dir, standardN, windows);
    }
    if (phases.has('http') || phases.has('sync')) {
      console.log('over HTTP...');
      const r = await overHttp(dir, client, phases, httpN, syncN, concurrencies);
      if (phases.has('http')) results.standardHttp = r.standard;
      if (phases.has('sync')) results.expressSyncHttp = r.sync;
    }
    client?.close();
    client = undefined;
    if (phases.has('wait')) {
      console.log(`${fmt(waitN)} executions in a Wait state...`);
      const rate = results.standardInProcess
        ? Math.max(...results.standardInProcess.map((r) => r.perSecond)) / 2
        : envNumber('BENCH_WAIT_START_RATE', 5000);
      results.waiting = await waitPhase(dir, waitN, 1000, rate, waitDueRate);
    }
  } finally {
    client?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = os.loadavg();

  // ---- table ----
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('| measurement | setting | per second | vs ceiling | notes |', '| --- | --- | ---: | ---: | --- |');
  const sqliteCeil = results.sqliteCeiling?.perSecond;
  const httpCeil = (c) => results.httpCeiling?.find((r) => r.concurrency === c)?.perSecond;
  const cpus = (r) =>
    `CPU server ${fmt(r.serverCpu, 2)}, client ${fmt(r.clientCpu, 2)}; ${fmt(r.perSecond / r.serverCpu)} per server CPU-second`;
  const ratio = (x, ceil) => (ceil ? `${((x / ceil) * 100).toFixed(0)}%` : '');
  if (results.sqliteCeiling)
    row('ceiling: SQLite 1-row INSERT transactions', 'WAL, synchronous=NORMAL', fmt(sqliteCeil), '100%', '');
  for (const r of results.httpCeiling ?? [])
    row(
      'ceiling: fastify hello-world POST /',
      `${r.concurrency} in flight`,
      fmt(r.perSecond),
      '100%',
      `p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms; ${cpus(r)}`,
    );
  for (const r of results.standardInProcess ?? []) {
    row(
      'Standard, in process, executions',
      `${r.window} in flight`,
      fmt(r.perSecond),
      `${ratio(r.perSecond, sqliteCeil)} of SQLite`,
      `${fmt(r.transitionsPerSecond)} transitions/s; ${r.commitBatches} commit batches, mean ${fmt(r.meanBatch, 1)}, max ${r.maxBatch} (target ≥ 2,000)`,
    );
  }
  for (const r of results.standardHttp ?? []) {
    row(
      'Standard, StartExecution over HTTP',
      `${r.concurrency} in flight`,
      fmt(r.perSecond),
      `${ratio(r.perSecond, httpCeil(r.concurrency))} of HTTP`,
      `${fmt(r.transitionsPerSecond)} transitions/s; p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms; mean batch ${fmt(r.meanBatch, 1)}; ${cpus(r)}; ${r.errors} errors (target ≥ 1,000)`,
    );
  }
  for (const r of results.expressSyncHttp ?? []) {
    row(
      'Express, StartSyncExecution over HTTP',
      `${r.concurrency} in flight`,
      fmt(r.perSecond),
      `${ratio(r.perSecond, httpCeil(r.concurrency))} of HTTP`,
      `p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms; ${cpus(r)}; ${r.errors} errors (target ≥ 5,000)`,
    );
  }
  const w = results.waiting;
  if (w) {
    const a = w.sameEngine;
    const b = w.afterRestart;
    row(
      `${fmt(w.executions)} waiting: start`,
      `${w.window} in flight`,
      fmt(a.startPerSecond),
      '',
      `${a.startedBeforeDue ? 'all started before due' : 'NOT all started before due'}`,
    );
    row(
      `${fmt(w.executions)} waiting: memory`,
      'after GC',
      '',
      '',
      `rss ${fmt(MiB(a.rssBefore))} → ${fmt(MiB(a.rssWaiting))} MiB (${fmt(a.rssPerExecution)} B/execution); heap ${fmt(MiB(a.heapBefore))} → ${fmt(MiB(a.heapWaiting))} MiB (${fmt(a.heapPerExecution)} B/execution); ${fmt(a.loadedWhileWaiting)} in memory (target rss < 400 MiB at 1,000,000)`,
    );
    row(
      `${fmt(w.executions)} waiting: resume when due`,
      `due ${fmt(w.dueRate)}/s`,
      fmt(w.dueRate),
      '',
      `${fmt(a.lateness.withinOneSecond)} of ${fmt(a.lateness.ended)} within 1 s of due (late p50 ${fmt(a.lateness.p50)} ms, p99 ${fmt(a.lateness.p99)} ms, max ${fmt(a.lateness.max)} ms); peak rss ${fmt(MiB(a.rssPeakResuming))} MiB`,
    );
    row(
      `${fmt(w.executions)} waiting: restart, then all due at once`,
      'new engine, same file',
      fmt(b.resumePerSecond),
      '',
      `engine.start() ${fmt(b.engineStartMs / 1000, 2)} s, ${fmt(b.loadedAfterStart)} loaded, rss ${fmt(MiB(b.rssAfterStart))} MiB; all done ${fmt(b.resumeMs / 1000, 2)} s after due, peak rss ${fmt(MiB(b.rssPeakResuming))} MiB`,
    );
  }
  const table = lines.join('\n');
  console.log(`\n${table}\n`);

  if (process.env.BENCH_NO_WRITE) return;
  const report = {
    benchmark: 'server',
    date: date.toISOString(),
    command: `node --expose-gc bench/server.mjs`,
    machine: {
      node: process.version,
      v8: process.versions.v8,
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memory: os.totalmem(),
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
    },
    git: gitState(),
    settings: { phases: [...phases], seconds, standardN, httpN, syncN, waitN, waitDueRate, windows, concurrencies },
    workloads: { fiveStates: FIVE_STATES, fiveStatesInput: FIVE_STATES_INPUT, waitThenDone: WAIT_THEN_DONE },
    targets: { standardInProcessPerSecond: 2000, standardHttpPerSecond: 1000, expressSyncHttpPerSecond: 5000 },
    results,
    table,
  };
  const written = await writeResults('server-', date, report);
  console.log(`wrote ${written.stamped} and ${written.latest}`);
}

if (ROLE === 'wait') {
  runWaitPhase().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

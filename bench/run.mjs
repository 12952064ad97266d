// Stepwise vs aws-local-stepfunctions, same workloads, one process.
// Run with `npm run bench` (builds first; needs `node --expose-gc` for the memory figures).
// Environment: BENCH_SECONDS (timed run per engine and workload, default 3),
// BENCH_WARMUP_SECONDS (default 1), BENCH_ROUNDS (default 1; with more, the median is reported),
// BENCH_WORKLOADS (comma list of workload ids; default all), BENCH_NO_WRITE (no results files).
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import * as stepwise from '../dist/index.js';
import { envNumber } from './lib/env.mjs';
import { writeResults } from './lib/results.mjs';

const SECONDS = envNumber('BENCH_SECONDS', 3);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 1);
const ROUNDS = Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 1)));
/** Results held at once to measure the memory one execution's result keeps alive. */
const RETAINED_RESULTS = 200;
/**
 * Stepwise executions/s over the peer's on the same workload: what the project aims for (issue 15),
 * by engine row and workload family (chain, map; plain Pass and Pass with Parameters alike).
 */
const TARGETS = {
  'stepwise, history off (EXPRESS)': { chain: 10, map: 50 },
  'stepwise execute(), defaults (STANDARD, history on)': { chain: 3, map: 20 },
};

// ---------------------------------------------------------------------------------------------
// Workloads: the same definition and input for both engines, and the output they must produce.

const CHAIN_LENGTH = 5;
const order = {
  id: 'o-1042',
  total: 42.5,
  lines: [
    { sku: 'A-1', qty: 1 },
    { sku: 'B-7', qty: 3 },
  ],
};

/** Five Pass states in a row; `shape` gives each state's fields besides Type and Next/End. */
function chainWorkload(id, title, comment, shape, expected) {
  return {
    id,
    family: 'chain',
    title,
    transitionsPerExecution: CHAIN_LENGTH,
    definition: {
      Comment: comment,
      StartAt: 'Step1',
      States: Object.fromEntries(
        Array.from({ length: CHAIN_LENGTH }, (_, i) => {
          const n = i + 1;
          const state = { Type: 'Pass', ...shape(n), ...(n < CHAIN_LENGTH ? { Next: `Step${n + 1}` } : { End: true }) };
          return [`Step${n}`, state];
        }),
      ),
    },
    input: { order, customer: 'c-7' },
    expected,
  };
}

const chain = chainWorkload(
  'chain',
  `${CHAIN_LENGTH}-state Pass chain, Parameters`,
  'Five Pass states, each reshaping its input with Parameters',
  (n) => ({
    Parameters: { 'order.$': '$.order', 'customer.$': '$.customer', step: n, label: `step-${n}` },
  }),
  { order, customer: 'c-7', step: CHAIN_LENGTH, label: `step-${CHAIN_LENGTH}` },
);

const chainPlain = chainWorkload(
  'chain-plain',
  `${CHAIN_LENGTH}-state Pass chain, plain`,
  'Five plain Pass states, each passing its input on',
  () => ({}),
  { order, customer: 'c-7' },
);

const MAP_ITEMS = 100;
const items = Array.from({ length: MAP_ITEMS }, (_, i) => ({ id: i, price: i * 1.5, tags: ['bench'] }));

/** An inline Map over the items whose one Pass state is `pass` (besides Type and End). */
function mapWorkload(id, title, comment, pass, expected) {
  return {
    id,
    family: 'map',
    title,
    transitionsPerExecution: 1 + MAP_ITEMS,
    definition: {
      Comment: comment,
      StartAt: 'EachItem',
      States: {
        EachItem: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Shape',
            States: { Shape: { Type: 'Pass', ...pass, End: true } },
          },
          End: true,
        },
      },
    },
    input: { items },
    expected,
  };
}

const map = mapWorkload(
  'map',
  `inline Map over ${MAP_ITEMS} items, Pass with Parameters inside`,
  'An inline Map reshaping each item with a Pass state',
  { Parameters: { 'id.$': '$.id', 'price.$': '$.price', currency: 'EUR' } },
  items.map(({ id, price }) => ({ id, price, currency: 'EUR' })),
);

const mapPlain = mapWorkload(
  'map-plain',
  `inline Map over ${MAP_ITEMS} items, plain Pass inside`,
  'An inline Map passing each item through a plain Pass state',
  {},
  items,
);

const ALL_WORKLOADS = [chainPlain, chain, mapPlain, map];
/** BENCH_WORKLOADS=chain,map-plain runs only those (quick checks while optimising). */
const ONLY = process.env.BENCH_WORKLOADS?.split(',').filter(Boolean);
const WORKLOADS = ONLY ? ALL_WORKLOADS.filter((w) => ONLY.includes(w.id)) : ALL_WORKLOADS;

// ---------------------------------------------------------------------------------------------
// Engines: each prepares a runner for a definition, and says where the output is in its result.

const PEER = 'aws-local-stepfunctions';
const STEPWISE_OFF = 'stepwise, history off (EXPRESS)';
const STEPWISE_ON = 'stepwise, history on (STANDARD)';
const STEPWISE_PER_CALL = 'stepwise execute(), history off (EXPRESS)';
const STEPWISE_DEFAULTS = 'stepwise execute(), defaults (STANDARD, history on)';

/**
 * Like the peer, Stepwise validates and compiles a definition once when the build exports its
 * compile-once `StateMachine`; otherwise every `execute()` call does it again.
 */
const COMPILE_ONCE = typeof stepwise.StateMachine === 'function';

function stepwiseEngine(name, options, { compileOnce }) {
  const { stateMachineType, defaults: _defaults, ...runOptions } = options;
  return {
    name,
    api: compileOnce
      ? 'new StateMachine(definition) once, then machine.execute(input)'
      : options.defaults
        ? 'execute(definition, input) per call, no options'
        : 'execute(definition, input, options) per call',
    prepare(definition) {
      if (!compileOnce) return (input) => stepwise.execute(definition, input, options.defaults ? undefined : options);
      const machine = new stepwise.StateMachine(definition, { stateMachineType });
      return (input) => machine.execute(input, runOptions);
    },
    output(result) {
      assert.equal(result.status, 'SUCCEEDED', `${name}: ${result.error}: ${result.cause}`);
      return result.output;
    },
    checkOnce(result) {
      if (options.history) assert.ok(result.history.length > 0, `${name} recorded no history`);
      else assert.equal(result.history.length, 0, `${name} recorded history`);
    },
  };
}

const HISTORY_OFF = { stateMachineType: 'EXPRESS', history: false };
const HISTORY_ON = { stateMachineType: 'STANDARD', history: true };
/** `execute(definition, input)` with no options: what its defaults are (Standard, history on). */
const DEFAULTS = { stateMachineType: 'STANDARD', history: true, defaults: true };

const ENGINES = [
  {
    name: PEER,
    api: 'new StateMachine(definition) once (validates), then machine.run(input).result',
    prepare(definition) {
      const machine = new StateMachine(definition);
      return (input) => machine.run(input).result;
    },
    output: (result) => result,
    checkOnce() {},
  },
  stepwiseEngine(STEPWISE_OFF, HISTORY_OFF, { compileOnce: COMPILE_ONCE }),
  stepwiseEngine(STEPWISE_ON, HISTORY_ON, { compileOnce: COMPILE_ONCE }),
  // The one-call API: what it costs on top of a machine compiled once, with history off and with
  // its defaults (no options at all).
  ...(COMPILE_ONCE ? [stepwiseEngine(STEPWISE_PER_CALL, HISTORY_OFF, { compileOnce: false })] : []),
  stepwiseEngine(STEPWISE_DEFAULTS, DEFAULTS, { compileOnce: false }),
];

// ---------------------------------------------------------------------------------------------
// Measurement.

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

function heapAfterGc() {
  if (gc === undefined) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function runFor(run, input, seconds) {
  const deadline = performance.now() + seconds * 1000;
  let executions = 0;
  let last;
  do {
    last = await run(input);
    executions += 1;
  } while (performance.now() < deadline);
  return { executions, last };
}

async function measure(engine, workload) {
  const run = engine.prepare(workload.definition);
  const check = (result) =>
    assert.deepEqual(engine.output(result), workload.expected, `${engine.name} gave a wrong output on ${workload.id}`);

  // Never compare against a broken run: the first result must be right before anything is timed.
  const first = await run(workload.input);
  check(first);
  engine.checkOnce(first);

  await runFor(run, workload.input, WARMUP_SECONDS);

  const heapBefore = heapAfterGc();
  const start = performance.now();
  const { executions, last } = await runFor(run, workload.input, SECONDS);
  const elapsed = (performance.now() - start) / 1000;
  const heapAfter = heapAfterGc();
  check(last);

  // Memory a finished execution's result keeps alive (history included when it is on).
  const heapEmpty = heapAfterGc();
  const kept = [];
  for (let i = 0; i < RETAINED_RESULTS; i += 1) kept.push(await run(workload.input));
  const heapKept = heapAfterGc();
  assert.equal(kept.length, RETAINED_RESULTS);

  const perExecution = (bytes) => (bytes === undefined ? null : Math.round(bytes));
  return {
    executions,
    seconds: round(elapsed, 3),
    executionsPerSecond: round(executions / elapsed, 1),
    transitionsPerSecond: round((executions * workload.transitionsPerExecution) / elapsed, 0),
    heapGrowthBytes: heapBefore === undefined ? null : heapAfter - heapBefore,
    heapGrowthBytesPerExecution: heapBefore === undefined ? null : perExecution((heapAfter - heapBefore) / executions),
    retainedBytesPerResult: heapEmpty === undefined ? null : perExecution((heapKept - heapEmpty) / RETAINED_RESULTS),
  };
}

function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

async function readVersion(url) {
  try {
    return JSON.parse(await readFile(url, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

function gitCommit() {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

function formatNumber(value) {
  if (value === null || value === undefined) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

function formatBytes(value) {
  if (value === null || value === undefined) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

function printTable(rows) {
  const header = ['workload', 'engine', 'exec/s', 'transitions/s', 'heap growth/exec', 'retained/result'];
  const body = rows.map((r) => [
    r.workload,
    r.engine,
    formatNumber(r.executionsPerSecond),
    formatNumber(r.transitionsPerSecond),
    formatBytes(r.heapGrowthBytesPerExecution),
    formatBytes(r.retainedBytesPerResult),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

async function main() {
  if (gc === undefined) console.warn('warning: run with node --expose-gc for the memory figures (npm run bench does)');
  const cpus = os.cpus();
  const loadStart = os.loadavg();
  console.log(
    `node ${process.version}, ${cpus[0]?.model ?? 'unknown CPU'} x${cpus.length}, load ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(`${SECONDS}s timed + ${WARMUP_SECONDS}s warm-up per engine and workload, ${ROUNDS} round(s)\n`);

  const samples = new Map(); // "workload|engine" -> measurement[]
  for (let round_ = 1; round_ <= ROUNDS; round_ += 1) {
    for (const workload of WORKLOADS) {
      // Every other round runs the engines in the reverse order, so a machine getting busier or
      // quieter during a round does not favour whichever engine always runs first.
      for (const engine of round_ % 2 === 1 ? ENGINES : [...ENGINES].reverse()) {
        const key = `${workload.id}|${engine.name}`;
        const result = await measure(engine, workload);
        samples.set(key, [...(samples.get(key) ?? []), result]);
        process.stderr.write(
          `  round ${round_}: ${workload.id} / ${engine.name}: ${formatNumber(result.executionsPerSecond)} exec/s\n`,
        );
      }
    }
  }
  // Exactly the input we started with: an engine that mutated it would have skewed everything.
  assert.deepEqual(chain.input, {
    order: {
      id: 'o-1042',
      total: 42.5,
      lines: [
        { sku: 'A-1', qty: 1 },
        { sku: 'B-7', qty: 3 },
      ],
    },
    customer: 'c-7',
  });
  assert.deepEqual(map.input.items[MAP_ITEMS - 1], {
    id: MAP_ITEMS - 1,
    price: (MAP_ITEMS - 1) * 1.5,
    tags: ['bench'],
  });

  const rows = [];
  for (const workload of WORKLOADS) {
    for (const engine of ENGINES) {
      const runs = samples.get(`${workload.id}|${engine.name}`);
      const pick = (field) => (runs.some((r) => r[field] === null) ? null : median(runs.map((r) => r[field])));
      rows.push({
        workload: workload.id,
        description: workload.title,
        engine: engine.name,
        api: engine.api,
        transitionsPerExecution: workload.transitionsPerExecution,
        executionsPerSecond: pick('executionsPerSecond'),
        transitionsPerSecond: pick('transitionsPerSecond'),
        heapGrowthBytesPerExecution: pick('heapGrowthBytesPerExecution'),
        retainedBytesPerResult: pick('retainedBytesPerResult'),
        rounds: runs,
      });
    }
  }

  const ratios = [];
  for (const workload of WORKLOADS) {
    const speed = (engine) => rows.find((r) => r.workload === workload.id && r.engine === engine).executionsPerSecond;
    const peer = speed(PEER);
    for (const engine of ENGINES.filter((e) => e.name !== PEER).map((e) => e.name)) {
      const ratio = round(speed(engine) / peer, 2);
      const target = TARGETS[engine]?.[workload.family];
      ratios.push({
        workload: workload.id,
        engine,
        over: PEER,
        ratio,
        target: target ?? null,
        met: target === undefined ? null : ratio >= target,
      });
    }
  }

  console.log('');
  printTable(rows);
  console.log('');
  for (const r of ratios) {
    const verdict = r.target === null ? '' : `  (target >= ${r.target}x: ${r.met ? 'met' : 'MISSED'})`;
    console.log(`${r.workload.padEnd(11)}  ${r.engine} / ${r.over}: ${r.ratio.toFixed(2)}x${verdict}`);
  }

  const date = new Date();
  const report = {
    date: date.toISOString(),
    machine: {
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform} ${os.release()} ${process.arch}`,
      cpuModel: cpus[0]?.model ?? null,
      cores: cpus.length,
      totalMemoryBytes: os.totalmem(),
      loadAverage: { start: loadStart, end: os.loadavg() },
      shared: true,
      note: 'Shared, noisy machine: absolute figures move from run to run; the ratios (same process, same moment) are the stable part.',
    },
    config: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      rounds: ROUNDS,
      retainedResults: RETAINED_RESULTS,
      gc: gc !== undefined,
    },
    versions: {
      stepwise: await readVersion(new URL('../package.json', import.meta.url)),
      stepwiseCommit: gitCommit(),
      [PEER]: await readVersion(new URL('../node_modules/aws-local-stepfunctions/package.json', import.meta.url)),
    },
    targets: TARGETS,
    workloads: WORKLOADS.map((w) => ({
      id: w.id,
      family: w.family,
      description: w.title,
      transitionsPerExecution: w.transitionsPerExecution,
      definition: w.definition,
    })),
    results: rows,
    ratios,
  };
  if (process.env.BENCH_NO_WRITE) return;
  const written = await writeResults('', date, report);
  console.log(`\nwrote ${written.stamped} and ${written.latest}`);
}

await main();

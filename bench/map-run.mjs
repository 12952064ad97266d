// Stepwise Distributed Map benchmark: one Map Run over a JSONL object of a million items in S3
// (s3rver), batched by 100, MaxConcurrency 1000, with EXPRESS and then STANDARD children that Pass
// each batch, on a real `node dist/cli/main.js serve` (SQLite). Reports items/s, the server's peak
// RSS, the CPU each process used, and the same object read alone (with the S3 SDK, and with
// Stepwise's own ItemReader) as the ceiling. Not a test: figures move with the machine's load.
//
//   npm run build && node bench/map-run.mjs
//
// Every figure is checked before it is reported: the parent SUCCEEDED, DescribeMapRun counts N items
// and ceil(N / 100) children succeeded, and the Map's output (one {"count"} per batch) adds up to N.
//
// Environment (all optional):
//   BENCH_MAP_ITEMS        items in the JSONL object (default 1000000)
//   BENCH_MAP_TYPES        comma list of child execution types: express,standard (default both)
//   BENCH_MAP_BATCH        ItemBatcher MaxItemsPerBatch (default 100)
//   BENCH_MAP_CONCURRENCY  the Map's MaxConcurrency (default 1000)
//   BENCH_MAP_TIMEOUT_S    a run still going after this many seconds fails the benchmark (default 1800)
//   BENCH_MAP_NO_CEILING   set to skip the read-only ceilings
//   BENCH_MAP_HEAP_MB      each child type runs a second time on a server whose V8 old space is capped at
//                          this many MB (--max-old-space-size), to show what the run holds is bounded (default 64)
//   BENCH_MAP_NO_HEAP_CHECK set to skip those capped runs
//   BENCH_SERVER_NODE_ARGS extra node flags for the server, e.g. '--cpu-prof --cpu-prof-dir=/tmp/p'
//   BENCH_NO_WRITE         set to skip writing bench/results/map-run-*.json
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { envList, envNumber } from './lib/env.mjs';
import { fmt } from './lib/format.mjs';
import { gitState, writeResults } from './lib/results.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REGION = 'us-east-1';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepwise-bench';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'bench';
const KEY = 'items.jsonl';
const SAMPLE_MS = 200;
const POLL_MS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = (bytes) => bytes / 1024 / 1024;

// ---------------------------------------------------------------------------------------------
// Workload

/** One line of the object: a small record, about 50 bytes. */
const itemLine = (n) => `{"id":${n},"sku":"sku-${n}","qty":${n % 10},"price":${(n % 1000) / 10}}\n`;

/**
 * The parent: a Distributed Map reading the JSONL object. Each child is one Pass over its batch
 * (`{"Items": [...100 items]}`) answering how many items it saw, so the Map's output (one small
 * object per batch, about 140 KB for a million items) stays under the 256 KiB payload limit and
 * can be checked to add up to N.
 */
function parentDefinition(executionType, batch, concurrency) {
  return {
    Comment: `Distributed Map over a JSONL object, ${executionType} children`,
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL' },
          Parameters: { Bucket: BUCKET, Key: KEY },
        },
        ItemBatcher: { MaxItemsPerBatch: batch },
        MaxConcurrency: concurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Each',
          States: { Each: { Type: 'Pass', Parameters: { 'count.$': 'States.ArrayLength($.Items)' }, End: true } },
        },
        End: true,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Processes: CPU and memory from /proc (Linux)

const haveProc = existsSync('/proc/stat');
const CLK_TCK = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

/** CPU milliseconds (user + system) a process has used, or NaN once it is gone. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** A process's resident set and its high-water mark (VmRSS, VmHWM), bytes; undefined once it is gone. */
function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
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

/** The sizes of the files directly in `directory`, added up. */
function directoryBytes(directory) {
  let bytes = 0;
  for (const name of readdirSync(directory)) {
    const stat = statSync(join(directory, name));
    if (stat.isFile()) bytes += stat.size;
  }
  return bytes;
}

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

function httpStatus(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
  });
}

/** Keeps the last 10,000 characters a child process wrote, for the error when it fails. */
function tail(child) {
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// s3rver: in a child Node.js with the legacy OpenSSL provider (its listing tokens use DES; see
// test/integrations/map-data/helpers.ts), so that its CPU is measured apart from the server's.

const S3RVER_CHILD = `
const S3rver = require(process.argv[1]);
const [directory, bucket] = [process.argv[2], process.argv[3]];
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory,
  configureBuckets: [{ name: bucket, configs: [] }] });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

async function startS3rver(directory) {
  const s3rver = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', S3RVER_CHILD, s3rver, directory, BUCKET], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}:\n${output()}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

async function s3Client(url) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    endpoint: url,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Writes the N-line object to `file` as a stream (never one string), then PUTs it. Returns its size. */
async function uploadItems(client, file, count) {
  const out = createWriteStream(file);
  let chunk = '';
  for (let n = 0; n < count; n++) {
    chunk += itemLine(n);
    if (chunk.length >= 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  const bytes = statSync(file).size;
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  await client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: createReadStream(file), ContentLength: bytes }),
  );
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Ceilings: the same object read alone, in this process, before any server runs

/** GetObject streamed, split into lines, each JSON.parse'd: the least any JSONL reader has to do. */
async function sdkReadCeiling(client, count) {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const start = performance.now();
  const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  let rest = '';
  let items = 0;
  let bytes = 0;
  for await (const buffer of answer.Body) {
    bytes += buffer.length;
    const text = rest + buffer.toString('utf8');
    let from = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
      if (at > from) {
        JSON.parse(text.slice(from, at));
        items++;
      }
      from = at + 1;
    }
    rest = text.slice(from);
  }
  if (rest.trim()) items++;
  const ms = performance.now() - start;
  if (items !== count) throw new Error(`the SDK read ${items} items, expected ${count}`);
  return { reader: 'S3 SDK GetObject stream + JSON.parse per line', items, bytes, ms, perSecond: (items / ms) * 1000 };
}

/** Stepwise's own ItemReader (dist/integrations/map-data), the one the Map Run uses, read to the end. */
async function stepwiseReadCeiling(url, count) {
  const { createS3Access, readItems } = await import(
    pathToFileURL(join(ROOT, 'dist', 'integrations', 'map-data', 'index.js')).href
  );
  const access = createS3Access({ endpoints: { s3: url }, credentials: CREDENTIALS, ecsPollIntervalMs: 5000 });
  try {
    const spec = {
      resource: 'arn:aws:states:::s3:getObject',
      parameters: { Bucket: BUCKET, Key: KEY },
      readerConfig: { InputType: 'JSONL' },
    };
    const ctx = { executionArn: `arn:aws:states:${REGION}:123456789012:execution:bench:ceiling` };
    const start = performance.now();
    let items = 0;
    for await (const _ of readItems(spec, access, ctx)) items++;
    const ms = performance.now() - start;
    if (items !== count) throw new Error(`the ItemReader read ${items} items, expected ${count}`);
    return { reader: "Stepwise's ItemReader (readItems), alone", items, ms, perSecond: (items / ms) * 1000 };
  } finally {
    access.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The server

async function startServer(dataDir, s3Url, extraNodeArgs) {
  const port = await freePort();
  const nodeArgs = [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), ...extraNodeArgs];
  const args = [
    ...nodeArgs,
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
  ];
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('STEPWISE_')) delete env[name];
  Object.assign(env, {
    STEPWISE_ENDPOINT_S3: s3Url,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  });
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tail(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await httpStatus(`${url}/healthz`)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not answer /healthz in 20 s:\n${output()}`);
    }
    await sleep(50);
  }
  return { url, pid: child.pid, output, stop: () => stopChild(child) };
}

async function sfnClient(url) {
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  return new SFNClient({ endpoint: url, region: REGION, credentials: CREDENTIALS, disableHostPrefix: true });
}

// ---------------------------------------------------------------------------------------------
// One run: a fresh server, one parent execution, its Map Run followed to the end

async function mapRun({ executionType, count, batch, concurrency, s3, dir, timeoutS, heapMb }) {
  const sfnModule = await import('@aws-sdk/client-sfn');
  const { CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand } = sfnModule;
  const { ListMapRunsCommand, DescribeMapRunCommand } = sfnModule;
  const label = `${executionType}${heapMb ? `, heap ${heapMb} MB` : ''}`;
  const dataDir = join(dir, `server-${executionType.toLowerCase()}${heapMb ? `-heap-${heapMb}` : ''}`);
  const server = await startServer(dataDir, s3.url, heapMb ? [`--max-old-space-size=${heapMb}`] : []);
  const sfn = await sfnClient(server.url);
  const children = Math.ceil(count / batch);
  let sampler;
  try {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: `map-run-${executionType.toLowerCase()}`,
        type: 'STANDARD',
        roleArn: ROLE_ARN,
        definition: JSON.stringify(parentDefinition(executionType, batch, concurrency)),
      }),
    );
    const idle = processMemory(server.pid);
    // RSS every SAMPLE_MS, the peak kept; the kernel's high-water mark (VmHWM) is read at the end too.
    const samples = { peakRss: 0, peakAt: 0, count: 0 };
    const startedAt = performance.now();
    sampler = setInterval(() => {
      const m = processMemory(server.pid);
      if (!m) return;
      samples.count++;
      if (m.rss > samples.peakRss) {
        samples.peakRss = m.rss;
        samples.peakAt = (performance.now() - startedAt) / 1000;
      }
    }, SAMPLE_MS);
    const cpu0 = { server: processCpuMs(server.pid), s3: processCpuMs(s3.pid), machine: machineCpu() };
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    const timeline = [];
    let mapRunArn;
    let execution;
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      await sleep(POLL_MS);
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (!mapRunArn) mapRunArn = (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
      const m = processMemory(server.pid);
      if (mapRunArn) {
        const progress = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
        timeline.push({
          s: Math.round((performance.now() - startedAt) / 100) / 10,
          items: progress.itemCounts?.succeeded ?? 0,
          running: progress.executionCounts?.running ?? 0,
          rssMiB: m ? Math.round(MiB(m.rss)) : undefined,
        });
        const last = timeline.at(-1);
        if (timeline.length % 10 === 0)
          process.stderr.write(
            `  ${label} ${last.s} s: ${fmt(last.items)} items done, ${last.running} children running, RSS ${last.rssMiB} MiB\n`,
          );
      }
      if (execution.status !== 'RUNNING') break;
      if (Date.now() > deadline)
        throw new Error(`${label}: still RUNNING after ${timeoutS} s (${JSON.stringify(timeline.at(-1))})`);
    }
    clearInterval(sampler);
    const memoryAtEnd = processMemory(server.pid);
    const cpu1 = { server: processCpuMs(server.pid), s3: processCpuMs(s3.pid), machine: machineCpu() };
    const wallMs = performance.now() - startedAt;

    // ---- correctness, before any figure ----
    if (execution.status !== 'SUCCEEDED')
      throw new Error(`${label}: the parent ended ${execution.status}: ${execution.error} ${execution.cause}`);
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    if (described.status !== 'SUCCEEDED') throw new Error(`${label}: the Map Run ended ${described.status}`);
    if (described.itemCounts?.succeeded !== count || described.itemCounts?.total !== count)
      throw new Error(`${label}: itemCounts ${JSON.stringify(described.itemCounts)}, expected ${count} succeeded`);
    if (described.executionCounts?.succeeded !== children || described.executionCounts?.total !== children)
      throw new Error(
        `${label}: executionCounts ${JSON.stringify(described.executionCounts)}, expected ${children} succeeded`,
      );
    const output = JSON.parse(execution.output ?? 'null');
    const sum = Array.isArray(output) ? output.reduce((a, b) => a + (b?.count ?? 0), 0) : NaN;
    if (!Array.isArray(output) || output.length !== children || sum !== count)
      throw new Error(
        `${label}: the Map's output has ${output?.length} entries adding up to ${sum}, expected ${children} adding up to ${count}`,
      );

    const mapRunMs = described.stopDate.getTime() - described.startDate.getTime();
    const executionMs = execution.stopDate.getTime() - execution.startDate.getTime();
    const busy =
      cpu0.machine && cpu1.machine
        ? (cpu1.machine.busyMs - cpu0.machine.busyMs) / (cpu1.machine.totalMs - cpu0.machine.totalMs)
        : NaN;
    return {
      executionType,
      heapMb,
      items: count,
      children,
      batch,
      maxConcurrency: concurrency,
      mapRunMs,
      executionMs,
      wallMs,
      itemsPerSecond: (count / mapRunMs) * 1000,
      childrenPerSecond: (children / mapRunMs) * 1000,
      memory: {
        idleRss: idle?.rss,
        peakRssSampled: samples.peakRss,
        peakRssAtSeconds: samples.peakAt,
        samples: samples.count,
        /** The kernel's high-water mark for the whole process life (start-up included). */
        vmHwm: memoryAtEnd?.hwm,
        rssAtEnd: memoryAtEnd?.rss,
      },
      cpu: {
        serverMs: cpu1.server - cpu0.server,
        s3rverMs: cpu1.s3 - cpu0.s3,
        serverCores: (cpu1.server - cpu0.server) / wallMs,
        s3rverCores: (cpu1.s3 - cpu0.s3) / wallMs,
        serverUsPerItem: ((cpu1.server - cpu0.server) * 1000) / count,
        machineBusy: busy,
      },
      /** The data directory's files (the SQLite database and its WAL) at the end: what the run wrote. */
      storeBytes: directoryBytes(dataDir),
      timeline,
    };
  } finally {
    clearInterval(sampler);
    sfn.destroy();
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');

async function main() {
  const count = envNumber('BENCH_MAP_ITEMS', 1_000_000);
  const batch = envNumber('BENCH_MAP_BATCH', 100);
  const concurrency = envNumber('BENCH_MAP_CONCURRENCY', 1000);
  const timeoutS = envNumber('BENCH_MAP_TIMEOUT_S', 1800);
  const heapMb = process.env.BENCH_MAP_NO_HEAP_CHECK ? undefined : envNumber('BENCH_MAP_HEAP_MB', 64);
  const types = envList('BENCH_MAP_TYPES', ['express', 'standard']).map((t) => t.toUpperCase());
  for (const t of types) if (t !== 'EXPRESS' && t !== 'STANDARD') throw new Error(`unknown child type '${t}'`);
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli/main.js is missing: npm run build first');
  const cores = os.availableParallelism();
  const dir = mkdtempSync(join(os.tmpdir(), 'stepwise-map-run-bench-'));
  const date = new Date();
  const loadStart = os.loadavg();
  const results = { cores, runs: [], ceilings: [] };
  let s3;
  let client;
  try {
    s3 = await startS3rver(join(dir, 's3'));
    client = await s3Client(s3.url);
    console.log(`uploading a JSONL object of ${fmt(count)} items...`);
    const uploadStart = performance.now();
    results.objectBytes = await uploadItems(client, join(dir, KEY), count);
    results.uploadMs = performance.now() - uploadStart;
    rmSync(join(dir, KEY));
    if (!process.env.BENCH_MAP_NO_CEILING) {
      console.log('ceilings: reading the object alone...');
      results.ceilings.push(await sdkReadCeiling(client, count));
      results.ceilings.push(await stepwiseReadCeiling(s3.url, count));
    }
    for (const executionType of types) {
      console.log(`${executionType} children: ${fmt(Math.ceil(count / batch))} of ${batch} items...`);
      results.runs.push(await mapRun({ executionType, count, batch, concurrency, s3, dir, timeoutS }));
    }
    for (const executionType of heapMb ? types : []) {
      console.log(`${executionType} children again, the server's heap capped at ${heapMb} MB...`);
      results.runs.push(await mapRun({ executionType, count, batch, concurrency, s3, dir, timeoutS, heapMb }));
    }
  } finally {
    client?.destroy();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = os.loadavg();

  // ---- table ----
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `CPUs (os.availableParallelism()): ${cores}; load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at the end`,
    `object: ${fmt(count)} JSONL items, ${fmt(MiB(results.objectBytes), 1)} MiB, in s3rver; ItemBatcher ${batch}, MaxConcurrency ${concurrency}`,
    '',
    '| measurement | items/s | time | peak RSS (sampled / VmHWM) | notes |',
    '| --- | ---: | ---: | ---: | --- |',
  );
  const best = results.ceilings.at(-1);
  for (const c of results.ceilings)
    row(`read only: ${c.reader}`, fmt(c.perSecond), `${fmt(c.ms / 1000, 1)} s`, '', 'in the benchmark process');
  for (const r of results.runs) {
    const ratio = best ? `; ${pct(r.itemsPerSecond / best.perSecond)} of the ItemReader alone` : '';
    row(
      `Map Run, ${r.executionType} children${r.heapMb ? `, old space capped at ${r.heapMb} MB` : ''}`,
      fmt(r.itemsPerSecond),
      `${fmt(r.mapRunMs / 1000, 1)} s`,
      `${fmt(MiB(r.memory.peakRssSampled))} / ${fmt(MiB(r.memory.vmHwm))} MiB`,
      `${fmt(r.childrenPerSecond)} children/s${ratio}; CPU: server ${fmt(r.cpu.serverCores, 2)} cores (${fmt(r.cpu.serverUsPerItem, 1)} µs/item: ${fmt(1e6 / r.cpu.serverUsPerItem)} items/s per server CPU-second), s3rver ${fmt(r.cpu.s3rverCores, 2)}; machine ${pct(r.cpu.machineBusy)} busy; store ${fmt(MiB(r.storeBytes))} MiB; idle RSS ${fmt(MiB(r.memory.idleRss))} MiB`,
    );
  }
  const table = lines.join('\n');
  console.log(`\n${table}\n`);
  for (const r of results.runs)
    if (r.memory.peakRssSampled > 1024 ** 3)
      console.error(`WARNING: ${r.executionType}: the server's RSS passed 1 GiB`);

  if (process.env.BENCH_NO_WRITE) return;
  const report = {
    benchmark: 'map-run',
    date: date.toISOString(),
    command: 'node bench/map-run.mjs',
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
      count,
      batch,
      concurrency,
      types,
      timeoutS,
      heapMb,
      serverNodeArgs: process.env.BENCH_SERVER_NODE_ARGS ?? '',
    },
    workloads: Object.fromEntries(types.map((t) => [t, parentDefinition(t, batch, concurrency)])),
    itemLine: itemLine(0).trim(),
    results,
    table,
  };
  const written = await writeResults('map-run-', date, report);
  console.log(`wrote ${written.stamped} and ${written.latest}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

// The benchmarks' HTTP load client and request helpers, shared by bench/server.mjs and bench/cluster.mjs.
//
// The load runs in a child process (this file, forked with the argument `client`) so that a server in
// the parent, or the parent's own work, is measured apart from the client's. Plain http.request on
// keep-alive agents; the AWS SDK is not used (it adds client-side cost).
import { Buffer } from 'node:buffer';
import { fork } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { percentile } from './format.mjs';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';

const SELF = fileURLToPath(import.meta.url);

/**
 * POSTs `body` `count` times with `concurrency` in flight in all, on keep-alive connections: to `url`,
 * or round-robin over `urls` (request k to urls[k % urls.length]), one agent per target. Every
 * response must be 200 and, when `expect` is given, contain it. Times are performance.now() of this
 * process, plus the wall clock (Date.now) of the first request and last response; `clientCpuMs` is
 * this process's CPU time and `clientCpu` that over the wall time (1 = one core busy). With
 * `latencies` (the default) each request's latency is kept and p50/p90/p99/max given; `latencies:
 * false` skips that bookkeeping.
 */
export function httpLoad({
  url,
  urls = [url],
  headers,
  body,
  concurrency,
  count,
  expect,
  latencies: keepLatencies = true,
}) {
  const targets = urls.map((u) => {
    const target = new URL(u);
    return {
      host: target.hostname,
      port: target.port,
      agent: new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency }),
    };
  });
  const payload = Buffer.from(body);
  const allHeaders = { ...headers, 'content-length': String(payload.length) };
  const latencies = keepLatencies ? new Float64Array(count) : undefined;
  let issued = 0;
  let finished = 0;
  let errors = 0;
  let firstError;
  return new Promise((resolve) => {
    const wallStart = Date.now();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const done = () => {
      const end = performance.now();
      const cpu = process.cpuUsage(cpuStart);
      const wallEnd = Date.now();
      for (const t of targets) t.agent.destroy();
      const ms = end - start;
      const clientCpuMs = (cpu.user + cpu.system) / 1000;
      const result = {
        count,
        concurrency,
        errors,
        firstError,
        ms,
        clientCpuMs,
        clientCpu: clientCpuMs / ms,
        wallStart,
        wallEnd,
      };
      if (latencies) {
        const sorted = Array.from(latencies).sort((a, b) => a - b);
        Object.assign(result, {
          p50: percentile(sorted, 50),
          p90: percentile(sorted, 90),
          p99: percentile(sorted, 99),
          max: sorted[sorted.length - 1],
        });
      }
      resolve(result);
    };
    const one = () => {
      if (issued >= count) return;
      const i = issued++;
      const target = targets[i % targets.length];
      const sent = latencies ? performance.now() : 0;
      const settle = (ok, detail) => {
        if (latencies) latencies[i] = performance.now() - sent;
        if (!ok) {
          errors++;
          firstError ??= detail;
        }
        if (++finished === count) done();
        else one();
      };
      const req = http.request(
        { host: target.host, port: target.port, path: '/', method: 'POST', agent: target.agent, headers: allHeaders },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const ok = res.statusCode === 200 && (expect === undefined || text.includes(expect));
            settle(ok, ok ? undefined : `${res.statusCode} ${text.slice(0, 300)}`);
          });
        },
      );
      req.on('error', (e) => settle(false, String(e)));
      req.end(payload);
    };
    for (let k = 0; k < Math.min(concurrency, count); k++) one();
  });
}

/** The child process: runs each load it is sent and answers with the result. */
function runClient() {
  process.on('message', async (message) => {
    if (message.kind === 'exit') process.exit(0);
    const result = await httpLoad(message.load);
    process.send({ kind: 'result', id: message.id, result });
  });
  process.send({ kind: 'ready' });
}

/**
 * Forks the client child process and drives it over IPC: `load(load)` runs one httpLoad there. With
 * `serverCpu`, `load` adds `serverCpu`: this (the parent's) process's CPU time over the wall time,
 * for a server running in the parent; `rawLoad` is then the load without it.
 */
export async function startClient({ serverCpu = false } = {}) {
  const child = fork(SELF, ['client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`client exited with ${code}`))),
  );
  exited.catch(() => {});
  let nextId = 0;
  const rawLoad = (load) => {
    const id = nextId++;
    const answer = new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.kind === 'result' && message.id === id) {
          child.off('message', onMessage);
          resolve(message.result);
        }
      };
      child.on('message', onMessage);
      child.send({ kind: 'load', id, load });
    });
    return Promise.race([answer, exited]);
  };
  const withServerCpu = async (load) => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const result = await rawLoad(load);
    const cpu = process.cpuUsage(cpuStart);
    return { ...result, serverCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - start) };
  };
  return {
    pid: child.pid,
    load: serverCpu ? withServerCpu : rawLoad,
    rawLoad,
    close() {
      child.send({ kind: 'exit' });
    },
  };
}

/** One AWS JSON request from the parent, for setting up and checking (CreateStateMachine and the like). */
export function awsCall(url, action, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': CONTENT_TYPE,
          'x-amz-target': `AWSStepFunctions.${action}`,
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${action}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

if (process.argv[2] === 'client' && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url)
  runClient();

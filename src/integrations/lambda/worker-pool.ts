/**
 * The pool of threads local functions run in.
 *
 * Why worker threads and not child processes: a worker thread starts in tens of milliseconds and
 * costs a V8 isolate rather than a whole Node.js process, and it gives every isolation this engine
 * needs from user code:
 *   - `worker.terminate()` stops even a synchronous `while (true) {}` (V8 TerminateExecution), so a
 *     timeout or a cancelled task always gets its thread back;
 *   - `process.exit()` in a worker ends that worker only; an uncaught error ends it with an 'error'
 *     event; `resourceLimits` turn a runaway heap into ERR_WORKER_OUT_OF_MEMORY for that worker
 *     instead of a fatal out-of-memory for the engine;
 *   - each worker has its own copy of `process.env` (the Lambda variables are set per function), its
 *     own module cache and globals, and the engine's event loop never runs user code.
 * What a thread cannot contain is native code that crashes the process (a segfaulting addon,
 * `process.abort()`); a child process would, at several times the start-up cost and memory per
 * function. For functions written for Lambda's Node.js runtime, threads are the right trade.
 *
 * Like Lambda execution environments, a worker serves one function (one file at one modification
 * time, so an edited file gets fresh workers), one invocation at a time, and stays warm between
 * invocations (module state survives). At most `maxWorkers` exist; when all are busy, invocations
 * wait; an idle worker of another function is retired to make room. A worker that timed out, was
 * cancelled, exited or crashed is terminated and a new one starts when next needed. Idle workers
 * are unref'd, so they never keep the process alive, and retired after `idleMs`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';
import type {
  ContextFields,
  FunctionLogLevel,
  InvokeMessage,
  LambdaErrorDocument,
  ResultMessage,
  WorkerData,
} from './worker-protocol.js';

export interface PoolJob {
  /** Which workers may serve this job: the function file and its modification time. */
  key: string;
  file: string;
  /** Environment variables of the function's workers (on top of the engine's own). */
  env: Record<string, string>;
  /** The event, as JSON text. */
  event: string;
  context: ContextFields;
  /** The worker is terminated after the handler has run this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type PoolOutcome =
  | { kind: 'returned'; payload: string }
  | { kind: 'threw'; error: LambdaErrorDocument }
  | { kind: 'timedOut' }
  /** The worker ended without answering: process.exit(code), a crash, out of memory. */
  | { kind: 'exited'; code: number; error?: Error }
  | { kind: 'cancelled' };

export interface WorkerPoolOptions {
  maxWorkers?: number;
  /** How long an idle worker is kept warm. */
  idleMs?: number;
  /** The V8 old-generation heap limit per worker, in MB (a guard for the engine, not Lambda's memory accounting). */
  maxHeapMb?: number;
  /**
   * A line the function wrote (`console.*`, or process.stdout/stderr directly), with the function's
   * name and the request id it ran in; default: written to this process's stdout or stderr as is.
   */
  onLog?: (line: FunctionLogLine) => void;
}

export interface FunctionLogLine {
  functionName: string;
  requestId?: string;
  level: FunctionLogLevel;
  message: string;
}

function printLine(line: FunctionLogLine): void {
  (line.level === 'warn' || line.level === 'error' ? process.stderr : process.stdout).write(`${line.message}\n`);
}

interface Pending {
  id: number;
  settle(outcome: PoolOutcome, healthy: boolean): void;
  started(): void;
}

interface PooledWorker {
  worker: Worker;
  key: string;
  busy: boolean;
  dead: boolean;
  lastUsed: number;
  pending?: Pending;
  idleTimer?: NodeJS.Timeout;
  error?: Error;
  /** The function it serves, and the request id of its latest invocation (for its log lines). */
  functionName: string;
  requestId?: string;
}

interface Waiter {
  job: PoolJob;
  grant(worker: PooledWorker | undefined): void;
}

/** Lambda's limit on a function's initialisation (loading its module), before the handler runs. */
export const INIT_LIMIT_MS = 10_000;

let tsxApiUrl: string | undefined | null = null;
let workerUrl: URL | undefined;

/** `tsx/esm/api`, when installed: it loads `.ts` functions (and this worker, when running from source). */
export function resolveTsxApi(): string | undefined {
  if (tsxApiUrl === null) {
    try {
      tsxApiUrl = import.meta.resolve('tsx/esm/api');
    } catch {
      tsxApiUrl = undefined;
    }
  }
  return tsxApiUrl;
}

/**
 * The worker's script: `worker.js` next to this file once built. Running from the TypeScript
 * sources (tests, tsx), `worker.ts` is transpiled once with TypeScript into the temp folder (it has
 * no runtime imports), which starts far faster than loading it through tsx in every worker.
 */
function workerScript(): URL {
  if (workerUrl) return workerUrl;
  const compiled = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return (workerUrl = compiled);
  const sourcePath = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const source = readFileSync(sourcePath, 'utf8');
  const ts = createRequire(import.meta.url)('typescript') as {
    transpileModule(
      input: string,
      options: { compilerOptions: Record<string, unknown>; fileName: string },
    ): { outputText: string };
    ModuleKind: { ESNext: number };
    ScriptTarget: { ES2022: number };
  };
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: sourcePath,
  });
  const file = join(
    tmpdir(),
    `stepwise-lambda-worker-${createHash('sha256').update(outputText).digest('hex').slice(0, 16)}.mjs`,
  );
  if (!existsSync(file)) {
    // Written aside and renamed, so a concurrent process never starts a half-written script.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, outputText);
    renameSync(partial, file);
  }
  return (workerUrl = pathToFileURL(file));
}

export class WorkerPool {
  private readonly maxWorkers: number;
  private readonly idleMs: number;
  private readonly maxHeapMb: number;
  private readonly onLog: (line: FunctionLogLine) => void;
  private readonly workers = new Set<PooledWorker>();
  private readonly queue: Waiter[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.maxWorkers = Math.max(1, options.maxWorkers ?? Math.max(4, availableParallelism()));
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 512;
    this.onLog = options.onLog ?? printLine;
  }

  /** Live workers (busy or idle). */
  get size(): number {
    return this.workers.size;
  }

  /** Workers running an invocation now. */
  get busy(): number {
    let busy = 0;
    for (const w of this.workers) if (w.busy) busy++;
    return busy;
  }

  async run(job: PoolJob): Promise<PoolOutcome> {
    if (job.signal?.aborted || this.closed) return { kind: 'cancelled' };
    const pooled = await this.acquire(job);
    if (!pooled) return { kind: 'cancelled' };
    if (job.signal?.aborted) {
      this.release(pooled);
      return { kind: 'cancelled' };
    }
    return new Promise<PoolOutcome>((resolve) => {
      const id = ++this.nextId;
      const onAbort = () => settle({ kind: 'cancelled' }, false);
      const onTimeout = () => settle({ kind: 'timedOut' }, false);
      // Loading the module has Lambda's init limit; the function's timeout starts with the handler.
      let timer = setTimeout(onTimeout, INIT_LIMIT_MS);
      const started = () => {
        clearTimeout(timer);
        timer = setTimeout(onTimeout, job.timeoutMs);
      };
      const settle = (outcome: PoolOutcome, healthy: boolean) => {
        if (pooled.pending?.id !== id) return;
        pooled.pending = undefined;
        clearTimeout(timer);
        job.signal?.removeEventListener('abort', onAbort);
        if (healthy) this.release(pooled);
        else this.kill(pooled);
        resolve(outcome);
      };
      pooled.pending = { id, settle, started };
      pooled.requestId = job.context.awsRequestId;
      job.signal?.addEventListener('abort', onAbort, { once: true });
      pooled.worker.ref();
      const message: InvokeMessage = { type: 'invoke', id, event: job.event, context: job.context };
      pooled.worker.postMessage(message);
    });
  }

  /** Terminates every worker; waiting invocations end cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) waiter.grant(undefined);
    const exits = [...this.workers].map((w) => {
      w.pending?.settle({ kind: 'cancelled' }, false);
      return this.kill(w);
    });
    await Promise.all(exits);
  }

  private acquire(job: PoolJob): Promise<PooledWorker | undefined> {
    const ready = this.idleFor(job.key) ?? this.spawnIfRoom(job);
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        resolve(undefined);
      };
      const waiter: Waiter = {
        job,
        grant: (worker) => {
          job.signal?.removeEventListener('abort', onAbort);
          resolve(worker);
        },
      };
      job.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private idleFor(key: string): PooledWorker | undefined {
    for (const w of this.workers) {
      if (!w.busy && !w.dead && w.key === key) {
        this.markBusy(w);
        return w;
      }
    }
    return undefined;
  }

  /** A new worker if the pool has room, making room by retiring the least recently used idle worker. */
  private spawnIfRoom(job: PoolJob): PooledWorker | undefined {
    if (this.closed) return undefined;
    if (this.workers.size >= this.maxWorkers) {
      let oldest: PooledWorker | undefined;
      for (const w of this.workers) if (!w.busy && (!oldest || w.lastUsed < oldest.lastUsed)) oldest = w;
      if (!oldest) return undefined;
      void this.kill(oldest, false);
    }
    return this.spawn(job);
  }

  private spawn(job: PoolJob): PooledWorker {
    const data: WorkerData = { file: job.file, ...(resolveTsxApi() ? { tsxApiUrl: resolveTsxApi() } : {}) };
    const options = {
      workerData: data,
      env: { ...process.env, ...job.env },
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      // A clean runtime: no loaders the engine itself was started with (tsx, vitest's).
      execArgv: [],
      // What the function writes to process.stdout/stderr itself comes here, line by line, for the log.
      stdout: true,
      stderr: true,
    };
    const worker = new Worker(workerScript(), options);
    const pooled: PooledWorker = {
      worker,
      key: job.key,
      busy: true,
      dead: false,
      lastUsed: Date.now(),
      functionName: job.context.functionName,
    };
    this.workers.add(pooled);
    const written = (level: FunctionLogLevel) => (message: string) =>
      this.onLog({
        functionName: pooled.functionName,
        ...(pooled.requestId !== undefined ? { requestId: pooled.requestId } : {}),
        level,
        message,
      });
    createInterface({ input: worker.stdout, crlfDelay: Infinity }).on('line', written('info'));
    createInterface({ input: worker.stderr, crlfDelay: Infinity }).on('line', written('warn'));
    worker.on('message', (message: ResultMessage) => {
      if (message.type === 'log') {
        this.onLog({
          functionName: pooled.functionName,
          ...(message.requestId !== undefined ? { requestId: message.requestId } : {}),
          level: message.level,
          message: message.message,
        });
        return;
      }
      if (pooled.pending?.id !== message.id) return;
      if (message.type === 'started') pooled.pending.started();
      else if (message.ok) pooled.pending.settle({ kind: 'returned', payload: message.payload }, true);
      else pooled.pending.settle({ kind: 'threw', error: message.error }, !message.discard);
    });
    worker.on('error', (error) => {
      pooled.error = error;
    });
    worker.on('exit', (code) => {
      pooled.pending?.settle({ kind: 'exited', code, ...(pooled.error ? { error: pooled.error } : {}) }, false);
      this.forget(pooled);
    });
    return pooled;
  }

  private markBusy(w: PooledWorker): void {
    w.busy = true;
    w.lastUsed = Date.now();
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.idleTimer = undefined;
  }

  /** A healthy worker is done: hand it to a waiter for the same function, or keep it warm. */
  private release(w: PooledWorker): void {
    if (w.dead) return;
    const same = this.queue.findIndex((waiter) => waiter.job.key === w.key);
    if (same >= 0) {
      const [waiter] = this.queue.splice(same, 1);
      this.markBusy(w);
      waiter!.grant(w);
      return;
    }
    w.busy = false;
    w.lastUsed = Date.now();
    w.worker.unref();
    if (this.queue.length > 0) {
      // Someone is waiting for another function: this worker makes room for theirs.
      void this.kill(w);
      return;
    }
    w.idleTimer = setTimeout(() => void this.kill(w), this.idleMs);
    w.idleTimer.unref();
  }

  /** Terminates a worker; `drain`: let a waiting invocation have its place. */
  private kill(w: PooledWorker, drain = true): Promise<void> {
    if (w.dead) return Promise.resolve();
    const exited = w.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    this.forget(w, drain);
    return exited;
  }

  /** Takes a dead (or dying) worker out of the pool and lets a waiter have its place. */
  private forget(w: PooledWorker, drain = true): void {
    if (w.dead) return;
    w.dead = true;
    if (w.idleTimer) clearTimeout(w.idleTimer);
    this.workers.delete(w);
    while (drain && this.queue.length > 0 && !this.closed) {
      const waiter = this.queue[0]!;
      const ready = this.idleFor(waiter.job.key) ?? this.spawnIfRoom(waiter.job);
      if (!ready) break;
      this.queue.shift();
      waiter.grant(ready);
    }
  }
}

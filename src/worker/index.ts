/**
 * An activity worker: polls GetActivityTask, runs a handler on each task's input, heartbeats while
 * it runs, and reports SendTaskSuccess with its result or SendTaskFailure with the error it threw
 * (`error` = the error's name, `cause` = its message, like a Lambda function; a TaskFailure's own
 * error and cause). Stops cleanly on abort: no new polls, the tasks in hand are finished and reported.
 *
 *   const controller = new AbortController();
 *   const done = runActivityWorker({
 *     endpoint: 'http://127.0.0.1:8083',
 *     activityArn,
 *     handler: async (input, { heartbeat }) => ({ doubled: input.n * 2 }),
 *     signal: controller.signal,
 *   });
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Json } from '../json.js';
import { TaskFailure } from '../vocabulary/task-failure.js';
import { clientTransport, httpTransport, type Transport, type WorkerCredentials } from './transport.js';

export interface ActivityTaskContext {
  taskToken: string;
  workerName: string;
  /** Sends SendTaskHeartbeat now (the worker also sends them every `heartbeatIntervalMs`). */
  heartbeat(): Promise<void>;
  /**
   * Aborted when the task is gone (its state timed out, its execution stopped: a heartbeat was
   * answered TaskTimedOut) — give up, the result would be refused.
   */
  signal: AbortSignal;
}

export type ActivityHandler = (
  input: Json,
  context: ActivityTaskContext,
) => Promise<Json | undefined> | Json | undefined;

export interface ActivityWorkerOptions {
  /**
   * An `@aws-sdk/client-sfn` client (works against AWS too; needs that package installed), or
   * `endpoint`: a Stepwise URL, called over plain HTTP with no dependency.
   */
  client?: SFNClient;
  endpoint?: string;
  /** With `endpoint`: a key pair the server was given (`--credentials`); requests are then signed (SigV4). */
  credentials?: WorkerCredentials;
  /** The region to sign for (default us-east-1; the server's STEPWISE_REGION). */
  region?: string;
  activityArn: string;
  /** Shows in ActivityStarted events (default `stepwise-worker-<pid>`). */
  workerName?: string;
  handler: ActivityHandler;
  /** Tasks run at once, each with its own poll (default 1). */
  concurrency?: number;
  /** Heartbeats while a handler runs, every this many ms (default 10,000; 0 turns them off). */
  heartbeatIntervalMs?: number;
  /** Stops the worker: polls end, tasks in hand finish and are reported. */
  signal?: AbortSignal;
  /** Told about failures the worker carries on after (a poll or report that failed). */
  onError?: (error: unknown) => void;
}

/** Pause after a failed poll before the next one. */
const POLL_RETRY_MS = 1_000;

/** Runs until `signal` is aborted; resolves once every task in hand has been reported. */
export async function runActivityWorker(options: ActivityWorkerOptions): Promise<void> {
  let transport: Transport;
  if (options.client) transport = await clientTransport(options.client);
  else if (options.endpoint)
    transport = httpTransport(
      options.endpoint,
      options.credentials && { credentials: options.credentials, region: options.region ?? 'us-east-1' },
    );
  else throw new TypeError('runActivityWorker needs a client or an endpoint');
  const workerName = options.workerName ?? `stepwise-worker-${process.pid}`;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const signal = options.signal ?? new AbortController().signal;
  const report = (error: unknown) => options.onError?.(error);
  await Promise.all(Array.from({ length: concurrency }, () => pollLoop()));

  async function pollLoop(): Promise<void> {
    while (!signal.aborted) {
      let task: { taskToken?: string; input?: string };
      try {
        task = await transport.getActivityTask({ activityArn: options.activityArn, workerName }, signal);
      } catch (error) {
        if (signal.aborted) return;
        report(error);
        await sleep(POLL_RETRY_MS, signal);
        continue;
      }
      if (!task.taskToken) continue;
      await runTask(task.taskToken, task.input ?? '{}');
    }
  }

  async function runTask(taskToken: string, inputText: string): Promise<void> {
    const gone = new AbortController();
    const heartbeat = async () => {
      try {
        await transport.sendTaskHeartbeat({ taskToken });
      } catch (error) {
        if (isGone(error)) gone.abort();
        else report(error);
      }
    };
    const interval = options.heartbeatIntervalMs ?? 10_000;
    const timer = interval > 0 ? setInterval(() => void heartbeat(), interval) : undefined;
    let outcome: { ok: true; output: Json } | { ok: false; error: string; cause: string };
    try {
      const output = await options.handler(JSON.parse(inputText) as Json, {
        taskToken,
        workerName,
        heartbeat,
        signal: gone.signal,
      });
      outcome = { ok: true, output: output === undefined ? null : output };
    } catch (error) {
      outcome = { ok: false, ...failureOf(error) };
    } finally {
      if (timer) clearInterval(timer);
    }
    if (gone.signal.aborted) return;
    try {
      if (outcome.ok) await transport.sendTaskSuccess({ taskToken, output: JSON.stringify(outcome.output) });
      else
        await transport.sendTaskFailure({
          taskToken,
          error: outcome.error.slice(0, 256),
          cause: outcome.cause.slice(0, 32768),
        });
    } catch (error) {
      if (!isGone(error)) report(error);
    }
  }
}

function failureOf(error: unknown): { error: string; cause: string } {
  if (error instanceof TaskFailure) return { error: error.error, cause: error.cause ?? '' };
  if (error instanceof Error) return { error: error.name, cause: error.message };
  return { error: 'Error', cause: String(error) };
}

/** The task no longer exists (timed out, settled, execution ended): nothing to report to. */
function isGone(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TaskTimedOut' || name === 'TaskDoesNotExist';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * GetActivityTask: claim the oldest unclaimed task of the activity, record ActivityStarted, hand
 * out its token and input; with nothing to do, wait (long poll) until a task is scheduled, the
 * poll times out, or the caller goes away.
 */
import { awaitsTaskToken } from '../../interpreter/queries.js';
import { decodeInvokeTask } from '../../store/codecs.js';
import type { ClaimedTask, ExecutionStore } from '../../store/types.js';
import type { TaskCallbacks } from '../../engine/ports.js';
import type { ActivityQueue } from './queue.js';

export interface PollDependencies {
  store: ExecutionStore;
  /** Where polls wait to be woken when a task of their activity is scheduled. */
  queue: ActivityQueue;
  callbacks: TaskCallbacks;
  /** Epoch milliseconds, for the claim's timestamp. */
  now(): number;
}

export type PollResult =
  { kind: 'task'; taskToken: string; input: string } | { kind: 'none' } | { kind: 'tooManyPollers' };

/** How long to keep retrying ActivityStarted for a task whose step the engine has committed but not yet taken in. */
const START_RETRY_MS = 2_000;

export async function pollActivityTask(
  deps: PollDependencies,
  activityArn: string,
  workerName: string | undefined,
  signal?: AbortSignal,
): Promise<PollResult> {
  const queue = deps.queue;
  if (!queue.enter(activityArn)) return { kind: 'tooManyPollers' };
  const deadline = Date.now() + queue.settings.pollTimeoutMs;
  try {
    for (;;) {
      if (signal?.aborted || queue.isClosed) return { kind: 'none' };
      const wakeup = queue.arm(activityArn);
      const claimed = await deps.store.claimActivityTask(activityArn, workerName, deps.now());
      if (claimed) {
        wakeup.cancel();
        const handedOut = await handOut(deps, claimed, workerName, signal);
        if (handedOut) return handedOut;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        wakeup.cancel();
        return { kind: 'none' };
      }
      await waitFor(wakeup.promise, Math.min(remaining, queue.settings.recheckMs), signal);
      wakeup.cancel();
    }
  } finally {
    queue.leave(activityArn);
  }
}

/** Records ActivityStarted for a claimed task; undefined when the task is no longer awaited (it is dropped). */
async function handOut(
  deps: PollDependencies,
  claimed: ClaimedTask,
  workerName: string | undefined,
  signal?: AbortSignal,
): Promise<PollResult | undefined> {
  const decoded = decodeInvokeTask(claimed.command);
  const command = decoded.ok ? decoded.value : undefined;
  const token = command?.taskToken;
  if (command === undefined || token === undefined) return undefined;
  if (signal?.aborted) {
    // Nobody to give it to: put it back for the next worker.
    await deps.store.releaseActivityTask(claimed.executionArn, claimed.taskId);
    return { kind: 'none' };
  }
  const queue = deps.queue;
  if (!queue.settings.sharedStore) await queue.whenInvoked(claimed.executionArn, claimed.taskId, START_RETRY_MS);
  const giveUpAt = Date.now() + START_RETRY_MS;
  for (;;) {
    const result = await deps.callbacks.taskStarted(token, workerName);
    if (result === 'ok') return { kind: 'task', taskToken: token, input: JSON.stringify(command.parameters ?? {}) };
    // The store may be a step ahead of the engine's in-memory view (the commit that scheduled the
    // task is in, its actor not yet updated): retry while the committed state still awaits the token.
    const record = await deps.store.getExecution(claimed.executionArn);
    if (
      !record ||
      record.status !== 'RUNNING' ||
      !awaitsTaskToken(record.state, claimed.taskId, token) ||
      Date.now() > giveUpAt
    )
      return undefined;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function waitFor(wakeup: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    void wakeup.then(done);
  });
}

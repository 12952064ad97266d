/**
 * Where GetActivityTask long-polls wait. The queue itself is the outbox (one row per scheduled
 * task, claimed in the store); this only wakes the pollers of an activity when one of its tasks is
 * scheduled, so they claim it at once instead of at their next re-check. One per server, made by
 * server.ts and handed to the activity integration (which schedules) and the API (which polls).
 */

export interface ActivityPollSettings {
  /** How long GetActivityTask waits for a task before answering with no task (AWS: 60 s). */
  pollTimeoutMs: number;
  /** How often a waiting poll looks at the store even without a wake-up (tasks scheduled by another node). */
  recheckMs: number;
  /** Concurrent GetActivityTask calls per activity; more get ActivityWorkerLimitExceeded. */
  maxPollers: number;
  /**
   * Tasks may be scheduled by other nodes sharing the store (cluster): a poll does not wait for
   * this node's engine to have invoked the task it claimed before recording ActivityStarted.
   */
  sharedStore: boolean;
}

export const DEFAULT_POLL_SETTINGS: ActivityPollSettings = {
  pollTimeoutMs: 60_000,
  recheckMs: 1_000,
  maxPollers: 1_000,
  sharedStore: false,
};

/** A wake-up armed before looking at the store, so a task scheduled in between is not missed. */
export interface Wakeup {
  readonly promise: Promise<void>;
  cancel(): void;
}

export class ActivityQueue {
  settings: ActivityPollSettings;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly pollers = new Map<string, number>();
  /** Tasks the engine has invoked here (key: executionArn + taskId), and polls waiting for that. */
  private readonly invoked = new Set<string>();
  private readonly invokeWaiters = new Map<string, (() => void)[]>();
  private closed = false;

  constructor(settings: Partial<ActivityPollSettings> = {}) {
    this.settings = { ...DEFAULT_POLL_SETTINGS, ...withoutUndefined(settings) };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every waiting poll (they answer with no task) and answers new ones at once: the server is stopping. */
  close(): void {
    this.closed = true;
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  /** Wakes every poll waiting on the activity; they race to claim in the store. */
  notify(activityArn: string): void {
    const set = this.waiters.get(activityArn);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /**
   * The engine invoked the task: its execution is loaded and awaits it, so ActivityStarted can be
   * applied. (A row can be claimed a moment earlier, between its commit and the engine's invoke.)
   */
  invokedTask(executionArn: string, taskId: string): void {
    const key = `${executionArn}\u0000${taskId}`;
    if (this.invoked.size >= MAX_REMEMBERED) this.invoked.delete(this.invoked.values().next().value as string);
    this.invoked.add(key);
    for (const wake of this.invokeWaiters.get(key)?.splice(0) ?? []) wake();
    this.invokeWaiters.delete(key);
  }

  /** Resolves once the task has been invoked here, or after `timeoutMs` (it may run on another node). */
  async whenInvoked(executionArn: string, taskId: string, timeoutMs: number): Promise<void> {
    const key = `${executionArn}\u0000${taskId}`;
    if (this.invoked.delete(key)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      const list = this.invokeWaiters.get(key) ?? [];
      list.push(done);
      this.invokeWaiters.set(key, list);
    });
    this.invoked.delete(key);
    this.invokeWaiters.delete(key);
  }

  arm(activityArn: string): Wakeup {
    let set = this.waiters.get(activityArn);
    if (!set) {
      set = new Set();
      this.waiters.set(activityArn, set);
    }
    const waiters = set;
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      wake = () => {
        cancel();
        resolve();
      };
    });
    const cancel = () => {
      waiters.delete(wake);
      if (waiters.size === 0 && this.waiters.get(activityArn) === waiters) this.waiters.delete(activityArn);
    };
    waiters.add(wake);
    if (this.closed) wake();
    return { promise, cancel };
  }

  /** Counts a poller in; false when the activity already has the most it may have. */
  enter(activityArn: string): boolean {
    const count = this.pollers.get(activityArn) ?? 0;
    if (count >= this.settings.maxPollers) return false;
    this.pollers.set(activityArn, count + 1);
    return true;
  }

  leave(activityArn: string): void {
    const count = (this.pollers.get(activityArn) ?? 1) - 1;
    if (count <= 0) this.pollers.delete(activityArn);
    else this.pollers.set(activityArn, count);
  }
}

/** Invoked-task keys kept for polls that have not claimed them yet (tasks that time out unclaimed are forgotten oldest first). */
const MAX_REMEMBERED = 100_000;

function withoutUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Callers waiting for an execution to end (nested executions, mocks), told by the commit that ends it. */
import type { ExecutionRecord, ExecutionStore } from '../../store/types.js';

export class EndWaiters {
  /** Callers of `whenEnded`, by execution ARN. */
  private readonly waiters = new Map<string, Set<(record: ExecutionRecord) => void>>();

  constructor(private readonly store: ExecutionStore) {}

  /**
   * Resolves once the execution is no longer RUNNING (undefined if it does not exist, or `signal`
   * aborts first). `watch` looks again now and then, for ends another node commits.
   */
  whenEnded(
    executionArn: string,
    signal: AbortSignal | undefined,
    watch: (check: () => void) => (() => void) | undefined,
  ): Promise<ExecutionRecord | undefined> {
    return new Promise((resolve) => {
      let waiters = this.waiters.get(executionArn);
      if (!waiters) this.waiters.set(executionArn, (waiters = new Set()));
      const set = waiters;
      let done = (record: ExecutionRecord | undefined) => {
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(executionArn) === set) this.waiters.delete(executionArn);
        signal?.removeEventListener('abort', aborted);
        resolve(record);
      };
      const waiter = (record: ExecutionRecord) => done(record);
      const aborted = () => done(undefined);
      set.add(waiter);
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      // Registered first, then read: an end committed in between still reaches the waiter.
      const check = () =>
        void this.store.getExecution(executionArn).then(
          (record) => {
            if (!record) done(undefined);
            else if (record.status !== 'RUNNING') done(record);
          },
          () => done(undefined),
        );
      check();
      const unwatch = watch(check);
      if (unwatch) {
        const original = done;
        done = (record) => {
          unwatch();
          original(record);
        };
      }
    });
  }

  /** The execution's end was committed. */
  ended(record: ExecutionRecord): void {
    const waiters = this.waiters.get(record.arn);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter(record);
  }
}

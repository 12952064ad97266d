/**
 * Group commit: commits submitted while a transaction is in flight wait and go together in the
 * next one, so many executions' transitions share one fsync. Each submitter gets its own result.
 *
 * A batch isolates its members: when the store cannot write a batch (one member's state cannot be
 * serialised, say), the transaction leaves no trace, and each member is then committed alone, so
 * only the member at fault fails and every other commits. A member the store cannot serialise
 * (a value nested too deep for JSON.stringify, a string too long) fails with UnstorableCommitError,
 * which callers may answer as the caller's fault rather than an internal failure.
 */
import type { Commit, CommitResult, ExecutionStore } from '../store/types.js';

/** One commit the store could not serialise: its own fault, not the store's. */
export class UnstorableCommitError extends Error {
  constructor(
    readonly executionArn: string,
    cause: RangeError,
  ) {
    super(`The execution's state cannot be stored: ${cause.message}`, { cause });
    this.name = 'UnstorableCommitError';
  }
}

/** A lone member's error as its submitter sees it: a RangeError (stack or string length) is the member's own. */
function memberError(commit: Commit, error: unknown): unknown {
  return error instanceof RangeError ? new UnstorableCommitError(commit.execution.arn, error) : error;
}

interface Pending {
  commit: Commit;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

export class CommitQueue {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Largest batch seen, for metrics and benchmarks. */
  maxBatch = 0;
  batches = 0;
  /** Batches the store refused as a whole and whose members were then committed one by one. */
  isolatedBatches = 0;

  constructor(
    private readonly store: ExecutionStore,
    private readonly maxBatchSize = 500,
  ) {}

  submit(commit: Commit): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ commit, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Resolves once everything submitted so far is committed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Let the submitters of this turn of the event loop join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatchSize);
      this.maxBatch = Math.max(this.maxBatch, batch.length);
      this.batches++;
      try {
        const results = await this.store.commit(batch.map((p) => p.commit));
        batch.forEach((p, i) => p.resolve(results[i] ?? 'conflict'));
      } catch (e) {
        if (batch.length === 1) batch[0]!.reject(memberError(batch[0]!.commit, e));
        else await this.commitAlone(batch);
      }
    }
    this.flushing = undefined;
  }

  /** After a failed batch: each member in a transaction of its own, its own result or error. */
  private async commitAlone(batch: Pending[]): Promise<void> {
    this.isolatedBatches++;
    for (const p of batch) {
      try {
        const [result] = await this.store.commit([p.commit]);
        p.resolve(result ?? 'conflict');
      } catch (e) {
        p.reject(memberError(p.commit, e));
      }
    }
  }
}

/**
 * Group commit: commits submitted while a transaction is in flight wait and go together in the
 * next one, so many executions' transitions share one fsync. Each submitter gets its own result.
 *
 * A batch isolates its members: when the store cannot write a batch (one member's state cannot be
 * serialised, say), the transaction leaves no trace, and each member is then committed alone, so
 * only the member at fault fails and every other commits.
 */
import type { Commit, CommitResult, ExecutionStore } from '../store/types.js';

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
        if (batch.length === 1) batch[0]!.reject(e);
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
        p.reject(e);
      }
    }
  }
}

/**
 * Group commit: commits submitted while a transaction is in flight wait and go together in the
 * next one, so many executions' transitions share one fsync. Each submitter gets its own result.
 *
 * A batch isolates its members: when the store cannot write a batch (one member's state cannot be
 * serialised, say), the transaction leaves no trace, and each member is then committed alone, so
 * only the member at fault fails and every other commits.
 *
 * A store fault (disk full, I/O error, connection lost: ../store/faults.ts) is not any member's
 * fault: the batch is held and probed again with exponential backoff until the store recovers.
 * Steps of executions already started are held and commit on recovery; a new execution's first
 * commit is refused at once (503 ServiceUnavailable), as is every new one while the store is faulted.
 * A member the store cannot serialise (a value nested too deep for JSON.stringify, a string too
 * long) fails with UnstorableCommitError, which callers may answer as the caller's fault.
 */
import { classifyStoreFault, StoreHealth } from '../store/faults.js';
import type { Commit, CommitResult, ExecutionStore } from '../store/types.js';
import type { CommitOutbox, EngineObserver, ObservedExecution } from './observer.js';

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
  /** Set by giveUpHeld(): held work is refused instead of probed again, and the wait for a probe ends. */
  private givingUp: (() => void) | undefined;
  private readonly gaveUp = new Promise<void>((resolve) => (this.givingUp = resolve));
  private closing = false;
  /** Told of each batch and of each committed step's history events (metrics, logs). */
  observer: EngineObserver | undefined;
  /** Adds each commit's outbox messages (status change events) before it is written. */
  outbox: CommitOutbox | undefined;

  constructor(
    private readonly store: ExecutionStore,
    private readonly maxBatchSize = 500,
    readonly health: StoreHealth = new StoreHealth(undefined),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  submit(commit: Commit): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      const unavailable = isNewExecution(commit) ? this.health.refuse() : undefined;
      if (unavailable) return reject(unavailable);
      if (this.outbox) {
        const messages = this.outbox.messagesFor(commit);
        if (messages.length > 0) commit.outbox = messages;
        else delete commit.outbox;
      }
      this.pending.push({ commit, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /**
   * The engine is stopping: work held on a faulted store is refused after its current attempt
   * instead of waiting for the store (up to 10 s per probe, for ever on a full disk), so a stop
   * ends. Nothing is lost: the held steps were never committed, and recovery runs them again as
   * after a crash.
   */
  giveUpHeld(): void {
    this.closing = true;
    this.givingUp?.();
  }

  /** Resolves once everything submitted so far is committed (or given up, see giveUpHeld). */
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
      const started = performance.now();
      try {
        const results = await this.store.commit(batch.map((p) => p.commit));
        this.observer?.commitBatch?.(batch.length, performance.now() - started, true);
        this.health.ok();
        batch.forEach((p, i) => {
          const result = results[i] ?? 'conflict';
          if (result === 'ok') this.committed(p.commit);
          p.resolve(result);
        });
      } catch (e) {
        this.observer?.commitBatch?.(batch.length, performance.now() - started, false);
        const fault = classifyStoreFault(e);
        if (fault) await this.hold(batch, fault);
        else if (batch.length === 1) batch[0]!.reject(memberError(batch[0]!.commit, e));
        else await this.commitAlone(batch);
      }
    }
    this.flushing = undefined;
  }

  /** The store is faulted: refuse new executions, put the rest back in front, wait before the probe. */
  private async hold(batch: Pending[], fault: NonNullable<ReturnType<typeof classifyStoreFault>>): Promise<void> {
    const delay = this.health.faulted(fault);
    const unavailable = this.health.unavailable()!;
    const held: Pending[] = [];
    for (const p of batch) {
      if (isNewExecution(p.commit)) p.reject(unavailable);
      else held.push(p);
    }
    if (this.closing) {
      for (const p of [...held, ...this.pending.splice(0)]) p.reject(unavailable);
      return;
    }
    this.pending.unshift(...held);
    if (this.pending.length > 0) await Promise.race([this.sleep(delay), this.gaveUp]);
  }

  /** A step is durable: its history events are told to the observer. */
  private committed(commit: Commit): void {
    if (commit.outbox && commit.outbox.length > 0) this.outbox?.committed();
    if (commit.events.length === 0 || !this.observer?.executionEvents) return;
    this.observer.executionEvents(observedExecution(commit.execution), commit.events);
  }

  /** After a failed batch: each member in a transaction of its own, its own result or error. */
  private async commitAlone(batch: Pending[]): Promise<void> {
    this.isolatedBatches++;
    for (const p of batch) {
      try {
        const [result] = await this.store.commit([p.commit]);
        if (result === 'ok') this.committed(p.commit);
        p.resolve(result ?? 'conflict');
      } catch (e) {
        const fault = classifyStoreFault(e);
        if (fault) {
          this.health.faulted(fault);
          if (isNewExecution(p.commit)) p.reject(this.health.unavailable());
          else this.pending.unshift(p);
        } else p.reject(memberError(p.commit, e));
      }
    }
  }
}

/** The execution a commit is of, as observers see it. */
export function observedExecution(record: Commit['execution']): ObservedExecution {
  return {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    type: 'STANDARD',
    startDate: record.startDate,
    redriveCount: record.redriveCount,
    ...(record.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: record.stateMachineVersionArn } : {}),
  };
}

/** The first commit of an execution: nobody has been told it exists, so refusing it loses nothing. */
function isNewExecution(commit: Commit): boolean {
  return commit.expectedVersion === 0;
}

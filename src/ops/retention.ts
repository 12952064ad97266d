/**
 * Retention: finished executions (and their history, timers, tasks) are deleted once they stopped
 * longer ago than the retention period, as AWS forgets closed Standard executions after 90 days.
 * A sweep deletes small batches with a pause between them, so commits of running executions (on
 * SQLite, one writer) go in between and never wait long; it runs at start and then periodically.
 */
import type { Logger } from 'pino';
import type { ExecutionStore } from '../store/types.js';

export const DAY_MS = 86_400_000;
/** AWS's: closed Standard executions are kept 90 days. */
export const DEFAULT_RETENTION_DAYS = 90;

export interface RetentionOptions {
  store: Pick<ExecutionStore, 'deleteExecutionsStoppedBefore'>;
  /** Executions that stopped longer ago than this are deleted (fractions allowed). */
  days: number;
  /** Between sweeps (default an hour). */
  intervalMs?: number;
  /** Executions deleted per transaction (default 20). */
  batch?: number;
  /** Pause between two batches of a sweep (default 50 ms). */
  pauseMs?: number;
  log?: Logger;
  now?: () => number;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;
  /** Executions deleted since start. */
  deleted = 0;

  constructor(private readonly options: RetentionOptions) {}

  /** The first sweep soon after start (not in the way of recovery), then one per interval. */
  start(firstDelayMs = 1000): void {
    this.schedule(firstDelayMs);
  }

  /** One sweep now: every execution past the period, batch after batch. */
  sweep(): Promise<void> {
    return (this.sweeping ??= this.run().finally(() => (this.sweeping = undefined)));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sweeping;
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => this.schedule(this.options.intervalMs ?? 3_600_000));
    }, delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const { store, days, log } = this.options;
    const batch = this.options.batch ?? 20;
    const cutoff = (this.options.now ?? Date.now)() - days * DAY_MS;
    let swept = 0;
    try {
      while (!this.closed) {
        const n = await store.deleteExecutionsStoppedBefore(cutoff, batch);
        swept += n;
        if (n < batch) break;
        await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs ?? 50));
      }
    } catch (err) {
      log?.warn({ err }, 'deleting executions past the retention period failed; the next sweep tries again');
    }
    this.deleted += swept;
    if (swept > 0) log?.info({ deleted: swept, retentionDays: days }, 'deleted executions past the retention period');
  }
}

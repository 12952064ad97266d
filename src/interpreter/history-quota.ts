/**
 * The history quotas of one step (RunOptions): the number of events (AWS's 25,000 for Standard)
 * and the bytes of events held (as JSON, for runs that keep them in memory). Past either, the run
 * throws, and the step fails the execution with States.Runtime (./step.ts).
 */
import { HistoryBytesLimitReached, HistoryLimitReached } from '../vocabulary/states-errors.js';
import type { RunOptions } from './types.js';

export class HistoryQuota {
  private bytes = 0;

  constructor(private readonly options: Pick<RunOptions, 'historyLimit' | 'historyBytes'>) {}

  /** Before the event with this id is written. */
  beforeEvent(id: number): void {
    const limit = this.options.historyLimit;
    if (limit !== undefined && id >= limit) throw new HistoryLimitReached();
  }

  /** An event was written and is held. */
  held(event: object): void {
    const quota = this.options.historyBytes;
    if (!quota) return;
    try {
      this.bytes += Buffer.byteLength(JSON.stringify(event));
    } catch {
      // Too deep to serialise: not measured here (nesting depth is bounded at the edge).
    }
    if (quota.used + this.bytes > quota.limit) throw new HistoryBytesLimitReached(quota.limit);
  }
}

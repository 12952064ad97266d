/**
 * DescribeMapRun's counts, as AWS reports them: items and child executions by status, from the
 * finished children the store counts and the progress the run stores.
 */
import type { MapRunChildCount, MapRunRecord } from '../../store/types.js';
import { detailOf } from './progress.js';

export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable: number;
  pendingRedrive: number;
}

export function mapRunCounts(
  record: MapRunRecord,
  finished: MapRunChildCount[],
): { itemCounts: MapRunCounts; executionCounts: MapRunCounts } {
  const detail = detailOf(record);
  const count = (unit: 'items' | 'children', started: number, read: number, known = 0): MapRunCounts => {
    const of = (status: MapRunChildCount['status']) => finished.find((f) => f.status === status)?.[unit] ?? 0;
    const succeeded = of('SUCCEEDED');
    const failed = of('FAILED');
    const timedOut = of('TIMED_OUT');
    const aborted = of('ABORTED');
    const done = succeeded + failed + timedOut + aborted;
    const ended = record.status !== 'RUNNING';
    const running = ended ? 0 : Math.max(0, started - done);
    const total = Math.max(read, known, done + running);
    // Children never started because the run ended first count as aborted, as AWS counts them.
    const notStarted = Math.max(0, total - done - running);
    return {
      pending: ended ? 0 : notStarted,
      running,
      succeeded,
      failed,
      timedOut,
      aborted: aborted + (ended ? notStarted : 0),
      total,
      resultsWritten: record.status === 'SUCCEEDED' ? done : 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    };
  };
  return {
    itemCounts: count('items', detail.itemsStarted, detail.itemsRead, detail.itemsKnown),
    executionCounts: count('children', detail.childrenStarted, detail.childrenRead),
  };
}

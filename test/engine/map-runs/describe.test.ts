/** DescribeMapRun's counts from a run's stored progress and the finished children the store counts. */
import { describe, expect, it } from 'vitest';
import { mapRunCounts } from '../../../src/engine/map-runs/describe.js';
import type { MapRunDetail } from '../../../src/engine/map-runs/progress.js';
import type { MapRunChildCount, MapRunRecord } from '../../../src/store/types.js';

function run(status: MapRunRecord['status'], detail: Partial<MapRunDetail>): MapRunRecord {
  const progress: MapRunDetail = {
    itemsRead: 0,
    childrenRead: 0,
    itemsStarted: 0,
    childrenStarted: 0,
    readerDone: false,
    ...detail,
  };
  return {
    arn: 'arn:aws:states:us-east-1:123456789012:mapRun:m/Map:1',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m/Map',
    status,
    startDate: 0,
    maxConcurrency: 2,
    toleratedFailurePercentage: 0,
    toleratedFailureCount: 0,
    redriveCount: 0,
    detail: progress,
  };
}

const finished = (status: MapRunChildCount['status'], children: number, items = children): MapRunChildCount => ({
  status,
  children,
  items,
});

describe('DescribeMapRun counts', () => {
  it('running is what started and has not finished; the rest of the items read are pending', () => {
    const { itemCounts, executionCounts } = mapRunCounts(
      run('RUNNING', { itemsRead: 6, childrenRead: 6, itemsStarted: 5, childrenStarted: 5 }),
      [finished('SUCCEEDED', 2), finished('FAILED', 1)],
    );
    expect(executionCounts).toMatchObject({ running: 2, succeeded: 2, failed: 1, pending: 1, total: 6 });
    expect(itemCounts).toMatchObject({ running: 2, pending: 1, total: 6 });
  });

  it('inline items are all counted from the start: the ones not read yet are pending', () => {
    const { itemCounts } = mapRunCounts(
      run('RUNNING', { itemsRead: 2, childrenRead: 2, itemsStarted: 1, childrenStarted: 1, itemsKnown: 3 }),
      [],
    );
    expect(itemCounts).toMatchObject({ pending: 2, running: 1, total: 3 });
  });

  it('when the run has ended, the children never started count as aborted and nothing runs', () => {
    const { itemCounts } = mapRunCounts(
      run('FAILED', { itemsRead: 4, childrenRead: 4, itemsStarted: 3, childrenStarted: 3, itemsKnown: 10 }),
      [finished('FAILED', 3)],
    );
    expect(itemCounts).toMatchObject({ pending: 0, running: 0, failed: 3, aborted: 7, total: 10 });
  });

  it('batches count children and items apart', () => {
    const { itemCounts, executionCounts } = mapRunCounts(
      run('SUCCEEDED', { itemsRead: 250, childrenRead: 3, itemsStarted: 250, childrenStarted: 3, readerDone: true }),
      [finished('SUCCEEDED', 3, 250)],
    );
    expect(executionCounts).toMatchObject({ succeeded: 3, total: 3, resultsWritten: 3 });
    expect(itemCounts).toMatchObject({ succeeded: 250, total: 250, resultsWritten: 250 });
  });
});

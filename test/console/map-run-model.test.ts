import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../console/src/api.js';
import {
  finishedOf,
  mapRunArns,
  mapRunLabel,
  progressSegments,
  updateRequest,
  type MapRunCounts,
} from '../../console/src/map-run-model.js';

const counts = (some: Partial<MapRunCounts>): MapRunCounts => ({
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
  ...some,
});

const RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0f4c1d2e-aaaa-bbbb-cccc-123456789abc';

describe('the Map Run progress bar', () => {
  it('has a segment per status with a count, finished ones first, as wide as its share of the total', () => {
    const segments = progressSegments(counts({ succeeded: 5, failed: 2, running: 1, pending: 2, total: 10 }));
    expect(segments).toEqual([
      { key: 'succeeded', count: 5, percent: 50 },
      { key: 'failed', count: 2, percent: 20 },
      { key: 'running', count: 1, percent: 10 },
      { key: 'pending', count: 2, percent: 20 },
    ]);
  });

  it('leaves out the overlapping counts (results written, pending redrive): the segments never pass the whole bar', () => {
    const segments = progressSegments(
      counts({ succeeded: 3, failed: 1, total: 4, resultsWritten: 4, pendingRedrive: 1 }),
    );
    expect(segments.map((s) => s.key)).toEqual(['succeeded', 'failed']);
    expect(segments.reduce((n, s) => n + s.percent, 0)).toBe(100);
  });

  it('measures against the counts’ sum when the total is behind it (a run still reading its items)', () => {
    const segments = progressSegments(counts({ succeeded: 1, running: 3, total: 2 }));
    expect(segments.map((s) => s.percent)).toEqual([25, 75]);
  });

  it('is empty before anything is counted', () => {
    expect(progressSegments(counts({}))).toEqual([]);
    expect(progressSegments(undefined)).toEqual([]);
  });

  it('counts as finished what succeeded, failed, timed out or was aborted', () => {
    expect(
      finishedOf(counts({ succeeded: 2, failed: 1, timedOut: 1, aborted: 1, running: 2, pending: 3, total: 10 })),
    ).toEqual({
      done: 5,
      total: 10,
    });
  });
});

describe('the Map Runs an execution started', () => {
  const event = (id: number, type: string, details?: Record<string, unknown>): HistoryEvent => ({
    id,
    timestamp: id,
    type,
    ...(details ? { mapRunStartedEventDetails: details } : {}),
  });

  it('are read from its MapRunStarted events, in order, each once', () => {
    const other = RUN.replace('0f4c1d2e', '11111111');
    const events = [
      event(1, 'ExecutionStarted'),
      event(2, 'MapRunStarted', { mapRunArn: RUN }),
      event(3, 'MapRunFailed'),
      event(4, 'MapRunRedriven'),
      event(5, 'MapRunStarted', { mapRunArn: other }),
      event(6, 'MapRunStarted', { mapRunArn: RUN }),
    ];
    expect(mapRunArns(events)).toEqual([RUN, other]);
  });

  it('are named by their Map’s label and id', () => {
    expect(mapRunLabel(RUN)).toBe('Fan:0f4c1d2e-aaaa-bbbb-cccc-123456789abc');
    expect(mapRunLabel('not an arn')).toBe('not an arn');
  });
});

describe('the Update form’s request', () => {
  const blank = { maxConcurrency: '', toleratedFailureCount: '', toleratedFailurePercentage: '' };

  it('sends the fields filled in, as numbers, and leaves the blank ones out', () => {
    expect(updateRequest(RUN, { ...blank, maxConcurrency: ' 5 ', toleratedFailurePercentage: '12.5' })).toEqual({
      body: { mapRunArn: RUN, maxConcurrency: 5, toleratedFailurePercentage: 12.5 },
    });
  });

  it('passes out-of-range numbers on for the server to refuse', () => {
    expect(updateRequest(RUN, { ...blank, toleratedFailurePercentage: '150' })).toEqual({
      body: { mapRunArn: RUN, toleratedFailurePercentage: 150 },
    });
  });

  it('answers an empty form and text that is not a number itself', () => {
    expect(updateRequest(RUN, blank)).toEqual({
      error: 'Give at least one of MaxConcurrency, ToleratedFailureCount or ToleratedFailurePercentage.',
    });
    expect(updateRequest(RUN, { ...blank, toleratedFailureCount: 'many' })).toEqual({
      error: 'ToleratedFailureCount must be a number, not “many”.',
    });
  });
});

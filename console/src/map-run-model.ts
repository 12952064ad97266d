/**
 * What the Map Run page shows, computed from DescribeMapRun and the parent's history without the
 * DOM: the progress bar's segments (items or child executions by status), the runs a history
 * started, a Map Run's name, and UpdateMapRun's request from the form's text. Pure.
 */
import { parseStatesArn } from '../../src/vocabulary/arn.js';
import type { MapRunCounts } from '../../src/engine/map-runs/describe.js';
import type { HistoryEvent } from './api.js';

export type { MapRunCounts };

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface MapRun {
  mapRunArn: string;
  executionArn: string;
  status: MapRunStatus;
  startDate: number;
  stopDate?: number;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
  redriveCount?: number;
  redriveDate?: number;
}

/** The counts that do not overlap, in the bar's order: finished first, then the rest. */
export const segmentKeys = ['succeeded', 'failed', 'timedOut', 'aborted', 'running', 'pending'] as const;
export type SegmentKey = (typeof segmentKeys)[number];

export const segmentLabels: Record<SegmentKey, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  timedOut: 'Timed out',
  aborted: 'Aborted',
  running: 'Running',
  pending: 'Pending',
};

export interface Segment {
  key: SegmentKey;
  count: number;
  /** Width in percent of the bar, 0 to 100. */
  percent: number;
}

/**
 * The bar's segments: one per status with a count (none for zero), each as wide as its share of
 * the total (or of the counts' sum, when that is larger: a run still reading its items).
 */
export function progressSegments(counts: MapRunCounts | undefined): Segment[] {
  if (!counts) return [];
  const sum = segmentKeys.reduce((n, key) => n + counts[key], 0);
  const whole = Math.max(counts.total, sum);
  if (whole === 0) return [];
  return segmentKeys
    .filter((key) => counts[key] > 0)
    .map((key) => ({ key, count: counts[key], percent: (counts[key] / whole) * 100 }));
}

/** How many have ended (succeeded, failed, timed out or aborted), of how many. */
export function finishedOf(counts: MapRunCounts | undefined): { done: number; total: number } {
  if (!counts) return { done: 0, total: 0 };
  const done = counts.succeeded + counts.failed + counts.timedOut + counts.aborted;
  return { done, total: Math.max(counts.total, done + counts.running + counts.pending) };
}

/** The Map Runs a history started (MapRunStarted), in order, each once (a redrive starts none). */
export function mapRunArns(events: readonly HistoryEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    if (event.type !== 'MapRunStarted') continue;
    const details = event.mapRunStartedEventDetails as { mapRunArn?: unknown } | undefined;
    const arn = details?.mapRunArn;
    if (typeof arn === 'string' && !out.includes(arn)) out.push(arn);
  }
  return out;
}

/** "arn:...:mapRun:orders/Fan:1b2c…" → "Fan:1b2c…" (the Map's label and the run's id). */
export function mapRunLabel(arn: string): string {
  const parsed = parseStatesArn(arn);
  if (!parsed.ok || parsed.arn.kind !== 'mapRun') return arn;
  return parsed.arn.mapLabel ? `${parsed.arn.mapLabel}:${parsed.arn.id}` : parsed.arn.id;
}

export interface UpdateForm {
  maxConcurrency: string;
  toleratedFailureCount: string;
  toleratedFailurePercentage: string;
}

/**
 * UpdateMapRun's body from the form: blank fields are left out, the others sent as numbers for
 * the server to judge (its ValidationException is what the user sees). Text that is not a number
 * at all, or a form with nothing in it, is answered here.
 */
export function updateRequest(
  mapRunArn: string,
  form: UpdateForm,
): { body: Record<string, unknown> } | { error: string } {
  const body: Record<string, unknown> = { mapRunArn };
  const labels: Record<keyof UpdateForm, string> = {
    maxConcurrency: 'MaxConcurrency',
    toleratedFailureCount: 'ToleratedFailureCount',
    toleratedFailurePercentage: 'ToleratedFailurePercentage',
  };
  for (const key of Object.keys(labels) as (keyof UpdateForm)[]) {
    const text = form[key].trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) return { error: `${labels[key]} must be a number, not “${text}”.` };
    body[key] = value;
  }
  if (Object.keys(body).length === 1)
    return { error: 'Give at least one of MaxConcurrency, ToleratedFailureCount or ToleratedFailurePercentage.' };
  return { body };
}

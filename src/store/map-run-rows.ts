/** Map Run and Map Run child rows (migration 0009) and their records: the same in SQLite and PostgreSQL. */
import type { Json } from '../json.js';
import type { MapRunChildCount, MapRunChildRecord, MapRunRecord, MapRunStatus } from './types.js';

export interface MapRunRow {
  arn: string;
  execution_arn: string;
  state_machine_arn: string;
  status: string;
  start_date: number;
  stop_date: number | null;
  max_concurrency: number;
  tolerated_failure_percentage: number;
  tolerated_failure_count: number;
  redrive_count: number;
  redrive_date: number | null;
  /** JSON text. */
  detail: string;
}

export interface MapRunChildRow {
  map_run_arn: string;
  child_index: number;
  execution_arn: string;
  status: string;
  item_count: number;
  result: string;
}

/** A count row; PostgreSQL's count(*) and sum() are bigints (read as numbers by the store's parser). */
export interface MapRunChildCountRow {
  status: string;
  children: number | string;
  items: number | string;
}

export const mapRunToRow = (r: MapRunRecord): MapRunRow => ({
  arn: r.arn,
  execution_arn: r.executionArn,
  state_machine_arn: r.stateMachineArn,
  status: r.status,
  start_date: r.startDate,
  stop_date: r.stopDate ?? null,
  max_concurrency: r.maxConcurrency,
  tolerated_failure_percentage: r.toleratedFailurePercentage,
  tolerated_failure_count: r.toleratedFailureCount,
  redrive_count: r.redriveCount,
  redrive_date: r.redriveDate ?? null,
  detail: JSON.stringify(r.detail),
});

export function mapRunFromRow(row: MapRunRow): MapRunRecord {
  const record: MapRunRecord = {
    arn: row.arn,
    executionArn: row.execution_arn,
    stateMachineArn: row.state_machine_arn,
    status: row.status as MapRunStatus,
    startDate: Number(row.start_date),
    maxConcurrency: Number(row.max_concurrency),
    toleratedFailurePercentage: Number(row.tolerated_failure_percentage),
    toleratedFailureCount: Number(row.tolerated_failure_count),
    redriveCount: Number(row.redrive_count),
    detail: JSON.parse(row.detail) as Json,
  };
  if (row.stop_date !== null) record.stopDate = Number(row.stop_date);
  if (row.redrive_date !== null) record.redriveDate = Number(row.redrive_date);
  return record;
}

export const mapRunChildToRow = (c: MapRunChildRecord): MapRunChildRow => ({
  map_run_arn: c.mapRunArn,
  child_index: c.index,
  execution_arn: c.executionArn,
  status: c.status,
  item_count: c.itemCount,
  result: c.result,
});

export const mapRunChildFromRow = (row: MapRunChildRow): MapRunChildRecord => ({
  mapRunArn: row.map_run_arn,
  index: Number(row.child_index),
  executionArn: row.execution_arn,
  status: row.status as MapRunChildRecord['status'],
  itemCount: Number(row.item_count),
  result: row.result,
});

export const mapRunChildCountFromRow = (row: MapRunChildCountRow): MapRunChildCount => ({
  status: row.status as MapRunChildCount['status'],
  children: Number(row.children),
  items: Number(row.items),
});

/** The last child given for each index: a batch naming one index twice keeps the last, as a loop of upserts would. */
export function lastPerIndex(children: readonly MapRunChildRecord[]): MapRunChildRecord[] {
  return [...new Map(children.map((c) => [`${c.mapRunArn}\u0000${c.index}`, c])).values()];
}

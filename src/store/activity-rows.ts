/** Activity and claimed-task rows (migration 0002) and their records: the same in SQLite and PostgreSQL. */
import { taskFromRow, type TaskRow } from './rows.js';
import type { ActivityRecord, ClaimedTask } from './types.js';

export interface ActivityRow {
  arn: string;
  name: string;
  creation_date: number;
}

export interface ClaimedTaskRow extends TaskRow {
  claimed_by: string | null;
  claimed_at: number;
}

export const activityToRow = (a: ActivityRecord): ActivityRow => ({
  arn: a.arn,
  name: a.name,
  creation_date: a.creationDate,
});

export const activityFromRow = (row: ActivityRow): ActivityRecord => ({
  arn: row.arn,
  name: row.name,
  creationDate: row.creation_date,
});

export const claimedTaskFromRow = (row: ClaimedTaskRow): ClaimedTask => ({
  ...taskFromRow(row),
  claimedAt: row.claimed_at,
  ...(row.claimed_by !== null ? { claimedBy: row.claimed_by } : {}),
});

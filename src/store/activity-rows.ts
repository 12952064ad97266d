/** Activity and claimed-task rows (migration 0002) and their records: the same in SQLite and PostgreSQL. */
import { encryptionFromColumn, encryptionToColumn, taskFromRow, type TaskRow } from './rows.js';
import type { ActivityRecord, ClaimedTask } from './types.js';

export interface ActivityRow {
  arn: string;
  name: string;
  creation_date: number;
  encryption_configuration: string | null;
}

export interface ClaimedTaskRow extends TaskRow {
  claimed_by: string | null;
  claimed_at: number;
}

export const activityToRow = (a: ActivityRecord): ActivityRow => ({
  arn: a.arn,
  name: a.name,
  creation_date: a.creationDate,
  encryption_configuration: encryptionToColumn(a.encryptionConfiguration),
});

export const activityFromRow = (row: ActivityRow): ActivityRecord => {
  const encryptionConfiguration = encryptionFromColumn(row.encryption_configuration);
  return {
    arn: row.arn,
    name: row.name,
    creationDate: row.creation_date,
    ...(encryptionConfiguration !== undefined ? { encryptionConfiguration } : {}),
  };
};

export const claimedTaskFromRow = (row: ClaimedTaskRow): ClaimedTask => ({
  ...taskFromRow(row),
  claimedAt: row.claimed_at,
  ...(row.claimed_by !== null ? { claimedBy: row.claimed_by } : {}),
});

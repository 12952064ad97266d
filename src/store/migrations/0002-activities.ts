import type { Migration } from './migration.js';

/**
 * Activities, and activity tasks claimed by workers. An activity task is its outbox row (`tasks`):
 * GetActivityTask claims the oldest unclaimed row of the activity by setting `claimed_at` (and the
 * worker's name), in one statement, so two pollers never get the same task. The row leaves the
 * outbox when the task's result is committed, as every outbox row does. Activity tags live in `tags`.
 */
export const activities: Migration = {
  id: 2,
  name: 'activities',
  sqlite: `
CREATE TABLE activities (
  arn           TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  creation_date INTEGER NOT NULL
);
CREATE INDEX activities_by_creation ON activities (creation_date, arn);

ALTER TABLE tasks ADD COLUMN claimed_by TEXT;
ALTER TABLE tasks ADD COLUMN claimed_at INTEGER;
-- The queue of each activity: its unclaimed rows, oldest first.
CREATE INDEX tasks_unclaimed_by_resource ON tasks (resource, created_at, execution_arn, task_id)
  WHERE claimed_at IS NULL;
`,
  // Claiming on PostgreSQL:
  //   UPDATE tasks SET claimed_by = $2, claimed_at = $3
  //    WHERE (execution_arn, task_id) = (SELECT execution_arn, task_id FROM tasks
  //            WHERE resource = $1 AND claimed_at IS NULL
  //            ORDER BY created_at, execution_arn, task_id LIMIT 1 FOR UPDATE SKIP LOCKED)
  //   RETURNING *
  postgres: `
CREATE TABLE activities (
  arn           TEXT COLLATE "C" PRIMARY KEY,
  name          TEXT COLLATE "C" NOT NULL,
  creation_date BIGINT NOT NULL
);
CREATE INDEX activities_by_creation ON activities (creation_date, arn);

ALTER TABLE tasks ADD COLUMN claimed_by TEXT;
ALTER TABLE tasks ADD COLUMN claimed_at BIGINT;
CREATE INDEX tasks_unclaimed_by_resource ON tasks (resource, created_at, execution_arn, task_id)
  WHERE claimed_at IS NULL;
`,
};

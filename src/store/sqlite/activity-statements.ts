/** The SQL behind activities and activity-task claims (migration 0002), prepared once per connection. */
import type { Database, RunResult } from 'better-sqlite3';
import type { ActivityRow, ClaimedTaskRow } from '../activity-rows.js';

interface Stmt<P extends unknown[], R> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

const prepare = <P extends unknown[], R = unknown>(db: Database, sql: string): Stmt<P, R> =>
  db.prepare(sql) as unknown as Stmt<P, R>;

export function prepareActivityStatements(db: Database) {
  return {
    insertActivity: prepare<[ActivityRow]>(
      db,
      `INSERT INTO activities (arn, name, creation_date, encryption_configuration)
       VALUES (@arn, @name, @creation_date, @encryption_configuration) ON CONFLICT (arn) DO NOTHING`,
    ),
    getActivity: prepare<[string], ActivityRow>(
      db,
      'SELECT arn, name, creation_date, encryption_configuration FROM activities WHERE arn = ?',
    ),
    deleteActivity: prepare<[string]>(db, 'DELETE FROM activities WHERE arn = ?'),
    deleteTags: prepare<[string]>(db, 'DELETE FROM tags WHERE resource_arn = ?'),
    listActivities: prepare<[number], ActivityRow>(
      db,
      'SELECT arn, name, creation_date, encryption_configuration FROM activities ORDER BY creation_date, arn LIMIT ?',
    ),
    listActivitiesAfter: prepare<[number, string, number], ActivityRow>(
      db,
      'SELECT arn, name, creation_date, encryption_configuration FROM activities WHERE (creation_date, arn) > (?, ?) ORDER BY creation_date, arn LIMIT ?',
    ),
    /** One statement: the oldest unclaimed row of the activity is claimed and returned, or nothing. */
    claimTask: prepare<[string | null, number, string], ClaimedTaskRow>(
      db,
      `UPDATE tasks SET claimed_by = ?, claimed_at = ?
        WHERE (execution_arn, task_id) = (
          SELECT execution_arn, task_id FROM tasks
           WHERE resource = ? AND claimed_at IS NULL
           ORDER BY created_at, execution_arn, task_id LIMIT 1)
       RETURNING execution_arn, task_id, resource, command, created_at, claimed_by, claimed_at`,
    ),
    releaseTask: prepare<[string, string]>(
      db,
      'UPDATE tasks SET claimed_by = NULL, claimed_at = NULL WHERE execution_arn = ? AND task_id = ?',
    ),
  };
}

export type ActivityStatements = ReturnType<typeof prepareActivityStatements>;

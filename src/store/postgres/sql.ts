/**
 * The SQL the PostgreSQL store runs. Values are always bound parameters ($1, $2, ...); the only SQL
 * assembled at run time is ListExecutions' WHERE clause, from fixed fragments.
 *
 * JSONB columns are read back as text (`col::text`), so rows have the same shape as SQLite's and
 * share its record mapping (../rows.ts); they are written as JSON text cast to jsonb.
 */
import type { ExecutionFilter } from '../types.js';

export const STATE_MACHINE_SELECT =
  'arn, name, type, definition, role_arn, description, logging_configuration::text, tracing_configuration::text, encryption_configuration, status, creation_date, update_date, revision_id';
export const VERSION_SELECT =
  'arn, state_machine_arn, version, definition, role_arn, description, logging_configuration::text, tracing_configuration::text, encryption_configuration, revision_id, creation_date';
export const ALIAS_SELECT =
  'arn, state_machine_arn, name, description, routing_configuration::text, creation_date, update_date';
export const SUMMARY_SELECT =
  'arn, state_machine_arn, state_machine_version_arn, state_machine_alias_arn, name, status, start_date, stop_date, error, cause, redrive_count, redrive_date, history_length, test_case, map_run_arn';
export const EXECUTION_SELECT = `${SUMMARY_SELECT}, definition, input, output, state::text, version, process_endings`;
export const EVENT_SELECT = 'execution_arn, id, previous_event_id, type, timestamp, details::text';
export const TASK_SELECT = 'execution_arn, task_id, resource, command::text, created_at';

export const SQL = {
  insertStateMachine: `INSERT INTO state_machines (arn, name, type, definition, role_arn, description, logging_configuration,
      tracing_configuration, status, creation_date, update_date, revision_id, encryption_configuration)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13) ON CONFLICT (arn) DO NOTHING`,
  updateStateMachine: `UPDATE state_machines SET name = $2, type = $3, definition = $4, role_arn = $5, description = $6,
      logging_configuration = $7::jsonb, tracing_configuration = $8::jsonb, status = $9, creation_date = $10,
      update_date = $11, revision_id = $12, encryption_configuration = $13
    WHERE arn = $1`,
  getStateMachine: `SELECT ${STATE_MACHINE_SELECT} FROM state_machines WHERE arn = $1`,
  deleteStateMachineTags: `DELETE FROM tags WHERE resource_arn = $1
      OR resource_arn IN (SELECT arn FROM state_machine_versions WHERE state_machine_arn = $1)
      OR resource_arn IN (SELECT arn FROM state_machine_aliases WHERE state_machine_arn = $1)`,
  deleteStateMachine: 'DELETE FROM state_machines WHERE arn = $1',
  listStateMachines: `SELECT ${STATE_MACHINE_SELECT} FROM state_machines ORDER BY creation_date, arn LIMIT $1`,
  listStateMachinesAfter: `SELECT ${STATE_MACHINE_SELECT} FROM state_machines WHERE (creation_date, arn) > ($1, $2)
    ORDER BY creation_date, arn LIMIT $3`,

  insertVersion: `INSERT INTO state_machine_versions (arn, state_machine_arn, version, definition, role_arn, description,
      logging_configuration, tracing_configuration, revision_id, creation_date, encryption_configuration)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)`,
  getVersion: `SELECT ${VERSION_SELECT} FROM state_machine_versions WHERE arn = $1`,
  listVersions: `SELECT ${VERSION_SELECT} FROM state_machine_versions WHERE state_machine_arn = $1 ORDER BY version DESC LIMIT $2`,
  listVersionsAfter: `SELECT ${VERSION_SELECT} FROM state_machine_versions WHERE state_machine_arn = $1 AND version < $2
    ORDER BY version DESC LIMIT $3`,
  deleteVersion: 'DELETE FROM state_machine_versions WHERE arn = $1',

  putAlias: `INSERT INTO state_machine_aliases (arn, state_machine_arn, name, description, routing_configuration, creation_date, update_date)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
    ON CONFLICT (arn) DO UPDATE SET state_machine_arn = excluded.state_machine_arn, name = excluded.name,
      description = excluded.description, routing_configuration = excluded.routing_configuration,
      creation_date = excluded.creation_date, update_date = excluded.update_date`,
  getAlias: `SELECT ${ALIAS_SELECT} FROM state_machine_aliases WHERE arn = $1`,
  listAliases: `SELECT ${ALIAS_SELECT} FROM state_machine_aliases WHERE state_machine_arn = $1 ORDER BY name LIMIT $2`,
  listAliasesAfter: `SELECT ${ALIAS_SELECT} FROM state_machine_aliases WHERE state_machine_arn = $1 AND name > $2 ORDER BY name LIMIT $3`,
  deleteAlias: 'DELETE FROM state_machine_aliases WHERE arn = $1',

  getTags: 'SELECT key, value FROM tags WHERE resource_arn = $1 ORDER BY key',
  /** $2 and $3: parallel arrays of keys and values. */
  setTags: `INSERT INTO tags (resource_arn, key, value) SELECT $1, t.key, t.value FROM unnest($2::text[], $3::text[]) AS t(key, value)
    ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`,
  removeTags: 'DELETE FROM tags WHERE resource_arn = $1 AND key = ANY($2::text[])',
  removeAllTags: 'DELETE FROM tags WHERE resource_arn = $1',

  insertActivity:
    'INSERT INTO activities (arn, name, creation_date, encryption_configuration) VALUES ($1, $2, $3, $4) ON CONFLICT (arn) DO NOTHING',
  getActivity: 'SELECT arn, name, creation_date, encryption_configuration FROM activities WHERE arn = $1',
  deleteActivity: 'DELETE FROM activities WHERE arn = $1',
  listActivities:
    'SELECT arn, name, creation_date, encryption_configuration FROM activities ORDER BY creation_date, arn LIMIT $1',
  listActivitiesAfter: `SELECT arn, name, creation_date, encryption_configuration FROM activities WHERE (creation_date, arn) > ($1, $2)
    ORDER BY creation_date, arn LIMIT $3`,
  /**
   * One statement: the oldest unclaimed row of the activity is locked (rows other claimers hold are
   * skipped, not waited for), claimed and returned, or nothing.
   */
  claimTask: `UPDATE tasks SET claimed_by = $2, claimed_at = $3
     WHERE (execution_arn, task_id) = (
       SELECT execution_arn, task_id FROM tasks
        WHERE resource = $1 AND claimed_at IS NULL
        ORDER BY created_at, execution_arn, task_id LIMIT 1
        FOR UPDATE SKIP LOCKED)
       AND claimed_at IS NULL
    RETURNING execution_arn, task_id, resource, command::text, created_at, claimed_by, claimed_at`,
  releaseTask: 'UPDATE tasks SET claimed_by = NULL, claimed_at = NULL WHERE execution_arn = $1 AND task_id = $2',

  getExecution: `SELECT ${EXECUTION_SELECT} FROM executions WHERE arn = $1`,
  countRunningExecutions: "SELECT count(*) AS count FROM executions WHERE status = 'RUNNING'",
  runningExecutionsWithTasks: `SELECT DISTINCT t.execution_arn AS arn FROM tasks t
    JOIN executions e ON e.arn = t.execution_arn WHERE e.status = 'RUNNING' ORDER BY 1`,

  historyFirst: `SELECT ${EVENT_SELECT} FROM history_events WHERE execution_arn = $1 ORDER BY id LIMIT $2`,
  historyAfter: `SELECT ${EVENT_SELECT} FROM history_events WHERE execution_arn = $1 AND id > $2 ORDER BY id LIMIT $3`,
  historyLast: `SELECT ${EVENT_SELECT} FROM history_events WHERE execution_arn = $1 ORDER BY id DESC LIMIT $2`,
  historyBefore: `SELECT ${EVENT_SELECT} FROM history_events WHERE execution_arn = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,

  dueTimers: `SELECT execution_arn, timer_id, fire_at FROM timers WHERE fire_at <= $1
    ORDER BY fire_at, execution_arn, timer_id LIMIT $2`,
  nextTimerAt: 'SELECT min(fire_at) AS fire_at FROM timers',
  countTimers: 'SELECT count(*) AS count FROM timers',
  // The outbox: due rows taken and held in one statement; SKIP LOCKED lets nodes take different ones.
  claimOutbox: `UPDATE outbox o SET next_attempt_at = $3
     FROM (SELECT id FROM outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) due
    WHERE o.id = due.id
    RETURNING o.id, o.target, o.body, o.created_at, o.attempts`,
  retryOutbox: 'UPDATE outbox SET attempts = $2, next_attempt_at = $3 WHERE id = $1',
  deleteOutbox: 'DELETE FROM outbox WHERE id = $1',
  // Retention: finished executions, oldest first, with everything of theirs (their Map Runs and
  // those runs' children rows too), in one statement.
  deleteStoppedBefore: `WITH doomed AS (
      DELETE FROM executions e WHERE e.arn IN (
        SELECT arn FROM executions WHERE status <> 'RUNNING' AND stop_date < $1
         ORDER BY stop_date, arn LIMIT $2 FOR UPDATE SKIP LOCKED)
        AND e.status <> 'RUNNING'
      RETURNING e.arn),
    h AS (DELETE FROM history_events WHERE execution_arn IN (SELECT arn FROM doomed)),
    t AS (DELETE FROM timers WHERE execution_arn IN (SELECT arn FROM doomed)),
    k AS (DELETE FROM tasks WHERE execution_arn IN (SELECT arn FROM doomed)),
    s AS (DELETE FROM signals WHERE execution_arn IN (SELECT arn FROM doomed)),
    r AS (DELETE FROM map_runs WHERE execution_arn IN (SELECT arn FROM doomed) RETURNING arn),
    c AS (DELETE FROM map_run_children WHERE map_run_arn IN (SELECT arn FROM r))
    SELECT count(*) AS count FROM doomed`,

  pendingTasks: `SELECT ${TASK_SELECT} FROM tasks WHERE execution_arn = $1 ORDER BY created_at, task_id`,
} as const;

/** ListExecutions, newest first by (start_date, arn), its WHERE clause picked by the filters present. */
export function listExecutionsQuery(
  filter: ExecutionFilter,
  after: [number, string] | undefined,
  limit: number,
): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.stateMachineArn !== undefined) where.push(`state_machine_arn = ${bind(filter.stateMachineArn)}`);
  if (filter.stateMachineVersionArn !== undefined)
    where.push(`state_machine_version_arn = ${bind(filter.stateMachineVersionArn)}`);
  if (filter.stateMachineAliasArn !== undefined)
    where.push(`state_machine_alias_arn = ${bind(filter.stateMachineAliasArn)}`);
  if (filter.status !== undefined) where.push(`status = ${bind(filter.status)}`);
  if (filter.mapRunArn !== undefined) where.push(`map_run_arn = ${bind(filter.mapRunArn)}`);
  if (filter.redriveFilter === 'REDRIVEN') where.push('redrive_count > 0');
  if (filter.redriveFilter === 'NOT_REDRIVEN') where.push('redrive_count = 0');
  if (after !== undefined) where.push(`(start_date, arn) < (${bind(after[0])}, ${bind(after[1])})`);
  const text = `SELECT ${SUMMARY_SELECT} FROM executions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY start_date DESC, arn DESC LIMIT ${bind(limit)}`;
  return { text, values };
}

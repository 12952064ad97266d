/**
 * Every SQL statement the SQLite store runs, prepared once per connection. Values are always bound
 * parameters; the only SQL assembled at run time is ListExecutions' WHERE clause, picked from fixed
 * fragments and cached per filter shape.
 */
import type { Database, RunResult } from 'better-sqlite3';
import type { ExecutionFilter } from '../types.js';
import type {
  AliasRow,
  EventRow,
  ExecutionRow,
  OutboxRow,
  StateMachineRow,
  SummaryRow,
  TaskRow,
  TimerRow,
  VersionRow,
} from '../rows.js';

const STATE_MACHINE_COLUMNS =
  'arn, name, type, definition, role_arn, description, logging_configuration, tracing_configuration, encryption_configuration, status, creation_date, update_date, revision_id';
const VERSION_COLUMNS =
  'arn, state_machine_arn, version, definition, role_arn, description, logging_configuration, tracing_configuration, encryption_configuration, revision_id, creation_date';
const ALIAS_COLUMNS = 'arn, state_machine_arn, name, description, routing_configuration, creation_date, update_date';
const SUMMARY_COLUMNS =
  'arn, state_machine_arn, state_machine_version_arn, state_machine_alias_arn, name, status, start_date, stop_date, error, cause, redrive_count, redrive_date, history_length, test_case, map_run_arn';
const EXECUTION_COLUMNS = `${SUMMARY_COLUMNS}, definition, input, output, state, version, process_endings`;
const EVENT_COLUMNS = 'execution_arn, id, previous_event_id, type, timestamp, details';
const TASK_COLUMNS = 'execution_arn, task_id, resource, command, created_at';

/** `@a, @b, ...` for a column list. */
const params = (columns: string): string =>
  columns
    .split(',')
    .map((c) => `@${c.trim()}`)
    .join(', ');

/** The part of a better-sqlite3 statement the store uses; `P` is the bound values (a tuple, or one named-parameter object). */
export interface Query<P extends unknown[], R> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

type Params<P> = P extends unknown[] ? P : [P];

function prepare<P extends unknown[] | object = [], R = unknown>(db: Database, sql: string): Query<Params<P>, R> {
  return db.prepare(sql) as unknown as Query<Params<P>, R>;
}

/** A statement returning the first column of each row. */
function preparePluck<P extends unknown[], R>(db: Database, sql: string): Query<P, R> {
  return db.prepare(sql).pluck() as unknown as Query<P, R>;
}

export type ExecutionUpdate = ExecutionRow & { expected_version: number };

export function prepareStatements(db: Database) {
  return {
    // state machines
    insertStateMachine: prepare<StateMachineRow>(
      db,
      `INSERT INTO state_machines (${STATE_MACHINE_COLUMNS}) VALUES (${params(STATE_MACHINE_COLUMNS)})
       ON CONFLICT (arn) DO NOTHING`,
    ),
    getStateMachine: prepare<[string], StateMachineRow>(
      db,
      `SELECT ${STATE_MACHINE_COLUMNS} FROM state_machines WHERE arn = ?`,
    ),
    updateStateMachine: prepare<StateMachineRow>(
      db,
      `UPDATE state_machines SET name = @name, type = @type, definition = @definition, role_arn = @role_arn,
         description = @description, logging_configuration = @logging_configuration,
         tracing_configuration = @tracing_configuration, encryption_configuration = @encryption_configuration,
         status = @status, creation_date = @creation_date,
         update_date = @update_date, revision_id = @revision_id
       WHERE arn = @arn`,
    ),
    /** Versions and aliases go with it (ON DELETE CASCADE). */
    deleteStateMachine: prepare<[string]>(db, 'DELETE FROM state_machines WHERE arn = ?'),
    deleteStateMachineTags: prepare<{ arn: string }>(
      db,
      `DELETE FROM tags WHERE resource_arn = @arn
         OR resource_arn IN (SELECT arn FROM state_machine_versions WHERE state_machine_arn = @arn)
         OR resource_arn IN (SELECT arn FROM state_machine_aliases WHERE state_machine_arn = @arn)`,
    ),
    /** Oldest first: (creation_date, arn) ascending. */
    listStateMachines: prepare<[number], StateMachineRow>(
      db,
      `SELECT ${STATE_MACHINE_COLUMNS} FROM state_machines ORDER BY creation_date, arn LIMIT ?`,
    ),
    listStateMachinesAfter: prepare<[number, string, number], StateMachineRow>(
      db,
      `SELECT ${STATE_MACHINE_COLUMNS} FROM state_machines WHERE (creation_date, arn) > (?, ?)
       ORDER BY creation_date, arn LIMIT ?`,
    ),

    // versions
    insertVersion: prepare<VersionRow>(
      db,
      `INSERT INTO state_machine_versions (${VERSION_COLUMNS}) VALUES (${params(VERSION_COLUMNS)})`,
    ),
    getVersion: prepare<[string], VersionRow>(
      db,
      `SELECT ${VERSION_COLUMNS} FROM state_machine_versions WHERE arn = ?`,
    ),
    listVersions: prepare<[string, number], VersionRow>(
      db,
      `SELECT ${VERSION_COLUMNS} FROM state_machine_versions WHERE state_machine_arn = ? ORDER BY version DESC LIMIT ?`,
    ),
    listVersionsAfter: prepare<[string, number, number], VersionRow>(
      db,
      `SELECT ${VERSION_COLUMNS} FROM state_machine_versions WHERE state_machine_arn = ? AND version < ?
       ORDER BY version DESC LIMIT ?`,
    ),
    deleteVersion: prepare<[string]>(db, 'DELETE FROM state_machine_versions WHERE arn = ?'),

    // aliases
    putAlias: prepare<AliasRow>(
      db,
      `INSERT INTO state_machine_aliases (${ALIAS_COLUMNS}) VALUES (${params(ALIAS_COLUMNS)})
       ON CONFLICT (arn) DO UPDATE SET state_machine_arn = excluded.state_machine_arn, name = excluded.name,
         description = excluded.description, routing_configuration = excluded.routing_configuration,
         creation_date = excluded.creation_date, update_date = excluded.update_date`,
    ),
    getAlias: prepare<[string], AliasRow>(db, `SELECT ${ALIAS_COLUMNS} FROM state_machine_aliases WHERE arn = ?`),
    listAliases: prepare<[string, number], AliasRow>(
      db,
      `SELECT ${ALIAS_COLUMNS} FROM state_machine_aliases WHERE state_machine_arn = ? ORDER BY name LIMIT ?`,
    ),
    listAliasesAfter: prepare<[string, string, number], AliasRow>(
      db,
      `SELECT ${ALIAS_COLUMNS} FROM state_machine_aliases WHERE state_machine_arn = ? AND name > ? ORDER BY name LIMIT ?`,
    ),
    deleteAlias: prepare<[string]>(db, 'DELETE FROM state_machine_aliases WHERE arn = ?'),

    // tags
    getTags: prepare<[string], { key: string; value: string }>(
      db,
      'SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key',
    ),
    setTag: prepare<[string, string, string]>(
      db,
      'INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value',
    ),
    removeTag: prepare<[string, string]>(db, 'DELETE FROM tags WHERE resource_arn = ? AND key = ?'),
    removeAllTags: prepare<[string]>(db, 'DELETE FROM tags WHERE resource_arn = ?'),

    // executions
    getExecution: prepare<[string], ExecutionRow>(db, `SELECT ${EXECUTION_COLUMNS} FROM executions WHERE arn = ?`),
    insertExecution: prepare<ExecutionRow>(
      db,
      `INSERT INTO executions (${EXECUTION_COLUMNS}) VALUES (${params(EXECUTION_COLUMNS)}) ON CONFLICT (arn) DO NOTHING`,
    ),
    /** Only the columns an execution can change, so indexes on the others are left alone. */
    updateExecution: prepare<ExecutionUpdate>(
      db,
      `UPDATE executions SET status = @status, stop_date = @stop_date, output = @output, error = @error,
         cause = @cause, redrive_count = @redrive_count, redrive_date = @redrive_date, state = @state,
         version = @version, history_length = @history_length, process_endings = @process_endings
       WHERE arn = @arn AND version = @expected_version`,
    ),
    /**
     * The hot path: a RUNNING execution staying RUNNING. Leaving `status` out of the SET list spares
     * the two status indexes a rewrite (SQLite updates every index on a SET column, changed or not).
     */
    updateRunningExecution: prepare<ExecutionUpdate>(
      db,
      `UPDATE executions SET stop_date = @stop_date, output = @output, error = @error, cause = @cause,
         redrive_count = @redrive_count, redrive_date = @redrive_date, state = @state, version = @version,
         history_length = @history_length, process_endings = @process_endings
       WHERE arn = @arn AND version = @expected_version AND status = 'RUNNING'`,
    ),
    countRunningExecutions: preparePluck<[], number>(db, "SELECT count(*) FROM executions WHERE status = 'RUNNING'"),
    runningExecutionsWithTasks: preparePluck<[], string>(
      db,
      `SELECT DISTINCT t.execution_arn FROM tasks t JOIN executions e ON e.arn = t.execution_arn
       WHERE e.status = 'RUNNING' ORDER BY 1`,
    ),

    // history
    historyFirst: prepare<[string, number], EventRow>(
      db,
      `SELECT ${EVENT_COLUMNS} FROM history_events WHERE execution_arn = ? ORDER BY id LIMIT ?`,
    ),
    historyAfter: prepare<[string, number, number], EventRow>(
      db,
      `SELECT ${EVENT_COLUMNS} FROM history_events WHERE execution_arn = ? AND id > ? ORDER BY id LIMIT ?`,
    ),
    historyLast: prepare<[string, number], EventRow>(
      db,
      `SELECT ${EVENT_COLUMNS} FROM history_events WHERE execution_arn = ? ORDER BY id DESC LIMIT ?`,
    ),
    historyBefore: prepare<[string, number, number], EventRow>(
      db,
      `SELECT ${EVENT_COLUMNS} FROM history_events WHERE execution_arn = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ),

    // timers
    putTimer: prepare<TimerRow>(
      db,
      `INSERT INTO timers (execution_arn, timer_id, fire_at) VALUES (@execution_arn, @timer_id, @fire_at)
       ON CONFLICT (execution_arn, timer_id) DO UPDATE SET fire_at = excluded.fire_at`,
    ),
    deleteTimer: prepare<[string, string]>(db, 'DELETE FROM timers WHERE execution_arn = ? AND timer_id = ?'),
    dueTimers: prepare<[number, number], TimerRow>(
      db,
      'SELECT execution_arn, timer_id, fire_at FROM timers WHERE fire_at <= ? ORDER BY fire_at, execution_arn, timer_id LIMIT ?',
    ),
    nextTimerAt: preparePluck<[], number | null>(db, 'SELECT min(fire_at) FROM timers'),
    countTimers: preparePluck<[], number>(db, 'SELECT count(*) FROM timers'),

    // the outbox (messages to deliver outside)
    insertOutbox: prepare<[string, string, number, number]>(
      db,
      'INSERT INTO outbox (target, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?)',
    ),
    dueOutbox: prepare<[number, number], OutboxRow>(
      db,
      'SELECT id, target, body, created_at, attempts FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
    ),
    holdOutbox: prepare<[number, number]>(db, 'UPDATE outbox SET next_attempt_at = ? WHERE id = ?'),
    retryOutbox: prepare<[number, number, number]>(
      db,
      'UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?',
    ),
    deleteOutbox: prepare<[number]>(db, 'DELETE FROM outbox WHERE id = ?'),

    // retention
    stoppedBefore: preparePluck<[number, number], string>(
      db,
      "SELECT arn FROM executions WHERE status <> 'RUNNING' AND stop_date < ? ORDER BY stop_date, arn LIMIT ?",
    ),
    deleteStoppedExecution: prepare<[string]>(db, "DELETE FROM executions WHERE arn = ? AND status <> 'RUNNING'"),
    deleteExecutionHistory: prepare<[string]>(db, 'DELETE FROM history_events WHERE execution_arn = ?'),
    deleteExecutionTimers: prepare<[string]>(db, 'DELETE FROM timers WHERE execution_arn = ?'),
    deleteExecutionTasks: prepare<[string]>(db, 'DELETE FROM tasks WHERE execution_arn = ?'),
    deleteExecutionSignals: prepare<[string]>(db, 'DELETE FROM signals WHERE execution_arn = ?'),

    // tasks (the outbox)
    putTask: prepare<TaskRow>(
      db,
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES (${params(TASK_COLUMNS)})
       ON CONFLICT (execution_arn, task_id) DO UPDATE SET resource = excluded.resource, command = excluded.command,
         created_at = excluded.created_at, locked_by = NULL, locked_until = NULL,
         claimed_by = NULL, claimed_at = NULL`,
    ),
    deleteTask: prepare<[string, string]>(db, 'DELETE FROM tasks WHERE execution_arn = ? AND task_id = ?'),
    pendingTasks: prepare<[string], TaskRow>(
      db,
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE execution_arn = ? ORDER BY created_at, task_id`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Bound values of a ListExecutions query; unused ones are ignored by the statement. */
export interface ExecutionQueryParams {
  state_machine_arn?: string;
  state_machine_version_arn?: string;
  state_machine_alias_arn?: string;
  status?: string;
  map_run_arn?: string;
  after_start_date?: number;
  after_arn?: string;
  limit: number;
}

/**
 * ListExecutions, newest first by (start_date, arn). The WHERE clause is chosen from fixed fragments
 * by which filters are present; each shape is prepared once and cached.
 */
export class ExecutionQueries {
  private readonly cache = new Map<string, Query<[ExecutionQueryParams], SummaryRow>>();

  constructor(private readonly db: Database) {}

  statement(filter: ExecutionFilter, paged: boolean): Query<[ExecutionQueryParams], SummaryRow> {
    const where: string[] = [];
    if (filter.stateMachineArn !== undefined) where.push('state_machine_arn = @state_machine_arn');
    if (filter.stateMachineVersionArn !== undefined)
      where.push('state_machine_version_arn = @state_machine_version_arn');
    if (filter.stateMachineAliasArn !== undefined) where.push('state_machine_alias_arn = @state_machine_alias_arn');
    if (filter.status !== undefined) where.push('status = @status');
    if (filter.mapRunArn !== undefined) where.push('map_run_arn = @map_run_arn');
    if (filter.redriveFilter === 'REDRIVEN') where.push('redrive_count > 0');
    if (filter.redriveFilter === 'NOT_REDRIVEN') where.push('redrive_count = 0');
    if (paged) where.push('(start_date, arn) < (@after_start_date, @after_arn)');
    const key = where.join(' AND ');
    let statement = this.cache.get(key);
    if (!statement) {
      statement = prepare<ExecutionQueryParams, SummaryRow>(
        this.db,
        `SELECT ${SUMMARY_COLUMNS} FROM executions ${where.length > 0 ? `WHERE ${key}` : ''}
         ORDER BY start_date DESC, arn DESC LIMIT @limit`,
      );
      this.cache.set(key, statement);
    }
    return statement;
  }
}

/** The SQL behind Map Runs and their finished children (migration 0009), prepared once per connection. */
import type { Database, RunResult } from 'better-sqlite3';
import type { MapRunChildCountRow, MapRunChildRow, MapRunRow } from '../map-run-rows.js';

interface Stmt<P extends unknown[], R> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

const prepare = <P extends unknown[], R = unknown>(db: Database, sql: string): Stmt<P, R> =>
  db.prepare(sql) as unknown as Stmt<P, R>;

/** UpdateMapRun's limits; null for a limit it leaves as it is. */
interface MapRunLimitsRow {
  arn: string;
  max_concurrency: number | null;
  tolerated_failure_percentage: number | null;
  tolerated_failure_count: number | null;
}

const MAP_RUN_COLUMNS =
  'arn, execution_arn, state_machine_arn, status, start_date, stop_date, max_concurrency, tolerated_failure_percentage, tolerated_failure_count, redrive_count, redrive_date, detail';
const CHILD_COLUMNS = 'map_run_arn, child_index, execution_arn, status, item_count, result';

export function prepareMapRunStatements(db: Database) {
  return {
    insertMapRun: prepare<[MapRunRow]>(
      db,
      `INSERT INTO map_runs (${MAP_RUN_COLUMNS})
       VALUES (@arn, @execution_arn, @state_machine_arn, @status, @start_date, @stop_date, @max_concurrency,
         @tolerated_failure_percentage, @tolerated_failure_count, @redrive_count, @redrive_date, @detail)
       ON CONFLICT (arn) DO NOTHING`,
    ),
    /** The run's own state; the parent execution, the children's state machine and the limits stay. */
    updateMapRun: prepare<[MapRunRow]>(
      db,
      `UPDATE map_runs SET status = @status, start_date = @start_date, stop_date = @stop_date,
         redrive_count = @redrive_count, redrive_date = @redrive_date, detail = @detail
       WHERE arn = @arn`,
    ),
    /** UpdateMapRun's limits; a null leaves that limit as it is. */
    updateMapRunLimits: prepare<[MapRunLimitsRow]>(
      db,
      `UPDATE map_runs SET max_concurrency = COALESCE(@max_concurrency, max_concurrency),
         tolerated_failure_percentage = COALESCE(@tolerated_failure_percentage, tolerated_failure_percentage),
         tolerated_failure_count = COALESCE(@tolerated_failure_count, tolerated_failure_count)
       WHERE arn = @arn`,
    ),
    getMapRun: prepare<[string], MapRunRow>(db, `SELECT ${MAP_RUN_COLUMNS} FROM map_runs WHERE arn = ?`),
    /** Newest first: (start_date, arn) descending. */
    listMapRuns: prepare<[string, number], MapRunRow>(
      db,
      `SELECT ${MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = ?
       ORDER BY start_date DESC, arn DESC LIMIT ?`,
    ),
    listMapRunsAfter: prepare<[string, number, string, number], MapRunRow>(
      db,
      `SELECT ${MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = ? AND (start_date, arn) < (?, ?)
       ORDER BY start_date DESC, arn DESC LIMIT ?`,
    ),
    putChild: prepare<[MapRunChildRow]>(
      db,
      `INSERT INTO map_run_children (${CHILD_COLUMNS})
       VALUES (@map_run_arn, @child_index, @execution_arn, @status, @item_count, @result)
       ON CONFLICT (map_run_arn, child_index) DO UPDATE SET execution_arn = excluded.execution_arn,
         status = excluded.status, item_count = excluded.item_count, result = excluded.result`,
    ),
    children: prepare<[string, number], MapRunChildRow>(
      db,
      `SELECT ${CHILD_COLUMNS} FROM map_run_children WHERE map_run_arn = ? ORDER BY child_index LIMIT ?`,
    ),
    childrenAfter: prepare<[string, number, number], MapRunChildRow>(
      db,
      `SELECT ${CHILD_COLUMNS} FROM map_run_children WHERE map_run_arn = ? AND child_index > ?
       ORDER BY child_index LIMIT ?`,
    ),
    countChildren: prepare<[string], MapRunChildCountRow>(
      db,
      `SELECT status, count(*) AS children, sum(item_count) AS items FROM map_run_children
       WHERE map_run_arn = ? GROUP BY status ORDER BY status`,
    ),
    deleteChild: prepare<[string, number]>(
      db,
      'DELETE FROM map_run_children WHERE map_run_arn = ? AND child_index = ?',
    ),
    // retention: the runs of a deleted parent execution, and their children rows
    deleteExecutionMapRunChildren: prepare<[string]>(
      db,
      'DELETE FROM map_run_children WHERE map_run_arn IN (SELECT arn FROM map_runs WHERE execution_arn = ?)',
    ),
    deleteExecutionMapRuns: prepare<[string]>(db, 'DELETE FROM map_runs WHERE execution_arn = ?'),
  };
}

export type MapRunStatements = ReturnType<typeof prepareMapRunStatements>;

/** The SQL behind Map Runs and their finished children (migration 0009) on PostgreSQL; values always bound. */

const MAP_RUN_SELECT =
  'arn, execution_arn, state_machine_arn, status, start_date, stop_date, max_concurrency, tolerated_failure_percentage, tolerated_failure_count, redrive_count, redrive_date, detail';
const CHILD_SELECT = 'map_run_arn, child_index, execution_arn, status, item_count, result';

export const MAP_RUN_SQL = {
  insertMapRun: `INSERT INTO map_runs (${MAP_RUN_SELECT})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (arn) DO NOTHING`,
  /** The run's own state; the parent execution, the children's state machine and the limits stay. */
  updateMapRun: `UPDATE map_runs SET status = $2, start_date = $3, stop_date = $4, redrive_count = $5,
      redrive_date = $6, detail = $7
    WHERE arn = $1`,
  /** UpdateMapRun's limits; a null leaves that limit as it is. */
  updateMapRunLimits: `UPDATE map_runs SET max_concurrency = COALESCE($2, max_concurrency),
      tolerated_failure_percentage = COALESCE($3, tolerated_failure_percentage),
      tolerated_failure_count = COALESCE($4, tolerated_failure_count)
    WHERE arn = $1`,
  getMapRun: `SELECT ${MAP_RUN_SELECT} FROM map_runs WHERE arn = $1`,
  /** Newest first: (start_date, arn) descending. */
  listMapRuns: `SELECT ${MAP_RUN_SELECT} FROM map_runs WHERE execution_arn = $1
    ORDER BY start_date DESC, arn DESC LIMIT $2`,
  listMapRunsAfter: `SELECT ${MAP_RUN_SELECT} FROM map_runs WHERE execution_arn = $1 AND (start_date, arn) < ($2, $3)
    ORDER BY start_date DESC, arn DESC LIMIT $4`,
  /** $1: the children as a JSON array of rows, at most one per (map_run_arn, child_index). */
  putChildren: `INSERT INTO map_run_children (${CHILD_SELECT})
    SELECT ${CHILD_SELECT} FROM json_to_recordset($1::json) AS x(map_run_arn text, child_index integer,
      execution_arn text, status text, item_count integer, result text)
    ON CONFLICT (map_run_arn, child_index) DO UPDATE SET execution_arn = excluded.execution_arn,
      status = excluded.status, item_count = excluded.item_count, result = excluded.result`,
  children: `SELECT ${CHILD_SELECT} FROM map_run_children WHERE map_run_arn = $1 ORDER BY child_index LIMIT $2`,
  childrenAfter: `SELECT ${CHILD_SELECT} FROM map_run_children WHERE map_run_arn = $1 AND child_index > $2
    ORDER BY child_index LIMIT $3`,
  countChildren: `SELECT status, count(*) AS children, sum(item_count) AS items FROM map_run_children
    WHERE map_run_arn = $1 GROUP BY status ORDER BY status`,
  deleteChildren: 'DELETE FROM map_run_children WHERE map_run_arn = $1 AND child_index = ANY($2::integer[])',
} as const;

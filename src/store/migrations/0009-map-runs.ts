import type { Migration } from './migration.js';

/**
 * Distributed Map. A Map Run is a row of its own (one per Map state entry of a parent execution,
 * listed newest first per parent); its finished children are rows keyed by the run and the child's
 * index, so a redrive replaces a child and the run's counts are one grouped scan. A STANDARD child
 * is an execution like any other, tagged with its run (ListExecutions by `mapRunArn`, newest first).
 * The coordinator's `detail` is JSON text only it reads. No foreign keys: retention deletes a
 * parent's runs and their children rows itself, in its own transaction, as it does history.
 */
export const mapRuns: Migration = {
  id: 9,
  name: 'map-runs',
  sqlite: `ALTER TABLE executions ADD COLUMN map_run_arn TEXT;
CREATE INDEX executions_by_map_run ON executions (map_run_arn, start_date DESC, arn DESC)
  WHERE map_run_arn IS NOT NULL;

CREATE TABLE map_runs (
  arn                          TEXT PRIMARY KEY,
  execution_arn                TEXT NOT NULL,
  state_machine_arn            TEXT NOT NULL,
  status                       TEXT NOT NULL,
  start_date                   INTEGER NOT NULL,
  stop_date                    INTEGER,
  max_concurrency              INTEGER NOT NULL,
  tolerated_failure_percentage REAL NOT NULL,
  tolerated_failure_count      INTEGER NOT NULL,
  redrive_count                INTEGER NOT NULL,
  redrive_date                 INTEGER,
  detail                       TEXT NOT NULL
);
CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, start_date DESC, arn DESC);

CREATE TABLE map_run_children (
  map_run_arn   TEXT NOT NULL,
  child_index   INTEGER NOT NULL,
  execution_arn TEXT NOT NULL,
  status        TEXT NOT NULL,
  item_count    INTEGER NOT NULL,
  result        TEXT NOT NULL,
  PRIMARY KEY (map_run_arn, child_index)
) WITHOUT ROWID;`,
  postgres: `ALTER TABLE executions ADD COLUMN map_run_arn TEXT COLLATE "C";
CREATE INDEX executions_by_map_run ON executions (map_run_arn, start_date DESC, arn DESC)
  WHERE map_run_arn IS NOT NULL;

CREATE TABLE map_runs (
  arn                          TEXT COLLATE "C" PRIMARY KEY,
  execution_arn                TEXT COLLATE "C" NOT NULL,
  state_machine_arn            TEXT COLLATE "C" NOT NULL,
  status                       TEXT COLLATE "C" NOT NULL,
  start_date                   BIGINT NOT NULL,
  stop_date                    BIGINT,
  max_concurrency              INTEGER NOT NULL,
  tolerated_failure_percentage DOUBLE PRECISION NOT NULL,
  tolerated_failure_count      INTEGER NOT NULL,
  redrive_count                INTEGER NOT NULL,
  redrive_date                 BIGINT,
  detail                       TEXT NOT NULL
);
CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, start_date DESC, arn DESC);

CREATE TABLE map_run_children (
  map_run_arn   TEXT COLLATE "C" NOT NULL,
  child_index   INTEGER NOT NULL,
  execution_arn TEXT COLLATE "C" NOT NULL,
  status        TEXT COLLATE "C" NOT NULL,
  item_count    INTEGER NOT NULL,
  result        TEXT NOT NULL,
  PRIMARY KEY (map_run_arn, child_index)
);`,
};

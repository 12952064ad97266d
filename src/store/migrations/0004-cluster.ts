import type { Migration } from './migration.js';

/**
 * Several engine nodes on one database (../cluster.ts).
 *
 * - `executions.locked_by` / `locked_until`: the execution's lease. Both NULL when free; a lease is
 *   held only while a node has the execution active in memory, so leased rows stay few and both
 *   indexes are partial: renewal, release and per-node counts go through `executions_by_lock_owner`,
 *   the reaper's "expired leases" through `executions_leased_until`.
 * - `nodes`: one row per live node (membership and its counters), renewed by its heartbeat.
 * - `signals`: the inbox. A signal for an execution leased elsewhere waits here unsettled until the
 *   commit that applies (or ignores) it settles it; claimers find executions with unsettled signals
 *   through `signals_unsettled`, housekeeping finds old settled ones through `signals_settled`.
 *
 * SQLite (one process) does not coordinate nodes, but carries the same schema so both dialects
 * stay aligned under the same migration numbers.
 */
export const cluster: Migration = {
  id: 4,
  name: 'cluster',
  sqlite: `
ALTER TABLE executions ADD COLUMN locked_by TEXT;
ALTER TABLE executions ADD COLUMN locked_until INTEGER;
CREATE INDEX executions_leased_until ON executions (locked_until) WHERE locked_by IS NOT NULL;
CREATE INDEX executions_by_lock_owner ON executions (locked_by, locked_until) WHERE locked_by IS NOT NULL;

CREATE TABLE nodes (
  id           TEXT PRIMARY KEY,
  address      TEXT,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  lease_until  INTEGER NOT NULL,
  stats        TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE signals (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_arn TEXT NOT NULL,
  signal        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  settled_at    INTEGER,
  accepted      INTEGER
);
CREATE INDEX signals_unsettled ON signals (execution_arn, id) WHERE settled_at IS NULL;
CREATE INDEX signals_settled ON signals (settled_at) WHERE settled_at IS NOT NULL;
`,
  postgres: `
ALTER TABLE executions ADD COLUMN locked_by TEXT COLLATE "C";
ALTER TABLE executions ADD COLUMN locked_until BIGINT;
CREATE INDEX executions_leased_until ON executions (locked_until) WHERE locked_by IS NOT NULL;
CREATE INDEX executions_by_lock_owner ON executions (locked_by, locked_until) WHERE locked_by IS NOT NULL;

CREATE TABLE nodes (
  id           TEXT COLLATE "C" PRIMARY KEY,
  address      TEXT,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  lease_until  BIGINT NOT NULL,
  stats        JSONB NOT NULL DEFAULT '{}'
);

CREATE TABLE signals (
  id            BIGSERIAL PRIMARY KEY,
  execution_arn TEXT COLLATE "C" NOT NULL,
  signal        JSONB NOT NULL,
  created_at    BIGINT NOT NULL,
  settled_at    BIGINT,
  accepted      BOOLEAN
);
CREATE INDEX signals_unsettled ON signals (execution_arn, id) WHERE settled_at IS NULL;
CREATE INDEX signals_settled ON signals (settled_at) WHERE settled_at IS NOT NULL;
`,
};

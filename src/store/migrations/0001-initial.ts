import type { Migration } from './migration.js';

/**
 * The first schema. Millisecond timestamps are integers; JSON documents are TEXT in SQLite and
 * JSONB in PostgreSQL. History events, timers and tasks hang off their execution; versions and
 * aliases off their state machine (deleted with it). Executions outlive their state machine.
 */
export const initial: Migration = {
  id: 1,
  name: 'initial',
  sqlite: `
CREATE TABLE state_machines (
  arn                   TEXT PRIMARY KEY,
  name                  TEXT NOT NULL,
  type                  TEXT NOT NULL,
  definition            TEXT NOT NULL,
  role_arn              TEXT NOT NULL,
  description           TEXT,
  logging_configuration TEXT NOT NULL,
  tracing_configuration TEXT NOT NULL,
  status                TEXT NOT NULL,
  creation_date         INTEGER NOT NULL,
  update_date           INTEGER,
  revision_id           TEXT NOT NULL
);
CREATE INDEX state_machines_by_creation ON state_machines (creation_date, arn);

CREATE TABLE state_machine_versions (
  arn                   TEXT PRIMARY KEY,
  state_machine_arn     TEXT NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
  version               INTEGER NOT NULL,
  definition            TEXT NOT NULL,
  role_arn              TEXT NOT NULL,
  description           TEXT,
  logging_configuration TEXT NOT NULL,
  tracing_configuration TEXT NOT NULL,
  revision_id           TEXT NOT NULL,
  creation_date         INTEGER NOT NULL,
  UNIQUE (state_machine_arn, version)
);

CREATE TABLE state_machine_aliases (
  arn                   TEXT PRIMARY KEY,
  state_machine_arn     TEXT NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
  name                  TEXT NOT NULL,
  description           TEXT,
  routing_configuration TEXT NOT NULL,
  creation_date         INTEGER NOT NULL,
  update_date           INTEGER,
  UNIQUE (state_machine_arn, name)
);

CREATE TABLE tags (
  resource_arn TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)
) WITHOUT ROWID;

CREATE TABLE executions (
  arn                       TEXT PRIMARY KEY,
  state_machine_arn         TEXT NOT NULL,
  state_machine_version_arn TEXT,
  state_machine_alias_arn   TEXT,
  name                      TEXT NOT NULL,
  definition                TEXT NOT NULL,
  status                    TEXT NOT NULL,
  start_date                INTEGER NOT NULL,
  stop_date                 INTEGER,
  input                     TEXT NOT NULL,
  output                    TEXT,
  error                     TEXT,
  cause                     TEXT,
  redrive_count             INTEGER NOT NULL,
  redrive_date              INTEGER,
  state                     TEXT NOT NULL,
  version                   INTEGER NOT NULL,
  history_length            INTEGER NOT NULL
);
-- Newest first, arn as the tiebreak: one index per ListExecutions filter; by_status also finds RUNNING ones.
CREATE INDEX executions_by_start ON executions (start_date DESC, arn DESC);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC, arn DESC);
CREATE INDEX executions_by_machine_status ON executions (state_machine_arn, status, start_date DESC, arn DESC);
CREATE INDEX executions_by_status ON executions (status, start_date DESC, arn DESC);
CREATE INDEX executions_by_version ON executions (state_machine_version_arn, start_date DESC, arn DESC)
  WHERE state_machine_version_arn IS NOT NULL;
CREATE INDEX executions_by_alias ON executions (state_machine_alias_arn, start_date DESC, arn DESC)
  WHERE state_machine_alias_arn IS NOT NULL;

-- Append-only; the primary key makes a duplicate event id impossible.
CREATE TABLE history_events (
  execution_arn     TEXT NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  id                INTEGER NOT NULL,
  previous_event_id INTEGER NOT NULL,
  type              TEXT NOT NULL,
  timestamp         INTEGER NOT NULL,
  details           TEXT,
  PRIMARY KEY (execution_arn, id)
) WITHOUT ROWID;

CREATE TABLE timers (
  execution_arn TEXT NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  timer_id      TEXT NOT NULL,
  fire_at       INTEGER NOT NULL,
  PRIMARY KEY (execution_arn, timer_id)
) WITHOUT ROWID;
CREATE INDEX timers_by_fire_at ON timers (fire_at, execution_arn, timer_id);

-- The outbox; the lease columns are for the multi-node claim loop.
CREATE TABLE tasks (
  execution_arn TEXT NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  task_id       TEXT NOT NULL,
  resource      TEXT NOT NULL,
  command       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  locked_by     TEXT,
  locked_until  INTEGER,
  PRIMARY KEY (execution_arn, task_id)
) WITHOUT ROWID;
`,
  postgres: `
-- Key and sort columns are COLLATE "C" (byte order), as SQLite's BINARY and the memory adapter compare,
-- whatever the database's locale: pages and orders agree across adapters and use the indexes.
CREATE TABLE state_machines (
  arn                   TEXT COLLATE "C" PRIMARY KEY,
  name                  TEXT COLLATE "C" NOT NULL,
  type                  TEXT NOT NULL,
  definition            TEXT NOT NULL,
  role_arn              TEXT NOT NULL,
  description           TEXT,
  logging_configuration JSONB NOT NULL,
  tracing_configuration JSONB NOT NULL,
  status                TEXT COLLATE "C" NOT NULL,
  creation_date         BIGINT NOT NULL,
  update_date           BIGINT,
  revision_id           TEXT NOT NULL
);
CREATE INDEX state_machines_by_creation ON state_machines (creation_date, arn);

CREATE TABLE state_machine_versions (
  arn                   TEXT COLLATE "C" PRIMARY KEY,
  state_machine_arn     TEXT COLLATE "C" NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
  version               INTEGER NOT NULL,
  definition            TEXT NOT NULL,
  role_arn              TEXT NOT NULL,
  description           TEXT,
  logging_configuration JSONB NOT NULL,
  tracing_configuration JSONB NOT NULL,
  revision_id           TEXT NOT NULL,
  creation_date         BIGINT NOT NULL,
  UNIQUE (state_machine_arn, version)
);

CREATE TABLE state_machine_aliases (
  arn                   TEXT COLLATE "C" PRIMARY KEY,
  state_machine_arn     TEXT COLLATE "C" NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
  name                  TEXT COLLATE "C" NOT NULL,
  description           TEXT,
  routing_configuration JSONB NOT NULL,
  creation_date         BIGINT NOT NULL,
  update_date           BIGINT,
  UNIQUE (state_machine_arn, name)
);

CREATE TABLE tags (
  resource_arn TEXT COLLATE "C" NOT NULL,
  key          TEXT COLLATE "C" NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)
);

CREATE TABLE executions (
  arn                       TEXT COLLATE "C" PRIMARY KEY,
  state_machine_arn         TEXT COLLATE "C" NOT NULL,
  state_machine_version_arn TEXT COLLATE "C",
  state_machine_alias_arn   TEXT COLLATE "C",
  name                      TEXT COLLATE "C" NOT NULL,
  definition                TEXT NOT NULL,
  status                    TEXT COLLATE "C" NOT NULL,
  start_date                BIGINT NOT NULL,
  stop_date                 BIGINT,
  input                     TEXT NOT NULL,
  output                    TEXT,
  error                     TEXT,
  cause                     TEXT,
  redrive_count             INTEGER NOT NULL,
  redrive_date              BIGINT,
  state                     JSONB NOT NULL,
  version                   INTEGER NOT NULL,
  history_length            INTEGER NOT NULL
);
CREATE INDEX executions_by_start ON executions (start_date DESC, arn DESC);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC, arn DESC);
CREATE INDEX executions_by_machine_status ON executions (state_machine_arn, status, start_date DESC, arn DESC);
CREATE INDEX executions_by_status ON executions (status, start_date DESC, arn DESC);
CREATE INDEX executions_by_version ON executions (state_machine_version_arn, start_date DESC, arn DESC)
  WHERE state_machine_version_arn IS NOT NULL;
CREATE INDEX executions_by_alias ON executions (state_machine_alias_arn, start_date DESC, arn DESC)
  WHERE state_machine_alias_arn IS NOT NULL;

CREATE TABLE history_events (
  execution_arn     TEXT COLLATE "C" NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  id                INTEGER NOT NULL,
  previous_event_id INTEGER NOT NULL,
  type              TEXT NOT NULL,
  timestamp         BIGINT NOT NULL,
  details           JSONB,
  PRIMARY KEY (execution_arn, id)
);

CREATE TABLE timers (
  execution_arn TEXT COLLATE "C" NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  timer_id      TEXT COLLATE "C" NOT NULL,
  fire_at       BIGINT NOT NULL,
  PRIMARY KEY (execution_arn, timer_id)
);
CREATE INDEX timers_by_fire_at ON timers (fire_at, execution_arn, timer_id);

CREATE TABLE tasks (
  execution_arn TEXT COLLATE "C" NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  task_id       TEXT COLLATE "C" NOT NULL,
  resource      TEXT COLLATE "C" NOT NULL,
  command       JSONB NOT NULL,
  created_at    BIGINT NOT NULL,
  locked_by     TEXT,
  locked_until  BIGINT,
  PRIMARY KEY (execution_arn, task_id)
);
`,
};

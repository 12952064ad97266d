import type { Migration } from './migration.js';

/**
 * Retention: finished executions found by when they stopped, oldest first, without a scan of
 * every execution (the running ones are not in the index).
 */
export const retention: Migration = {
  id: 8,
  name: 'retention',
  sqlite: `CREATE INDEX executions_stopped ON executions (stop_date, arn) WHERE status <> 'RUNNING';`,
  postgres: `CREATE INDEX executions_stopped ON executions (stop_date, arn) WHERE status <> 'RUNNING';`,
};

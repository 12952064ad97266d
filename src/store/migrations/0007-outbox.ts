import type { Migration } from './migration.js';

/**
 * The outbox of messages to deliver outside (execution status change events to webhooks): each
 * row written in the same transaction as the step it tells of, so a message is neither lost nor
 * sent for a step that did not commit. A row stays until it is delivered or given up;
 * `next_attempt_at` is when it may be tried (again), pushed forward while one node delivers it.
 */
export const outbox: Migration = {
  id: 7,
  name: 'outbox',
  sqlite: `CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);`,
  postgres: `CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  target text NOT NULL,
  body text NOT NULL,
  created_at bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);`,
};

import type { Migration } from './migration.js';

/**
 * Poison executions: how many times in a row the process ended (crashed, froze and was killed)
 * while an execution had work in flight and before it committed another step. Recovery counts up
 * before running that work again; any committed step sets it back to 0. Past a bound the execution
 * is failed with States.Runtime instead of being run again.
 */
export const processEndings: Migration = {
  id: 5,
  name: 'execution-process-endings',
  sqlite: `ALTER TABLE executions ADD COLUMN process_endings INTEGER NOT NULL DEFAULT 0;`,
  postgres: `ALTER TABLE executions ADD COLUMN process_endings integer NOT NULL DEFAULT 0;`,
};

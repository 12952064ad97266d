/**
 * A batch of one commit in one round trip: one statement, run on its own (autocommit: PostgreSQL
 * makes a single statement its own transaction), with plain typed parameters instead of a JSON
 * array, and only the parts the commit has. The batch statement (./batch-commit.ts) pays for its
 * generality on every call: BEGIN and COMMIT round trips, a JSON array parsed into rows, and every
 * part of the CTE planned and started whether the member has timers, tasks, signals or not. For
 * batches of one that fixed cost made single commits slower than the savepoint path it replaced.
 *
 * The statement's text depends only on the commit's shape (creating or not, leased or not, which
 * of events, timers, tasks, outbox messages, settled signals and NOTIFYs it has), and is named by
 * that shape, so each connection prepares each shape once and keeps its plan.
 *
 * Rules are those of the batch (../commit-rules.ts): the version check, the lease, no stored event
 * id repeated; removals before additions (a timer or task removed and added again is only
 * replaced); the NOTIFYs are sent only when the commit applied, delivered when it commits. A commit
 * that did not apply is classified after the statement, as the batch does.
 */
import type pg from 'pg';
import { hasDuplicateEventIds } from '../commit-rules.js';
import { eventColumns, executionColumns } from '../rows.js';
import type { Commit, CommitResult } from '../types.js';
import { classify, leaseAfter, lastById } from './batch-commit.js';

/** Builds a statement's parameters in order: each `add` returns its placeholder, cast. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /** One array parameter per column of `rows`, in order: the placeholders, comma-separated, for unnest(). */
  columns<T>(rows: readonly T[], columns: [pick: (row: T) => unknown, type: string][]): string {
    return columns.map(([pick, type]) => this.add(rows.map(pick), type)).join(', ');
  }
}

interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

/** The execution row inserted (a creating commit: conflicts when it exists) or updated under the checks. */
function rowPart(commit: Commit, p: Params, shape: string[]): string {
  const e = executionColumns(commit.execution);
  const state = JSON.stringify(commit.execution.state);
  const [lockedBy, lockedUntil] = leaseAfter(commit);
  if (commit.expectedVersion === 0) {
    shape.push('c');
    const values = [
      p.add(e.arn, 'text'),
      p.add(e.state_machine_arn, 'text'),
      p.add(e.state_machine_version_arn, 'text'),
      p.add(e.state_machine_alias_arn, 'text'),
      p.add(e.name, 'text'),
      p.add(e.status, 'text'),
      p.add(e.start_date, 'bigint'),
      p.add(e.stop_date, 'bigint'),
      p.add(e.error, 'text'),
      p.add(e.cause, 'text'),
      p.add(e.redrive_count, 'integer'),
      p.add(e.redrive_date, 'bigint'),
      p.add(e.history_length, 'integer'),
      p.add(e.test_case, 'text'),
      p.add(e.map_run_arn, 'text'),
      p.add(e.definition, 'text'),
      p.add(e.input, 'text'),
      p.add(e.output, 'text'),
      p.add(state, 'jsonb'),
      p.add(e.version, 'integer'),
      p.add(e.process_endings, 'integer'),
      p.add(lockedBy, 'text'),
      p.add(lockedUntil, 'bigint'),
    ];
    return `applied AS (
  INSERT INTO executions (arn, state_machine_arn, state_machine_version_arn, state_machine_alias_arn, name,
      status, start_date, stop_date, error, cause, redrive_count, redrive_date, history_length, test_case,
      map_run_arn, definition, input, output, state, version, process_endings, locked_by, locked_until)
  VALUES (${values.join(', ')})
  ON CONFLICT (arn) DO NOTHING
  RETURNING arn
)`;
  }
  shape.push('u');
  const arn = p.add(e.arn, 'text');
  const set = [
    `status = ${p.add(e.status, 'text')}`,
    `stop_date = ${p.add(e.stop_date, 'bigint')}`,
    `output = ${p.add(e.output, 'text')}`,
    `error = ${p.add(e.error, 'text')}`,
    `cause = ${p.add(e.cause, 'text')}`,
    `redrive_count = ${p.add(e.redrive_count, 'integer')}`,
    `redrive_date = ${p.add(e.redrive_date, 'bigint')}`,
    `state = ${p.add(state, 'jsonb')}`,
    `version = ${p.add(e.version, 'integer')}`,
    `history_length = ${p.add(e.history_length, 'integer')}`,
    `process_endings = ${p.add(e.process_endings, 'integer')}`,
  ];
  const where = [`e.arn = ${arn}`, `e.version = ${p.add(commit.expectedVersion, 'integer')}`];
  const { lease } = commit;
  if (lease) {
    shape.push('l');
    // The lease it is made under must be held; afterwards it runs to `until`, or is released.
    where.push(`e.locked_by = ${p.add(lease.owner, 'text')}`, `e.locked_until > ${p.add(lease.now, 'bigint')}`);
    set.push(`locked_by = ${p.add(lockedBy, 'text')}`, `locked_until = ${p.add(lockedUntil, 'bigint')}`);
  }
  if (commit.events.length > 0) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM history_events h WHERE h.execution_arn = ${arn} AND h.id = ANY (${p.add(
        commit.events.map((event) => event.id),
        'integer[]',
      )}))`,
    );
  }
  return `applied AS (
  UPDATE executions e SET ${set.join(', ')}
   WHERE ${where.join(' AND ')}
  RETURNING e.arn
)`;
}

function eventsPart(commit: Commit, p: Params, shape: string[]): string | undefined {
  if (commit.events.length === 0) return undefined;
  shape.push('e');
  const columns = p.columns(commit.events.map(eventColumns), [
    [(r) => r.id, 'integer[]'],
    [(r) => r.previous_event_id, 'integer[]'],
    [(r) => r.type, 'text[]'],
    [(r) => r.timestamp, 'bigint[]'],
    [(r) => (r.details === null ? null : JSON.stringify(r.details)), 'text[]'],
  ]);
  return `new_events AS (
  INSERT INTO history_events (execution_arn, id, previous_event_id, type, timestamp, details)
  SELECT a.arn, x.id, x.previous_event_id, x.type, x.timestamp, x.details::jsonb
    FROM applied a, unnest(${columns}) AS x(id, previous_event_id, type, timestamp, details)
  ON CONFLICT (execution_arn, id) DO NOTHING
)`;
}

function timerParts(commit: Commit, p: Params, shape: string[]): string[] {
  const parts: string[] = [];
  const added = lastById(commit.timersAdded, (t) => t.timerId);
  const addedIds = new Set(added.map((t) => t.timerId));
  // Removed and added again: replaced by the upsert (removals apply before additions).
  const removed = commit.timersRemoved.filter((id) => !addedIds.has(id));
  if (removed.length > 0) {
    shape.push('tr');
    parts.push(`removed_timers AS (
  DELETE FROM timers t USING applied a WHERE t.execution_arn = a.arn AND t.timer_id = ANY (${p.add(removed, 'text[]')})
)`);
  }
  if (added.length > 0) {
    shape.push('ta');
    const columns = p.columns(added, [
      [(t) => t.timerId, 'text[]'],
      [(t) => t.fireAt, 'bigint[]'],
    ]);
    parts.push(`added_timers AS (
  INSERT INTO timers (execution_arn, timer_id, fire_at)
  SELECT a.arn, x.timer_id, x.fire_at FROM applied a, unnest(${columns}) AS x(timer_id, fire_at)
  ON CONFLICT (execution_arn, timer_id) DO UPDATE SET fire_at = excluded.fire_at
)`);
  }
  return parts;
}

function taskParts(commit: Commit, p: Params, shape: string[]): string[] {
  const parts: string[] = [];
  const added = lastById(commit.tasksAdded, (t) => t.taskId);
  const addedIds = new Set(added.map((t) => t.taskId));
  const removed = commit.tasksRemoved.filter((id) => !addedIds.has(id));
  if (removed.length > 0) {
    shape.push('kr');
    parts.push(`removed_tasks AS (
  DELETE FROM tasks t USING applied a WHERE t.execution_arn = a.arn AND t.task_id = ANY (${p.add(removed, 'text[]')})
)`);
  }
  if (added.length > 0) {
    shape.push('ka');
    const columns = p.columns(added, [
      [(t) => t.taskId, 'text[]'],
      [(t) => t.resource, 'text[]'],
      [(t) => JSON.stringify(t.command), 'text[]'],
      [(t) => t.createdAt, 'bigint[]'],
    ]);
    parts.push(`added_tasks AS (
  INSERT INTO tasks (execution_arn, task_id, resource, command, created_at)
  SELECT a.arn, x.task_id, x.resource, x.command::jsonb, x.created_at
    FROM applied a, unnest(${columns}) AS x(task_id, resource, command, created_at)
  ON CONFLICT (execution_arn, task_id) DO UPDATE SET resource = excluded.resource, command = excluded.command,
    created_at = excluded.created_at, locked_by = NULL, locked_until = NULL, claimed_by = NULL, claimed_at = NULL
)`);
  }
  return parts;
}

function outboxPart(commit: Commit, p: Params, shape: string[]): string | undefined {
  const outbox = commit.outbox ?? [];
  if (outbox.length === 0) return undefined;
  shape.push('o');
  const columns = p.columns(outbox, [
    [(m) => m.target, 'text[]'],
    [(m) => m.body, 'text[]'],
    [(m) => m.createdAt, 'bigint[]'],
  ]);
  return `added_outbox AS (
  INSERT INTO outbox (target, body, created_at, next_attempt_at)
  SELECT x.target, x.body, x.created_at, x.created_at FROM applied a, unnest(${columns}) AS x(target, body, created_at)
)`;
}

function settledPart(commit: Commit, p: Params, shape: string[]): string | undefined {
  const settled = commit.signalsSettled ?? [];
  if (settled.length === 0) return undefined;
  shape.push('s');
  const at = p.add(commit.lease?.now ?? Date.now(), 'bigint');
  const columns = p.columns(settled, [
    [(s) => s.id, 'bigint[]'],
    [(s) => s.accepted, 'boolean[]'],
  ]);
  return `settled AS (
  UPDATE signals s SET settled_at = ${at}, accepted = x.accepted
    FROM applied a, unnest(${columns}) AS x(id, accepted)
   WHERE s.id = x.id AND s.settled_at IS NULL
)`;
}

/** The commit as one statement; `payloads` are NOTIFYed on `channel`, in order, if it applies. */
export function singleCommitStatement(commit: Commit, channel: string, payloads: readonly string[]): Statement {
  const p = new Params();
  const shape: string[] = [];
  const parts = [
    rowPart(commit, p, shape),
    eventsPart(commit, p, shape),
    ...timerParts(commit, p, shape),
    ...taskParts(commit, p, shape),
    outboxPart(commit, p, shape),
    settledPart(commit, p, shape),
  ].filter((part): part is string => part !== undefined);
  let select = 'SELECT a.arn FROM applied a';
  if (payloads.length > 0) {
    shape.push('n');
    // A SELECT in a WITH runs only when read: the final SELECT reads it once the commit applied.
    parts.push(`notified AS (
  SELECT pg_notify(${p.add(channel, 'text')}, x.payload) FROM applied a, unnest(${p.add(payloads, 'text[]')}) AS x(payload)
)`);
    select = 'SELECT a.arn, (SELECT count(*) FROM notified) AS notified FROM applied a';
  }
  return { name: `stepwise-commit-${shape.join('-')}`, text: `WITH ${parts.join(',\n')}\n${select}`, values: p.values };
}

/**
 * Applies one commit in one statement outside any transaction (`queryable` is the pool, or a
 * client with no transaction open); its outcome. `payloads`: what to NOTIFY if it applies.
 */
export async function commitOne(
  queryable: pg.Pool | pg.ClientBase,
  commit: Commit,
  channel: string,
  payloads: readonly string[],
): Promise<CommitResult> {
  if (hasDuplicateEventIds(commit)) return 'conflict';
  const { rows } = await queryable.query<{ arn: string }>(singleCommitStatement(commit, channel, payloads));
  if (rows.length > 0) return 'ok';
  if (commit.expectedVersion === 0) return 'conflict';
  const results: CommitResult[] = ['conflict'];
  await classify(queryable, [commit], [0], results);
  return results[0] as CommitResult;
}

/**
 * The SQL behind the PostgreSQL store's ClusterStore side (../cluster.ts): execution leases, the
 * claim, node rows, the inbox and NOTIFY. Values are always bound parameters; times are the
 * caller's (epoch ms), computed in TypeScript (e.g. `now + leaseMs`) and bound.
 */

import { EXECUTION_SELECT } from './sql.js';

/**
 * A claimed or acquired execution's row (prefixed: these statements join other relations with an
 * `arn`), and whether it has unsettled inbox signals.
 */
const CLAIMED_EXECUTION = `${EXECUTION_SELECT.split(', ')
  .map((column) => `e.${column}`)
  .join(', ')},
      EXISTS (SELECT 1 FROM signals s WHERE s.execution_arn = e.arn AND s.settled_at IS NULL) AS has_signals`;

export const CLUSTER_SQL = {
  /** $1 and $2: parallel arrays of ids and outcomes. A settled signal keeps its first outcome. */
  settleSignals: `UPDATE signals SET settled_at = $3, accepted = o.accepted
      FROM unnest($1::bigint[], $2::boolean[]) AS o(id, accepted)
    WHERE signals.id = o.id AND signals.settled_at IS NULL`,
  /** $2: the payloads, notified in order on channel $1 (delivered when the transaction commits). */
  notify: 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload',

  // ---- claiming --------------------------------------------------------------------------------

  /**
   * One statement. Candidates come from the small sets only (due timers, unsettled signals, expired
   * leases: each through its own index), each with how long it has waited; RUNNING executions among
   * them whose lease is free or expired are locked, longest waiting first, skipping rows another
   * claimer has locked, and leased to $1 until $3. `orphaned`: the previous lease was a node's.
   * $2: now; $4: the limit.
   */
  claimExecutions: `WITH candidates AS (
      SELECT arn, min(since) AS since FROM (
        SELECT execution_arn AS arn, fire_at AS since FROM timers WHERE fire_at <= $2
        UNION ALL
        SELECT execution_arn, created_at FROM signals WHERE settled_at IS NULL
        UNION ALL
        SELECT arn, locked_until FROM executions WHERE locked_by IS NOT NULL AND locked_until <= $2
      ) AS waiting
      GROUP BY arn
    ), ready AS (
      SELECT e.arn, e.locked_by AS previous, c.since
        FROM candidates c JOIN executions e ON e.arn = c.arn
       WHERE e.status = 'RUNNING' AND (e.locked_by IS NULL OR e.locked_until <= $2)
       ORDER BY c.since, c.arn
       LIMIT $4
       FOR UPDATE OF e SKIP LOCKED
    )
    UPDATE executions e SET locked_by = $1, locked_until = $3
      FROM ready
     WHERE e.arn = ready.arn
    RETURNING ${CLAIMED_EXECUTION}, ready.previous IS NOT NULL AS orphaned, ready.since`,
  /**
   * One statement: the row is locked, the lease taken by $2 until $4 if it is free, expired at $3
   * or already $2's; answers the previous holder and whether it was taken (no row: no execution).
   */
  acquireExecution: `WITH target AS (
      SELECT arn, locked_by AS previous, (locked_by IS NULL OR locked_until <= $3 OR locked_by = $2) AS free
        FROM executions WHERE arn = $1
         FOR UPDATE
    ), taken AS (
      UPDATE executions e SET locked_by = $2, locked_until = $4
        FROM target
       WHERE e.arn = target.arn AND target.free
    )
    SELECT target.previous, target.free, ${CLAIMED_EXECUTION} FROM target JOIN executions e ON e.arn = target.arn`,
  releaseExecutions: `UPDATE executions SET locked_by = NULL, locked_until = NULL
    WHERE arn = ANY($1::text[]) AND locked_by = $2`,
  releaseAllOf: 'UPDATE executions SET locked_by = NULL, locked_until = NULL WHERE locked_by = $1',
  /** Timers due at $2 of the executions $1 holds unexpired, earliest first (the lease index drives it). */
  dueTimersOf: `SELECT t.execution_arn, t.timer_id, t.fire_at
      FROM executions e JOIN timers t ON t.execution_arn = e.arn
     WHERE e.locked_by = $1 AND e.locked_until > $2 AND t.fire_at <= $2
     ORDER BY t.fire_at, t.execution_arn, t.timer_id
     LIMIT $3`,

  // ---- nodes -----------------------------------------------------------------------------------

  /**
   * One statement: upserts node $1 (a NULL $6 keeps its stats), renews the leases among $7 that it
   * still holds unexpired at $4 to $5 (never shortening one), and deletes signals settled before $8
   * and other nodes whose lease ended before $9. Answers the renewed ARNs.
   */
  heartbeat: `WITH node AS (
      INSERT INTO nodes (id, address, started_at, heartbeat_at, lease_until, stats)
      VALUES ($1, $2, $3, $4, $5, COALESCE($6::jsonb, '{}'::jsonb))
      ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at,
        heartbeat_at = excluded.heartbeat_at, lease_until = excluded.lease_until,
        stats = COALESCE($6::jsonb, nodes.stats)
    ), renewed AS (
      UPDATE executions SET locked_until = GREATEST(locked_until, $5)
       WHERE arn = ANY($7::text[]) AND locked_by = $1 AND locked_until > $4
      RETURNING arn
    ), old_signals AS (
      DELETE FROM signals WHERE settled_at < $8
    ), dead_nodes AS (
      DELETE FROM nodes WHERE lease_until < $9 AND id <> $1
    )
    SELECT arn FROM renewed`,
  /** Oldest first, each with the number of unexpired leases it holds at $1. */
  listNodes: `SELECT n.id, n.address, n.started_at, n.heartbeat_at, n.lease_until, n.stats::text AS stats,
      (SELECT count(*) FROM executions e WHERE e.locked_by = n.id AND e.locked_until > $1)::integer AS executions
      FROM nodes n
     ORDER BY n.started_at, n.id`,
  deleteNode: 'DELETE FROM nodes WHERE id = $1',

  // ---- the inbox -------------------------------------------------------------------------------

  /** Inserts the signal and notifies payload $5 on channel $4 (delivered when it commits). */
  postSignal: `WITH posted AS (
      INSERT INTO signals (execution_arn, signal, created_at) VALUES ($1, $2::jsonb, $3) RETURNING id
    )
    SELECT id, pg_notify($4, $5) FROM posted`,
  pendingSignals: `SELECT id, execution_arn, signal::text AS signal, created_at FROM signals
    WHERE execution_arn = $1 AND settled_at IS NULL
    ORDER BY id`,
  signalOutcome: 'SELECT accepted FROM signals WHERE id = $1 AND settled_at IS NOT NULL',
} as const;

/**
 * What several engine nodes sharing one store (PostgreSQL) need of it, beyond ExecutionStore. The
 * database is the only coordinator: no node talks to another.
 *
 * - **Execution leases** (`executions.locked_by`, `executions.locked_until`). A node steps an
 *   execution only while it holds its lease, and every commit it makes is fenced by it: the store
 *   applies the commit only if `locked_by` is the committing node and `locked_until` is still in the
 *   future (else the result is 'leaseLost'), on top of the version check. A lease is held only while
 *   the execution is active in a node's memory (a step in progress, a task running in process); an
 *   execution that waits for a timer or a callback holds none, so leases to renew stay few however
 *   many executions wait.
 * - **Claiming** (`claimExecutions`): executions ready to step (a due timer, an unsettled inbox
 *   signal) whose lease is free, and executions whose lease expired (their node died or stalled
 *   mid-step: "orphaned"), taken in batches in one statement with `FOR UPDATE SKIP LOCKED`, so
 *   nodes claiming at once never take the same execution. Taking expired leases is the reaper.
 * - **Renewal** (`heartbeat`): the node's own row (membership) and every lease it still holds move
 *   forward in one call; a lease already expired is never renewed, so a paused node that wakes up
 *   learns which executions it lost.
 * - **The inbox** (`signals`): a signal for an execution leased by another node (a task callback, a
 *   stop) is written here and applied by the lease holder, or by whoever claims the execution next;
 *   the commit that applies it marks it settled, and the sender reads the outcome.
 * - **Wake-ups** (`subscribe`/`publish`): LISTEN/NOTIFY on PostgreSQL; polling stays as the fallback.
 *
 * Times are epoch milliseconds from the caller's clock, as everywhere in the store contract: nodes'
 * clocks must agree to well within the lease time (NTP does).
 */
import type { Json } from '../json.js';
import type { ExecutionRecord, Millis, TimerRecord } from './types.js';

export interface NodeInfo {
  id: string;
  /** Where the node's API listens, e.g. http://10.0.0.5:8083 (for the console). */
  address?: string;
  startedAt: Millis;
}

export interface NodeRecord extends NodeInfo {
  heartbeatAt: Millis;
  /** The node counts as alive until then. */
  leaseUntil: Millis;
  /** How many executions' leases it holds now (unexpired). */
  executions: number;
  /** Counters the node reports with its heartbeat (steps committed, executions claimed, ...). */
  stats: Record<string, number>;
}

export interface ClaimedExecution {
  arn: string;
  /**
   * The lease was held by a node and had expired (that node died or stalled): tasks it was running
   * must be invoked again. False when the lease was free (the execution was idle).
   */
  orphaned: boolean;
  /** The execution as claimed (read in the same statement: no second round trip to load it). */
  record: ExecutionRecord;
  /** Whether it has unsettled inbox signals (only then is the inbox worth reading). */
  hasSignals: boolean;
}

export type AcquireResult =
  | { acquired: true; orphaned: boolean; record: ExecutionRecord; hasSignals: boolean }
  /** Another node holds an unexpired lease (or the execution does not exist: holder undefined). */
  | { acquired: false; holder?: string };

export interface InboxSignal {
  id: number;
  executionArn: string;
  /** The interpreter's Signal, as JSON. */
  signal: Json;
  createdAt: Millis;
}

/** What a node learns through `subscribe`; PostgreSQL carries them on one NOTIFY channel. */
export type ClusterEvent =
  /** An inbox signal was posted for the execution. */
  | { kind: 'signal'; executionArn: string }
  /** Inbox signals were settled (by a commit or `settleSignals`). */
  | { kind: 'settled'; ids: number[] }
  /** An activity task was scheduled: wake that activity's GetActivityTask long polls. */
  | { kind: 'activity'; activityArn: string }
  /** Executions became ready for anyone to claim (leases released with work pending, a node left). */
  | { kind: 'ready' };

export interface ClusterStore {
  /**
   * Upserts the node's row (heartbeat now, alive until now + leaseMs, these stats), extends to
   * now + leaseMs each lease among `held` that the node still holds unexpired, and returns those.
   * Housekeeping rides along: inbox signals settled over 5 minutes ago and nodes dead for over 10
   * minutes are deleted.
   */
  heartbeat(
    node: NodeInfo,
    held: readonly string[],
    now: Millis,
    leaseMs: Millis,
    stats?: Record<string, number>,
  ): Promise<string[]>;
  /** Every node row (dead ones until housekeeping removes them), oldest first, with its holdings. */
  listNodes(now: Millis): Promise<NodeRecord[]>;
  /** A clean shutdown: releases every lease the node holds and deletes its row. */
  leave(nodeId: string): Promise<void>;

  /**
   * Claims up to `limit` RUNNING executions that are ready to step (a timer due at or before `now`,
   * or an unsettled inbox signal) and whose lease is free, plus RUNNING executions whose lease has
   * expired (orphaned, whatever they wait for); each gets the lease until now + leaseMs. One
   * statement, `FOR UPDATE SKIP LOCKED`: concurrent claimers get disjoint sets.
   */
  claimExecutions(owner: string, now: Millis, leaseMs: Millis, limit: number): Promise<ClaimedExecution[]>;
  /**
   * Takes one execution's lease (any status: RedriveExecution takes one of an ended execution) if
   * it is free, expired, or already `owner`'s; until now + leaseMs.
   */
  acquireExecution(arn: string, owner: string, now: Millis, leaseMs: Millis): Promise<AcquireResult>;
  /** Gives up the leases `owner` holds on these executions (they are idle). Others' are untouched. */
  releaseExecutions(arns: readonly string[], owner: string): Promise<void>;
  /** Due timers (fire_at <= now) of the executions whose lease `owner` holds, earliest first. */
  dueTimersOf(owner: string, now: Millis, limit: number): Promise<TimerRecord[]>;

  /** Writes a signal to the execution's inbox; its id. */
  postSignal(executionArn: string, signal: Json, now: Millis): Promise<number>;
  /** The execution's unsettled inbox signals, oldest first. */
  pendingSignals(executionArn: string): Promise<InboxSignal[]>;
  /** Whether the signal was accepted once settled; undefined while unsettled (or unknown). */
  signalOutcome(id: number): Promise<boolean | undefined>;
  /** Settles signals outside a commit (their execution had ended, so nothing was applied). */
  settleSignals(outcomes: readonly { id: number; accepted: boolean }[], now: Millis): Promise<void>;

  /** Delivers every ClusterEvent published by any node (this one included) until unsubscribed. */
  subscribe(listener: (event: ClusterEvent) => void): Promise<() => Promise<void>>;
  publish(event: ClusterEvent): Promise<void>;
}

/** Whether a store can coordinate several nodes. */
export function isClusterStore(store: object): store is ClusterStore {
  const candidate = store as Partial<ClusterStore>;
  return typeof candidate.claimExecutions === 'function' && typeof candidate.heartbeat === 'function';
}

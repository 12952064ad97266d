/**
 * Who runs an execution. Alone, this node owns every execution and the port is almost empty
 * (./local-ownership.ts). On a node of several sharing one PostgreSQL database
 * (./cluster/cluster-ownership.ts), an execution runs where its lease is held: the lease is taken
 * to run a signal, kept while a task of it runs here, fenced into every commit, and given back
 * once the execution only waits; a signal for an execution another node holds goes to that node's
 * inbox. The engine's other parts ask this port at each of those points and never which mode it is.
 */
import type { NodeRecord } from '../../store/cluster.js';
import type { Commit, ExecutionRecord } from '../../store/types.js';
import type { ClusterStats } from './cluster/cluster-node.js';
import type { Actor, Delivery } from './actor.js';
import type { StopResult } from '../engine.js';

export interface Ownership {
  /**
   * Loads what this node runs (alone: every RUNNING execution), without running any of it: no user
   * code runs before `resume`, so the server can answer before that.
   */
  start(): Promise<void>;
  /** Runs what `start` loaded (tasks again, due timers) and starts looking for work: resolves after the first look. */
  resume(): Promise<void>;
  /** After the engine's last commits: stops looking for work and gives back what it can. */
  close(): Promise<void>;

  /** The lease a step's commit is fenced by, kept after it or not; undefined alone. */
  fence(now: number, keep: boolean): Commit['lease'];
  /** Whether this node still holds the execution after a step that wanted to `keep` it. */
  keepAfterStep(keep: boolean): boolean;
  /** A step was committed, taking the execution from `before` to `after` (counted for the cluster view and the quota). */
  committed(before: ExecutionRecord, after: ExecutionRecord): void;
  /**
   * Standard executions counted against --max-executions-in-flight. Alone: every RUNNING one, its
   * actor loaded or not (a waiting execution is only its row and its timer). On a node of several:
   * those whose actors are here now.
   */
  readonly open: number;

  /** Takes an execution to redrive it here: the record as it stands then, or undefined if another node has it. */
  acquire(arn: string, record: ExecutionRecord): Promise<ExecutionRecord | undefined>;
  /** Gives back an execution acquired and then not run. */
  release(arn: string): Promise<void>;
  /** Takes the lease again for an actor that gave it up or lost it; false when another node has it (and what was queued went there). */
  reacquire(arn: string, actor: Actor): Promise<boolean>;
  /** The actor's mailbox is empty: gives the lease back unless a task here needs it; undefined when there is nothing to give back. */
  releaseIdle(arn: string, actor: Actor): Promise<void> | undefined;
  /** The actor's pump stopped: forgets it if it holds nothing and has nothing to do. */
  forgetIdle(arn: string, actor: Actor): void;
  /** Inbox signals dropped with an ended execution's mailbox: settled as not applied. */
  dropInbox(ids: number[]): void;

  /** A delivery for an execution with no actor here: to its actor wherever it runs, or settled as not accepted. */
  route(arn: string, delivery: Delivery): Promise<void>;
  /** StopExecution of a Standard execution. */
  stop(arn: string, error?: string, cause?: string): Promise<StopResult>;

  /** Looks for work now: due timers (and, on a node of several, executions to claim). */
  sweep(): Promise<void>;
  /** Looks for work again by `at` at the latest. */
  wakeAt(at: number): void;
  /** Calls `check` now and then while someone waits for an end another node may commit; the function that stops it. */
  watch(check: () => void): (() => void) | undefined;

  /** This node's id and counters; undefined alone. */
  readonly node: { id: string; stats: ClusterStats } | undefined;
  /** The cluster's nodes; undefined alone. */
  nodes(): Promise<NodeRecord[] | undefined>;
  /** Where this node's API listens, reported with its heartbeat. */
  advertise(address: string): void;
}

/**
 * This node's part in a cluster of engine nodes sharing one database (src/store/cluster.ts): its
 * membership row and lease renewal (the heartbeat), its wake-ups (LISTEN/NOTIFY with polling as
 * the fallback), and the counters it reports. It decides nothing about executions: the durable
 * engine is told which leases were lost, which events arrived, and when to look for work.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClusterEvent, ClusterStore, NodeInfo, NodeRecord } from '../../../store/cluster.js';
import type { Clock } from '../../clock.js';

export interface ClusterOptions {
  store: ClusterStore;
  /** Default: `<hostname>-<pid>-<random>`. Two live processes must never share one. */
  nodeId?: string;
  /** Where this node's API listens, shown to the console. */
  address?: string;
  /** How long a lease lasts without renewal (default 10 s). The heartbeat runs every third of it. */
  leaseMs?: number;
  /** Longest time between two looks for work without a wake-up (default: a second, or a third of the lease if shorter). */
  pollMs?: number;
  /** Most executions claimed per statement (default 100). */
  claimBatch?: number;
}

export const DEFAULT_LEASE_MS = 10_000;

/** Counters reported with the heartbeat (and shown by GET /cluster/nodes). */
export interface ClusterStats {
  stepsCommitted: number;
  executionsClaimed: number;
  executionsTakenOver: number;
  signalsForwarded: number;
  leasesLost: number;
  [counter: string]: number;
}

export interface ClusterHooks {
  /** Executions whose lease this node holds now. */
  held(): string[];
  /**
   * Leases the heartbeat did not renew: expired (another node may have them now), or given up
   * while it ran. Returns the ones that were really lost.
   */
  lost(arns: string[]): string[];
  /** A cluster event from any node. */
  event(event: ClusterEvent): void;
  /** Time to look for work (claims and due timers). */
  poll(): void;
}

export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export class ClusterNode {
  readonly store: ClusterStore;
  readonly id: string;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly claimBatch: number;
  readonly stats: ClusterStats = {
    stepsCommitted: 0,
    executionsClaimed: 0,
    executionsTakenOver: 0,
    signalsForwarded: 0,
    leasesLost: 0,
  };
  private info: NodeInfo;
  private heartbeatHandle: NodeJS.Timeout | undefined;
  private pollHandle: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;

  constructor(
    options: ClusterOptions,
    private readonly clock: Clock,
    private readonly hooks: ClusterHooks,
    private readonly log?: Logger,
  ) {
    this.store = options.store;
    this.id = options.nodeId ?? defaultNodeId();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.pollMs = options.pollMs ?? Math.min(1_000, Math.floor(this.leaseMs / 3));
    this.claimBatch = options.claimBatch ?? 100;
    this.info = {
      id: this.id,
      startedAt: clock.now(),
      ...(options.address !== undefined ? { address: options.address } : {}),
    };
  }

  /** Joins: subscribes to wake-ups, writes the first heartbeat, then renews every third of the lease. */
  async start(): Promise<void> {
    this.unsubscribe = await this.store.subscribe((event) => this.hooks.event(event));
    await this.heartbeat();
    this.scheduleHeartbeat();
  }

  /** Stops renewing and listening; `leave` is the caller's (after its last commits). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatHandle) clearTimeout(this.heartbeatHandle);
    if (this.pollHandle) clearTimeout(this.pollHandle);
    await this.beating;
    await this.unsubscribe?.().catch(() => undefined);
  }

  setAddress(address: string): void {
    this.info = { ...this.info, address };
  }

  /** The lease's end for something taken or renewed now. */
  leaseUntil(now = this.clock.now()): number {
    return now + this.leaseMs;
  }

  /** Looks for work at `at` at the latest (the earliest request wins), and never later than the poll interval. */
  pollAt(at: number): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const due = Math.min(at, now + this.pollMs);
    if (this.pollHandle && this.pollDue <= due) return;
    if (this.pollHandle) clearTimeout(this.pollHandle);
    this.pollDue = due;
    this.pollHandle = setTimeout(
      () => {
        this.pollHandle = undefined;
        this.pollDue = Number.POSITIVE_INFINITY;
        this.hooks.poll();
      },
      Math.max(0, due - now),
    );
  }
  private pollDue = Number.POSITIVE_INFINITY;

  async nodes(): Promise<NodeRecord[]> {
    return this.store.listNodes(this.clock.now());
  }

  private scheduleHeartbeat(): void {
    if (this.stopped) return;
    this.heartbeatHandle = setTimeout(
      () => {
        this.beating = this.heartbeat().finally(() => {
          this.beating = undefined;
          this.scheduleHeartbeat();
        });
      },
      Math.floor(this.leaseMs / 3),
    );
  }

  /** Renews the membership row and every lease held; reports the ones that could not be renewed. */
  private async heartbeat(): Promise<void> {
    const held = this.hooks.held();
    try {
      const renewed = new Set(
        await this.store.heartbeat(this.info, held, this.clock.now(), this.leaseMs, { ...this.stats }),
      );
      const lost = this.hooks.lost(held.filter((arn) => !renewed.has(arn)));
      if (lost.length > 0) {
        this.stats.leasesLost += lost.length;
        this.log?.warn(
          { node: this.id, lost: lost.length },
          'leases expired before renewal; their executions are left to other nodes',
        );
      }
    } catch (error) {
      // The database is unreachable: keep trying. Leases run out meanwhile, and the commit fence
      // keeps this node from writing steps after that.
      this.log?.error({ err: error, node: this.id }, 'heartbeat failed');
    }
  }
}

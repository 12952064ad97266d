/**
 * The store in plain Maps: the same semantics as SQLite (see ../commit-rules.ts), for tests and the
 * engine's unit tests. Records are cloned on the way in and out, as a database would.
 *
 * It is also a ClusterStore with PostgreSQL's semantics (../cluster.ts), so several engines in one
 * process can share one MemoryStore as a cluster in unit tests. Every time comparison uses the `now`
 * the caller passes (a fake clock works); events reach subscribers in a microtask after the call
 * that published them, as a NOTIFY arrives after its transaction.
 */
import type { HistoryEvent } from '../../vocabulary/history-events.js';
import type { Json } from '../../json.js';
import { activityArnsOf } from '../cluster-events.js';
import type {
  AcquireResult,
  ClaimedExecution,
  ClusterEvent,
  ClusterStore,
  InboxSignal,
  NodeInfo,
  NodeRecord,
} from '../cluster.js';
import { assertValidCommits, hasDuplicateEventIds } from '../commit-rules.js';
import { checkLimit } from '../page-token.js';
import type {
  ActivityRecord,
  AliasRecord,
  ClaimedTask,
  Commit,
  CommitResult,
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStore,
  ExecutionSummary,
  MapRunChildCount,
  MapRunChildRecord,
  MapRunLimits,
  MapRunRecord,
  Millis,
  Page,
  PageRequest,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
  TimerRecord,
  OutboxRecord,
} from '../types.js';
import { compareKeys, paginate } from './paging.js';

const clone = <T>(value: T): T => structuredClone(value);

/** Inbox signals settled longer ago than this are deleted by a heartbeat; nodes dead longer, too. */
const SETTLED_SIGNAL_RETENTION_MS = 5 * 60_000;
const DEAD_NODE_RETENTION_MS = 10 * 60_000;

interface Lease {
  owner: string;
  until: Millis;
}

interface StoredSignal extends InboxSignal {
  settledAt?: Millis;
  accepted?: boolean;
}

interface StoredNode {
  info: NodeInfo;
  heartbeatAt: Millis;
  leaseUntil: Millis;
  stats: Record<string, number>;
}

type Listener = (event: ClusterEvent) => void;

export class MemoryStore implements ExecutionStore, ClusterStore {
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly versions = new Map<string, StateMachineVersionRecord>();
  private readonly aliases = new Map<string, AliasRecord>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Per execution: the events ordered by id, and their ids for the duplicate check. */
  private readonly history = new Map<string, { events: HistoryEvent[]; ids: Set<number> }>();
  private readonly timers = new Map<string, Map<string, TimerRecord>>();
  private readonly tasks = new Map<string, Map<string, TaskRecord>>();
  /** The outbox, by id; `nextAttemptAt` is when a row may be taken. */
  private readonly outbox = new Map<number, OutboxRecord & { nextAttemptAt: Millis }>();
  private outboxIds = 0;
  private readonly activities = new Map<string, ActivityRecord>();
  private readonly mapRuns = new Map<string, MapRunRecord>();
  /** Per Map Run: its finished children by index. */
  private readonly mapRunChildRows = new Map<string, Map<number, MapRunChildRecord>>();
  /** Activity-task claims by `claimKey(executionArn, taskId)`; dropped with their outbox row. */
  private readonly claims = new Map<string, { claimedAt: Millis; claimedBy?: string }>();
  /** Execution leases by execution ARN; a free lease has no entry. */
  private readonly leases = new Map<string, Lease>();
  private readonly nodes = new Map<string, StoredNode>();
  /** The inbox, by id (ids ascend with insertion, so Map order is id order). */
  private readonly signals = new Map<number, StoredSignal>();
  private lastSignalId = 0;
  private readonly listeners = new Set<Listener>();

  // ---- state machines --------------------------------------------------------------------------

  async createStateMachine(record: StateMachineRecord): Promise<'ok' | 'exists'> {
    if (this.stateMachines.has(record.arn)) return 'exists';
    this.stateMachines.set(record.arn, clone(record));
    return 'ok';
  }

  async getStateMachine(arn: string): Promise<StateMachineRecord | undefined> {
    return clone(this.stateMachines.get(arn));
  }

  async updateStateMachine(record: StateMachineRecord): Promise<void> {
    if (this.stateMachines.has(record.arn)) this.stateMachines.set(record.arn, clone(record));
  }

  async deleteStateMachine(arn: string): Promise<void> {
    for (const related of [this.versions, this.aliases]) {
      for (const [key, record] of related) {
        if (record.stateMachineArn !== arn) continue;
        related.delete(key);
        this.tags.delete(key);
      }
    }
    this.stateMachines.delete(arn);
    this.tags.delete(arn);
  }

  async listStateMachines(page: PageRequest): Promise<Page<StateMachineRecord>> {
    return clone(
      paginate(
        this.stateMachines.values(),
        { list: 'stateMachines', key: (m) => [m.creationDate, m.arn], shape: ['number', 'string'], descending: false },
        page,
      ),
    );
  }

  // ---- versions and aliases --------------------------------------------------------------------

  async createVersion(record: StateMachineVersionRecord): Promise<void> {
    if (!this.stateMachines.has(record.stateMachineArn)) {
      throw new Error(`State machine ${record.stateMachineArn} does not exist`);
    }
    const taken = [...this.versions.values()].some(
      (v) => v.arn === record.arn || (v.stateMachineArn === record.stateMachineArn && v.version === record.version),
    );
    if (taken) throw new Error(`Version ${record.arn} already exists`);
    this.versions.set(record.arn, clone(record));
  }

  async getVersion(arn: string): Promise<StateMachineVersionRecord | undefined> {
    return clone(this.versions.get(arn));
  }

  async listVersions(stateMachineArn: string, page: PageRequest): Promise<Page<StateMachineVersionRecord>> {
    const mine = [...this.versions.values()].filter((v) => v.stateMachineArn === stateMachineArn);
    return clone(
      paginate(mine, { list: 'versions', key: (v) => [v.version], shape: ['number'], descending: true }, page),
    );
  }

  async deleteVersion(arn: string): Promise<void> {
    this.versions.delete(arn);
    this.tags.delete(arn);
  }

  async putAlias(record: AliasRecord): Promise<void> {
    if (!this.stateMachines.has(record.stateMachineArn)) {
      throw new Error(`State machine ${record.stateMachineArn} does not exist`);
    }
    const clash = [...this.aliases.values()].some(
      (a) => a.arn !== record.arn && a.stateMachineArn === record.stateMachineArn && a.name === record.name,
    );
    if (clash) throw new Error(`Alias ${record.name} already exists`);
    this.aliases.set(record.arn, clone(record));
  }

  async getAlias(arn: string): Promise<AliasRecord | undefined> {
    return clone(this.aliases.get(arn));
  }

  async listAliases(stateMachineArn: string, page: PageRequest): Promise<Page<AliasRecord>> {
    const mine = [...this.aliases.values()].filter((a) => a.stateMachineArn === stateMachineArn);
    return clone(paginate(mine, { list: 'aliases', key: (a) => [a.name], shape: ['string'], descending: false }, page));
  }

  async deleteAlias(arn: string): Promise<void> {
    this.aliases.delete(arn);
    this.tags.delete(arn);
  }

  // ---- tags ------------------------------------------------------------------------------------

  async getTags(resourceArn: string): Promise<Record<string, string>> {
    const entries = [...(this.tags.get(resourceArn) ?? [])].sort((a, b) => compareKeys([a[0]], [b[0]]));
    return Object.fromEntries(entries);
  }

  async setTags(resourceArn: string, tags: Record<string, string>): Promise<void> {
    const existing = this.tags.get(resourceArn) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) existing.set(key, value);
    if (existing.size > 0) this.tags.set(resourceArn, existing);
  }

  async removeTags(resourceArn: string, keys: string[]): Promise<void> {
    const existing = this.tags.get(resourceArn);
    if (!existing) return;
    for (const key of keys) existing.delete(key);
    if (existing.size === 0) this.tags.delete(resourceArn);
  }

  // ---- activities ------------------------------------------------------------------------------

  async createActivity(record: ActivityRecord): Promise<'ok' | 'exists'> {
    if (this.activities.has(record.arn)) return 'exists';
    this.activities.set(record.arn, clone(record));
    return 'ok';
  }

  async getActivity(arn: string): Promise<ActivityRecord | undefined> {
    return clone(this.activities.get(arn));
  }

  async deleteActivity(arn: string): Promise<void> {
    this.activities.delete(arn);
    this.tags.delete(arn);
  }

  async listActivities(page: PageRequest): Promise<Page<ActivityRecord>> {
    return clone(
      paginate(
        this.activities.values(),
        { list: 'activities', key: (a) => [a.creationDate, a.arn], shape: ['number', 'string'], descending: false },
        page,
      ),
    );
  }

  // ---- executions ------------------------------------------------------------------------------

  async getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    return clone(this.executions.get(arn));
  }

  async listExecutions(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionSummary>> {
    const matching = [...this.executions.values()].filter((e) => matches(e, filter));
    const result = paginate(
      matching,
      { list: 'executions', key: (e) => [e.startDate, e.arn], shape: ['number', 'string'], descending: true },
      page,
    );
    return { ...result, items: result.items.map(summarize) };
  }

  async getHistory(
    executionArn: string,
    options: { afterId?: number; limit: number; reverse?: boolean },
  ): Promise<HistoryEvent[]> {
    checkLimit(options.limit);
    const events = this.history.get(executionArn)?.events ?? [];
    const { afterId, reverse = false } = options;
    const selected = reverse
      ? events.filter((e) => afterId === undefined || e.id < afterId).reverse()
      : events.filter((e) => afterId === undefined || e.id > afterId);
    return clone(selected.slice(0, options.limit));
  }

  async commit(commits: Commit[]): Promise<CommitResult[]> {
    assertValidCommits(commits);
    // Copied before anything is written, so a commit that cannot be copied (a value nested too deep)
    // fails the batch with no trace, as a rolled-back transaction does in the SQL stores.
    const copies = commits.map((commit) => ({
      ...commit,
      execution: clone(commit.execution),
      events: clone(commit.events),
    }));
    return copies.map((commit) => this.apply(commit));
  }

  /**
   * Checks everything first, then writes: a conflicting (or leaseLost) commit leaves no trace. The
   * commit's execution and events are the store's own copies already.
   */
  private apply(commit: Commit): CommitResult {
    const { execution, expectedVersion, lease } = commit;
    if (hasDuplicateEventIds(commit)) return 'conflict';
    const stored = this.executions.get(execution.arn);
    const versionMatches = expectedVersion === 0 ? stored === undefined : stored?.version === expectedVersion;
    if (!versionMatches) return 'conflict';
    if (lease && expectedVersion !== 0 && !this.holds(execution.arn, lease.owner, lease.now)) return 'leaseLost';
    const history = this.history.get(execution.arn) ?? { events: [], ids: new Set<number>() };
    if (commit.events.some((e) => history.ids.has(e.id))) return 'conflict';

    this.executions.set(execution.arn, execution);
    const appendedAt = history.events.length;
    for (const event of commit.events) history.ids.add(event.id);
    history.events.push(...commit.events);
    if (!ascendingFrom(history.events, appendedAt)) history.events.sort((a, b) => a.id - b.id);
    this.history.set(execution.arn, history);
    applyRows(this.timers, execution.arn, commit.timersRemoved, commit.timersAdded, (t) => t.timerId);
    applyRows(this.tasks, execution.arn, commit.tasksRemoved, commit.tasksAdded, (t) => t.taskId);
    for (const taskId of commit.tasksRemoved) this.claims.delete(claimKey(execution.arn, taskId));
    for (const task of commit.tasksAdded) this.claims.delete(claimKey(execution.arn, task.taskId));
    if (lease) {
      if (lease.until !== null && execution.status === 'RUNNING')
        this.leases.set(execution.arn, { owner: lease.owner, until: lease.until });
      else this.leases.delete(execution.arn);
    }
    if (commit.signalsSettled && commit.signalsSettled.length > 0)
      this.settle(commit.signalsSettled, lease?.now ?? Date.now());
    for (const m of commit.outbox ?? []) {
      const id = ++this.outboxIds;
      this.outbox.set(id, { ...m, id, attempts: 0, nextAttemptAt: m.createdAt });
    }
    for (const activityArn of activityArnsOf(commit.tasksAdded)) this.deliver({ kind: 'activity', activityArn });
    return 'ok';
  }

  // ---- Map Runs --------------------------------------------------------------------------------

  async createMapRun(record: MapRunRecord): Promise<'ok' | 'exists'> {
    if (this.mapRuns.has(record.arn)) return 'exists';
    this.mapRuns.set(record.arn, clone(record));
    return 'ok';
  }

  /** As the SQL stores: the parent execution, the children's state machine and the limits stay. */
  async updateMapRun(record: MapRunRecord): Promise<void> {
    const stored = this.mapRuns.get(record.arn);
    if (!stored) return;
    const { executionArn, stateMachineArn, maxConcurrency, toleratedFailurePercentage, toleratedFailureCount } = stored;
    this.mapRuns.set(record.arn, {
      ...clone(record),
      executionArn,
      stateMachineArn,
      maxConcurrency,
      toleratedFailurePercentage,
      toleratedFailureCount,
    });
  }

  async updateMapRunLimits(arn: string, limits: MapRunLimits): Promise<boolean> {
    const stored = this.mapRuns.get(arn);
    if (!stored) return false;
    const given = Object.entries(limits).filter(([, value]) => value !== undefined);
    this.mapRuns.set(arn, { ...stored, ...Object.fromEntries(given) });
    return true;
  }

  async getMapRun(arn: string): Promise<MapRunRecord | undefined> {
    return clone(this.mapRuns.get(arn));
  }

  async listMapRuns(executionArn: string, page: PageRequest): Promise<Page<MapRunRecord>> {
    const mine = [...this.mapRuns.values()].filter((r) => r.executionArn === executionArn);
    return clone(
      paginate(
        mine,
        { list: 'mapRuns', key: (r) => [r.startDate, r.arn], shape: ['number', 'string'], descending: true },
        page,
      ),
    );
  }

  async putMapRunChildren(children: MapRunChildRecord[]): Promise<void> {
    const copies = clone(children);
    for (const child of copies) {
      const rows = this.mapRunChildRows.get(child.mapRunArn) ?? new Map<number, MapRunChildRecord>();
      rows.set(child.index, child);
      this.mapRunChildRows.set(child.mapRunArn, rows);
    }
  }

  async mapRunChildren(
    mapRunArn: string,
    options: { afterIndex?: number; limit: number },
  ): Promise<MapRunChildRecord[]> {
    checkLimit(options.limit);
    const { afterIndex } = options;
    return [...(this.mapRunChildRows.get(mapRunArn)?.values() ?? [])]
      .filter((c) => afterIndex === undefined || c.index > afterIndex)
      .sort((a, b) => a.index - b.index)
      .slice(0, options.limit)
      .map(clone);
  }

  async countMapRunChildren(mapRunArn: string): Promise<MapRunChildCount[]> {
    const counts = new Map<MapRunChildCount['status'], MapRunChildCount>();
    for (const child of this.mapRunChildRows.get(mapRunArn)?.values() ?? []) {
      const count = counts.get(child.status) ?? { status: child.status, children: 0, items: 0 };
      count.children++;
      count.items += child.itemCount;
      counts.set(child.status, count);
    }
    return [...counts.values()].sort((a, b) => compareKeys([a.status], [b.status]));
  }

  async deleteMapRunChildren(mapRunArn: string, indexes: number[]): Promise<void> {
    const rows = this.mapRunChildRows.get(mapRunArn);
    if (!rows) return;
    for (const index of indexes) rows.delete(index);
    if (rows.size === 0) this.mapRunChildRows.delete(mapRunArn);
  }

  // ---- engine work -----------------------------------------------------------------------------

  async countRunningExecutions(): Promise<number> {
    let running = 0;
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') running++;
    return running;
  }

  async runningExecutionsWithTasks(): Promise<string[]> {
    return [...this.tasks.entries()]
      .filter(([arn, tasks]) => tasks.size > 0 && this.executions.get(arn)?.status === 'RUNNING')
      .map(([arn]) => arn)
      .sort();
  }

  async dueTimers(now: Millis, limit: number): Promise<TimerRecord[]> {
    checkLimit(limit);
    return this.allTimers()
      .filter((t) => t.fireAt <= now)
      .slice(0, limit)
      .map(clone);
  }

  async nextTimerAt(): Promise<Millis | undefined> {
    return this.allTimers()[0]?.fireAt;
  }

  async countTimers(): Promise<number> {
    return this.allTimers().length;
  }

  async claimOutbox(now: Millis, limit: number, holdMs: number): Promise<OutboxRecord[]> {
    const due = [...this.outbox.values()]
      .filter((row) => row.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit);
    return due.map((row) => {
      row.nextAttemptAt = now + holdMs;
      const { nextAttemptAt: _next, ...record } = row;
      return { ...record };
    });
  }

  async deleteExecutionsStoppedBefore(stoppedBefore: Millis, limit: number): Promise<number> {
    const doomed = [...this.executions.values()]
      .filter((e) => e.status !== 'RUNNING' && e.stopDate !== undefined && e.stopDate < stoppedBefore)
      .sort((a, b) => compareKeys([a.stopDate ?? 0, a.arn], [b.stopDate ?? 0, b.arn]))
      .slice(0, limit);
    for (const { arn } of doomed) {
      this.executions.delete(arn);
      this.history.delete(arn);
      this.timers.delete(arn);
      this.tasks.delete(arn);
      this.leases.delete(arn);
      for (const [id, signal] of this.signals) if (signal.executionArn === arn) this.signals.delete(id);
      for (const [runArn, run] of this.mapRuns) {
        if (run.executionArn !== arn) continue;
        this.mapRuns.delete(runArn);
        this.mapRunChildRows.delete(runArn);
      }
    }
    return doomed.length;
  }

  async settleOutbox(id: number, retry?: { attempts: number; nextAttemptAt: Millis }): Promise<void> {
    const row = this.outbox.get(id);
    if (!row) return;
    if (!retry) this.outbox.delete(id);
    else Object.assign(row, retry);
  }

  async pendingTasks(executionArn: string): Promise<TaskRecord[]> {
    return [...(this.tasks.get(executionArn)?.values() ?? [])]
      .sort((a, b) => compareKeys([a.createdAt, a.taskId], [b.createdAt, b.taskId]))
      .map(clone);
  }

  async claimActivityTask(
    activityArn: string,
    workerName: string | undefined,
    now: Millis,
  ): Promise<ClaimedTask | undefined> {
    let oldest: TaskRecord | undefined;
    for (const rows of this.tasks.values()) {
      for (const task of rows.values()) {
        if (task.resource !== activityArn || this.claims.has(claimKey(task.executionArn, task.taskId))) continue;
        if (
          !oldest ||
          compareKeys(
            [task.createdAt, task.executionArn, task.taskId],
            [oldest.createdAt, oldest.executionArn, oldest.taskId],
          ) < 0
        )
          oldest = task;
      }
    }
    if (!oldest) return undefined;
    const claim = { claimedAt: now, ...(workerName !== undefined ? { claimedBy: workerName } : {}) };
    this.claims.set(claimKey(oldest.executionArn, oldest.taskId), claim);
    return { ...clone(oldest), ...claim };
  }

  async releaseActivityTask(executionArn: string, taskId: string): Promise<void> {
    this.claims.delete(claimKey(executionArn, taskId));
  }

  async close(): Promise<void> {}

  // ---- cluster: nodes and leases -----------------------------------------------------------------

  async heartbeat(
    node: NodeInfo,
    held: readonly string[],
    now: Millis,
    leaseMs: Millis,
    stats?: Record<string, number>,
  ): Promise<string[]> {
    const previous = this.nodes.get(node.id);
    this.nodes.set(node.id, {
      info: {
        id: node.id,
        startedAt: node.startedAt,
        ...(node.address !== undefined ? { address: node.address } : {}),
      },
      heartbeatAt: now,
      leaseUntil: now + leaseMs,
      stats: clone(stats ?? previous?.stats ?? {}),
    });
    const renewed: string[] = [];
    for (const arn of new Set(held)) {
      const lease = this.leases.get(arn);
      if (!lease || lease.owner !== node.id || lease.until <= now) continue;
      lease.until = Math.max(lease.until, now + leaseMs);
      renewed.push(arn);
    }
    for (const [id, signal] of this.signals) {
      if (signal.settledAt !== undefined && signal.settledAt < now - SETTLED_SIGNAL_RETENTION_MS)
        this.signals.delete(id);
    }
    for (const [id, other] of this.nodes) {
      if (id !== node.id && other.leaseUntil < now - DEAD_NODE_RETENTION_MS) this.nodes.delete(id);
    }
    return renewed;
  }

  async listNodes(now: Millis): Promise<NodeRecord[]> {
    const holdings = new Map<string, number>();
    for (const lease of this.leases.values()) {
      if (lease.until > now) holdings.set(lease.owner, (holdings.get(lease.owner) ?? 0) + 1);
    }
    return [...this.nodes.values()]
      .sort((a, b) => compareKeys([a.info.startedAt, a.info.id], [b.info.startedAt, b.info.id]))
      .map((n): NodeRecord => ({
        id: n.info.id,
        ...(n.info.address !== undefined ? { address: n.info.address } : {}),
        startedAt: n.info.startedAt,
        heartbeatAt: n.heartbeatAt,
        leaseUntil: n.leaseUntil,
        executions: holdings.get(n.info.id) ?? 0,
        stats: clone(n.stats),
      }));
  }

  async leave(nodeId: string): Promise<void> {
    let released = 0;
    for (const [arn, lease] of this.leases) {
      if (lease.owner !== nodeId) continue;
      this.leases.delete(arn);
      released++;
    }
    this.nodes.delete(nodeId);
    if (released > 0) this.deliver({ kind: 'ready' });
  }

  async claimExecutions(owner: string, now: Millis, leaseMs: Millis, limit: number): Promise<ClaimedExecution[]> {
    checkLimit(limit);
    // Candidates come from the small sets (due timers, unsettled signals, expired leases), each
    // with the time it has been waiting since: the longest waiting are claimed first.
    const since = new Map<string, Millis>();
    const note = (arn: string, at: Millis): void => {
      since.set(arn, Math.min(since.get(arn) ?? Number.POSITIVE_INFINITY, at));
    };
    for (const timer of this.allTimers()) if (timer.fireAt <= now) note(timer.executionArn, timer.fireAt);
    for (const signal of this.signals.values())
      if (signal.settledAt === undefined) note(signal.executionArn, signal.createdAt);
    for (const [arn, lease] of this.leases) if (lease.until <= now) note(arn, lease.until);
    const ready = [...since]
      .filter(([arn]) => this.executions.get(arn)?.status === 'RUNNING' && this.leaseFree(arn, now))
      .sort((a, b) => compareKeys([a[1], a[0]], [b[1], b[0]]))
      .slice(0, limit);
    return ready.map(([arn]): ClaimedExecution => {
      const orphaned = this.leases.has(arn);
      this.leases.set(arn, { owner, until: now + leaseMs });
      return {
        arn,
        orphaned,
        record: clone(this.executions.get(arn) as ExecutionRecord),
        hasSignals: this.hasSignals(arn),
      };
    });
  }

  async acquireExecution(arn: string, owner: string, now: Millis, leaseMs: Millis): Promise<AcquireResult> {
    if (!this.executions.has(arn)) return { acquired: false };
    const lease = this.leases.get(arn);
    if (lease && lease.owner !== owner && lease.until > now) return { acquired: false, holder: lease.owner };
    this.leases.set(arn, { owner, until: now + leaseMs });
    return {
      acquired: true,
      orphaned: lease !== undefined && lease.owner !== owner,
      record: clone(this.executions.get(arn) as ExecutionRecord),
      hasSignals: this.hasSignals(arn),
    };
  }

  private hasSignals(arn: string): boolean {
    for (const signal of this.signals.values())
      if (signal.executionArn === arn && signal.settledAt === undefined) return true;
    return false;
  }

  async releaseExecutions(arns: readonly string[], owner: string): Promise<void> {
    for (const arn of arns) if (this.leases.get(arn)?.owner === owner) this.leases.delete(arn);
  }

  async dueTimersOf(owner: string, now: Millis, limit: number): Promise<TimerRecord[]> {
    checkLimit(limit);
    return this.allTimers()
      .filter((t) => t.fireAt <= now && this.holds(t.executionArn, owner, now))
      .slice(0, limit)
      .map(clone);
  }

  // ---- cluster: the inbox ------------------------------------------------------------------------

  async postSignal(executionArn: string, signal: Json, now: Millis): Promise<number> {
    const id = ++this.lastSignalId;
    this.signals.set(id, { id, executionArn, signal: clone(signal), createdAt: now });
    this.deliver({ kind: 'signal', executionArn });
    return id;
  }

  async pendingSignals(executionArn: string): Promise<InboxSignal[]> {
    return [...this.signals.values()]
      .filter((s) => s.executionArn === executionArn && s.settledAt === undefined)
      .map((s): InboxSignal =>
        clone({ id: s.id, executionArn: s.executionArn, signal: s.signal, createdAt: s.createdAt }),
      );
  }

  async signalOutcome(id: number): Promise<boolean | undefined> {
    const signal = this.signals.get(id);
    return signal?.settledAt === undefined ? undefined : signal.accepted;
  }

  async settleSignals(outcomes: readonly { id: number; accepted: boolean }[], now: Millis): Promise<void> {
    if (outcomes.length > 0) this.settle(outcomes, now);
  }

  // ---- cluster: events ---------------------------------------------------------------------------

  async subscribe(listener: (event: ClusterEvent) => void): Promise<() => Promise<void>> {
    const subscription: Listener = (event) => listener(event);
    this.listeners.add(subscription);
    return async () => {
      this.listeners.delete(subscription);
    };
  }

  async publish(event: ClusterEvent): Promise<void> {
    this.deliver(event);
  }

  /** Settles unsettled signals among `outcomes` (a settled one keeps its first outcome) and tells subscribers. */
  private settle(outcomes: readonly { id: number; accepted: boolean }[], now: Millis): void {
    for (const { id, accepted } of outcomes) {
      const signal = this.signals.get(id);
      if (signal && signal.settledAt === undefined) Object.assign(signal, { settledAt: now, accepted });
    }
    this.deliver({ kind: 'settled', ids: [...new Set(outcomes.map((o) => o.id))] });
  }

  /** To every listener subscribed now and still subscribed then, in a microtask. */
  private deliver(event: ClusterEvent): void {
    for (const listener of [...this.listeners]) {
      const copy = clone(event);
      queueMicrotask(() => {
        if (!this.listeners.has(listener)) return;
        try {
          listener(copy);
        } catch {
          // A listener's failure is its own; the others still hear the event.
        }
      });
    }
  }

  /** Whether `owner` holds the execution's lease unexpired at `now`. */
  private holds(arn: string, owner: string, now: Millis): boolean {
    const lease = this.leases.get(arn);
    return lease !== undefined && lease.owner === owner && lease.until > now;
  }

  /** Whether the execution's lease is free or expired at `now`. */
  private leaseFree(arn: string, now: Millis): boolean {
    const lease = this.leases.get(arn);
    return lease === undefined || lease.until <= now;
  }

  /** Every timer, ordered by (fireAt, executionArn, timerId) like the SQL index. */
  private allTimers(): TimerRecord[] {
    return [...this.timers.values()]
      .flatMap((byId) => [...byId.values()])
      .sort((a, b) => compareKeys([a.fireAt, a.executionArn, a.timerId], [b.fireAt, b.executionArn, b.timerId]));
  }
}

const claimKey = (executionArn: string, taskId: string): string => `${executionArn}\u0000${taskId}`;

/** Whether the events from index `start` on keep ascending id order. */
function ascendingFrom(events: readonly HistoryEvent[], start: number): boolean {
  for (let i = Math.max(1, start); i < events.length; i++) if (events[i - 1].id > events[i].id) return false;
  return true;
}

function matches(e: ExecutionRecord, filter: ExecutionFilter): boolean {
  if (filter.stateMachineArn !== undefined && e.stateMachineArn !== filter.stateMachineArn) return false;
  if (filter.stateMachineVersionArn !== undefined && e.stateMachineVersionArn !== filter.stateMachineVersionArn)
    return false;
  if (filter.stateMachineAliasArn !== undefined && e.stateMachineAliasArn !== filter.stateMachineAliasArn) return false;
  if (filter.status !== undefined && e.status !== filter.status) return false;
  if (filter.mapRunArn !== undefined && e.mapRunArn !== filter.mapRunArn) return false;
  if (filter.redriveFilter === 'REDRIVEN' && e.redriveCount === 0) return false;
  if (filter.redriveFilter === 'NOT_REDRIVEN' && e.redriveCount > 0) return false;
  return true;
}

function summarize(e: ExecutionRecord): ExecutionSummary {
  const {
    state: _state,
    input: _input,
    output: _output,
    version: _version,
    definition: _definition,
    processEndings: _processEndings,
    ...summary
  } = e;
  return clone(summary);
}

/** Removals first, then additions (which replace a row with the same id). */
function applyRows<T>(
  table: Map<string, Map<string, T>>,
  executionArn: string,
  removed: readonly string[],
  added: readonly T[],
  idOf: (row: T) => string,
): void {
  const rows = table.get(executionArn) ?? new Map<string, T>();
  for (const id of removed) rows.delete(id);
  for (const row of added) rows.set(idOf(row), clone(row));
  if (rows.size > 0) table.set(executionArn, rows);
  else table.delete(executionArn);
}

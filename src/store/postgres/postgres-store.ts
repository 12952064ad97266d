/**
 * The store on PostgreSQL (`pg`), for several nodes sharing one database. A commit batch is one
 * transaction (group commit) and one statement per round (./batch-commit.ts), or that statement
 * alone when there is one round and nothing to NOTIFY; a batch of one is a single statement of its
 * own, NOTIFYs included, in one round trip (./single-commit.ts). Each member applies
 * whole or not at all, on its own, exactly as on SQLite (rules: ../commit-rules.ts). The version
 * check is `UPDATE ... WHERE arn = i.arn AND version = i.expected`: under READ COMMITTED a
 * concurrent writer of the same row waits for the first, then re-checks the version and matches
 * nothing, so at most one of two racing steps of an execution commits. Activity tasks are claimed in one statement with
 * `FOR UPDATE SKIP LOCKED`. Migrations run at open under an advisory lock (./migrate.ts).
 *
 * BIGINT millisecond times are read back as JavaScript numbers (a per-pool type parser; exact up
 * to 2^53). Rows have SQLite's shape (JSONB read as text), so the record mapping is shared.
 *
 * It is also the ClusterStore (../cluster.ts): commits are fenced by the execution's lease, executions
 * are claimed in one `FOR UPDATE SKIP LOCKED` statement, and events travel by NOTIFY on one channel
 * per schema (`stepwise_<schema>`, or `stepwise` without one), so stores on different schemas of
 * one database never hear each other. SQL: ./sql.ts and ./cluster-sql.ts.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { HistoryEvent } from '../../vocabulary/history-events.js';
import type { Json } from '../../json.js';
import { activityArnsOf, encodeClusterEvent } from '../cluster-events.js';
import type {
  AcquireResult,
  ClaimedExecution,
  ClusterEvent,
  ClusterStore,
  InboxSignal,
  NodeInfo,
  NodeRecord,
} from '../cluster.js';
import { assertValidCommits } from '../commit-rules.js';
import { checkLimit, decodePageToken, pageFrom } from '../page-token.js';
import {
  aliasFromRow,
  aliasToRow,
  encryptionToColumn,
  eventFromRow,
  executionFromRow,
  stateMachineFromRow,
  stateMachineToRow,
  summaryFromRow,
  taskFromRow,
  timerFromRow,
  versionFromRow,
  versionToRow,
  type AliasRow,
  type EventRow,
  type ExecutionRow,
  type StateMachineRow,
  type SummaryRow,
  type TaskRow,
  type TimerRow,
  type VersionRow,
} from '../rows.js';
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
import { activityFromRow, claimedTaskFromRow, type ActivityRow, type ClaimedTaskRow } from '../activity-rows.js';
import { CLUSTER_SQL } from './cluster-sql.js';
import {
  lastPerIndex,
  mapRunChildCountFromRow,
  mapRunChildFromRow,
  mapRunChildToRow,
  mapRunFromRow,
  mapRunToRow,
  type MapRunChildCountRow,
  type MapRunChildRow,
  type MapRunRow,
} from '../map-run-rows.js';
import { MAP_RUN_SQL } from './map-run-sql.js';
import { ChannelListener } from './listener.js';
import { commitBatch, isOneRound } from './batch-commit.js';
import { commitOne } from './single-commit.js';
import { outboxFromRow, type OutboxRow } from '../rows.js';
import { migrate } from './migrate.js';
import { listExecutionsQuery, SQL } from './sql.js';

export interface PostgresStoreOptions {
  /**
   * The schema to use (created if missing, then first on the search_path of every connection).
   * Default: the connection's own search_path (normally `public`).
   */
  schema?: string;
  /** Most connections the pool opens (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  connectionTimeoutMs?: number;
  /** A subscriber whose connection dropped retries after this, doubling up to 5 s (default 100 ms). */
  listenRetryMs?: number;
}

interface NodeRow {
  id: string;
  address: string | null;
  started_at: number;
  heartbeat_at: number;
  lease_until: number;
  stats: string;
  executions: number;
}

interface SignalRow {
  id: number;
  execution_arn: string;
  signal: string;
  created_at: number;
}

const INT8_OID = 20;

/** pg's parsers, except BIGINT (epoch-ms times) read as a number rather than a string. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Inbox signals settled longer ago than this are deleted by a heartbeat; nodes dead longer, too. */
const SETTLED_SIGNAL_RETENTION_MS = 5 * 60_000;
const DEAD_NODE_RETENTION_MS = 10 * 60_000;

/**
 * The NOTIFY channel of a schema: `stepwise_<schema>` (`stepwise` without one). A channel is an
 * identifier of at most 63 bytes; a longer one is named by a hash of the schema instead.
 */
export function channelFor(schema: string | undefined): string {
  if (schema === undefined) return 'stepwise';
  const channel = `stepwise_${schema}`;
  return channel.length <= 63 ? channel : `stepwise_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

/** Retries a batch that PostgreSQL aborted to break a deadlock or a serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

const stateMachineValues = (r: StateMachineRecord): unknown[] => {
  const row = stateMachineToRow(r);
  return [
    row.arn,
    row.name,
    row.type,
    row.definition,
    row.role_arn,
    row.description,
    row.logging_configuration,
    row.tracing_configuration,
    row.status,
    row.creation_date,
    row.update_date,
    row.revision_id,
    row.encryption_configuration,
  ];
};

const mapRunValues = (r: MapRunRecord): unknown[] => {
  const row = mapRunToRow(r);
  return [
    row.arn,
    row.execution_arn,
    row.state_machine_arn,
    row.status,
    row.start_date,
    row.stop_date,
    row.max_concurrency,
    row.tolerated_failure_percentage,
    row.tolerated_failure_count,
    row.redrive_count,
    row.redrive_date,
    row.detail,
  ];
};

export class PostgresStore implements ExecutionStore, ClusterStore {
  private closed = false;
  private readonly listeners = new Set<ChannelListener>();

  private constructor(
    private readonly pool: pg.Pool,
    /**
     * One connection of its own for the heartbeat, so lease renewal never queues behind a busy
     * pool's commits and claims (a late renewal is a lost lease).
     */
    private readonly heartbeatPool: pg.Pool,
    /** A new client for a subscriber, with the pool's connection settings. */
    private readonly newClient: () => pg.Client,
    private readonly channel: string,
    private readonly listenRetryMs: number | undefined,
  ) {}

  /** Connects, creates the schema if one is named, and applies the migrations the database lacks. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { schema } = options;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new RangeError(`Invalid schema name '${schema}': lower-case letters, digits and _ only`);
    }
    const connectionTimeoutMillis = options.connectionTimeoutMs ?? 10_000;
    const newPool = (max: number): pg.Pool => {
      const created = new pg.Pool({
        connectionString: url,
        max,
        connectionTimeoutMillis,
        types,
        // Generic plans: the batch commit is one large prepared statement, and planning it afresh
        // (PostgreSQL's first five custom plans, and any it keeps choosing) costs more than running it.
        options: `-c plan_cache_mode=force_generic_plan${schema !== undefined ? ` -c search_path=${schema}` : ''}`,
      });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      created.on('error', () => undefined);
      return created;
    };
    const pool = newPool(options.maxConnections ?? 10);
    // Keepalive, so a subscriber on a connection that silently died learns of it and reconnects.
    const newClient = (): pg.Client =>
      new pg.Client({
        connectionString: url,
        connectionTimeoutMillis,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      });
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
      return new PostgresStore(pool, newPool(1), newClient, channelFor(schema), options.listenRetryMs);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  private async run(text: string, values: unknown[]): Promise<number> {
    return (await this.pool.query(text, values)).rowCount ?? 0;
  }

  /** Runs `work` in one transaction on one connection. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  // ---- state machines --------------------------------------------------------------------------

  async createStateMachine(record: StateMachineRecord): Promise<'ok' | 'exists'> {
    return (await this.run(SQL.insertStateMachine, stateMachineValues(record))) === 1 ? 'ok' : 'exists';
  }

  async getStateMachine(arn: string): Promise<StateMachineRecord | undefined> {
    const [row] = await this.rows<StateMachineRow>(SQL.getStateMachine, [arn]);
    return row && stateMachineFromRow(row);
  }

  async updateStateMachine(record: StateMachineRecord): Promise<void> {
    await this.run(SQL.updateStateMachine, stateMachineValues(record));
  }

  async deleteStateMachine(arn: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(SQL.deleteStateMachineTags, [arn]);
      await client.query(SQL.deleteStateMachine, [arn]);
    });
  }

  async listStateMachines(page: PageRequest): Promise<Page<StateMachineRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? await this.rows<StateMachineRow>(SQL.listStateMachines, [page.limit + 1])
        : await this.rows<StateMachineRow>(SQL.listStateMachinesAfter, [
            ...decodePageToken<[number, string]>('stateMachines', page.after, ['number', 'string']),
            page.limit + 1,
          ]);
    return pageFrom(rows.map(stateMachineFromRow), page.limit, 'stateMachines', (m) => [m.creationDate, m.arn]);
  }

  // ---- versions and aliases --------------------------------------------------------------------

  async createVersion(record: StateMachineVersionRecord): Promise<void> {
    const row = versionToRow(record);
    await this.run(SQL.insertVersion, [
      row.arn,
      row.state_machine_arn,
      row.version,
      row.definition,
      row.role_arn,
      row.description,
      row.logging_configuration,
      row.tracing_configuration,
      row.revision_id,
      row.creation_date,
      row.encryption_configuration,
    ]);
  }

  async getVersion(arn: string): Promise<StateMachineVersionRecord | undefined> {
    const [row] = await this.rows<VersionRow>(SQL.getVersion, [arn]);
    return row && versionFromRow(row);
  }

  async listVersions(stateMachineArn: string, page: PageRequest): Promise<Page<StateMachineVersionRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? await this.rows<VersionRow>(SQL.listVersions, [stateMachineArn, page.limit + 1])
        : await this.rows<VersionRow>(SQL.listVersionsAfter, [
            stateMachineArn,
            ...decodePageToken<[number]>('versions', page.after, ['number']),
            page.limit + 1,
          ]);
    return pageFrom(rows.map(versionFromRow), page.limit, 'versions', (v) => [v.version]);
  }

  async deleteVersion(arn: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(SQL.removeAllTags, [arn]);
      await client.query(SQL.deleteVersion, [arn]);
    });
  }

  async putAlias(record: AliasRecord): Promise<void> {
    const row = aliasToRow(record);
    await this.run(SQL.putAlias, [
      row.arn,
      row.state_machine_arn,
      row.name,
      row.description,
      row.routing_configuration,
      row.creation_date,
      row.update_date,
    ]);
  }

  async getAlias(arn: string): Promise<AliasRecord | undefined> {
    const [row] = await this.rows<AliasRow>(SQL.getAlias, [arn]);
    return row && aliasFromRow(row);
  }

  async listAliases(stateMachineArn: string, page: PageRequest): Promise<Page<AliasRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? await this.rows<AliasRow>(SQL.listAliases, [stateMachineArn, page.limit + 1])
        : await this.rows<AliasRow>(SQL.listAliasesAfter, [
            stateMachineArn,
            ...decodePageToken<[string]>('aliases', page.after, ['string']),
            page.limit + 1,
          ]);
    return pageFrom(rows.map(aliasFromRow), page.limit, 'aliases', (a) => [a.name]);
  }

  async deleteAlias(arn: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(SQL.removeAllTags, [arn]);
      await client.query(SQL.deleteAlias, [arn]);
    });
  }

  // ---- tags ------------------------------------------------------------------------------------

  async getTags(resourceArn: string): Promise<Record<string, string>> {
    const rows = await this.rows<{ key: string; value: string }>(SQL.getTags, [resourceArn]);
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  async setTags(resourceArn: string, tags: Record<string, string>): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length === 0) return;
    await this.run(SQL.setTags, [resourceArn, entries.map(([key]) => key), entries.map(([, value]) => value)]);
  }

  async removeTags(resourceArn: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.run(SQL.removeTags, [resourceArn, keys]);
  }

  // ---- activities ------------------------------------------------------------------------------

  async createActivity(record: ActivityRecord): Promise<'ok' | 'exists'> {
    return (await this.run(SQL.insertActivity, [
      record.arn,
      record.name,
      record.creationDate,
      encryptionToColumn(record.encryptionConfiguration),
    ])) === 1
      ? 'ok'
      : 'exists';
  }

  async getActivity(arn: string): Promise<ActivityRecord | undefined> {
    const [row] = await this.rows<ActivityRow>(SQL.getActivity, [arn]);
    return row && activityFromRow(row);
  }

  async deleteActivity(arn: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(SQL.removeAllTags, [arn]);
      await client.query(SQL.deleteActivity, [arn]);
    });
  }

  async listActivities(page: PageRequest): Promise<Page<ActivityRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? await this.rows<ActivityRow>(SQL.listActivities, [page.limit + 1])
        : await this.rows<ActivityRow>(SQL.listActivitiesAfter, [
            ...decodePageToken<[number, string]>('activities', page.after, ['number', 'string']),
            page.limit + 1,
          ]);
    const items = rows.map(activityFromRow);
    return pageFrom(items, page.limit, 'activities', (a) => [a.creationDate, a.arn]);
  }

  // ---- executions ------------------------------------------------------------------------------

  async getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    const [row] = await this.rows<ExecutionRow>(SQL.getExecution, [arn]);
    return row && executionFromRow(row);
  }

  async listExecutions(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionSummary>> {
    checkLimit(page.limit);
    const after =
      page.after === undefined
        ? undefined
        : decodePageToken<[number, string]>('executions', page.after, ['number', 'string']);
    const query = listExecutionsQuery(filter, after, page.limit + 1);
    const rows = await this.rows<SummaryRow>(query.text, query.values);
    return pageFrom(rows.map(summaryFromRow), page.limit, 'executions', (e) => [e.startDate, e.arn]);
  }

  async getHistory(
    executionArn: string,
    options: { afterId?: number; limit: number; reverse?: boolean },
  ): Promise<HistoryEvent[]> {
    checkLimit(options.limit);
    const { afterId, limit, reverse = false } = options;
    const rows = reverse
      ? afterId === undefined
        ? await this.rows<EventRow>(SQL.historyLast, [executionArn, limit])
        : await this.rows<EventRow>(SQL.historyBefore, [executionArn, afterId, limit])
      : afterId === undefined
        ? await this.rows<EventRow>(SQL.historyFirst, [executionArn, limit])
        : await this.rows<EventRow>(SQL.historyAfter, [executionArn, afterId, limit]);
    return rows.map(eventFromRow);
  }

  async commit(commits: Commit[]): Promise<CommitResult[]> {
    assertValidCommits(commits);
    if (commits.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        if (commits.length === 1) {
          // One statement and one round trip, its NOTIFYs in it (./single-commit.ts).
          const [commit] = commits as [Commit];
          return [await commitOne(this.pool, commit, this.channel, eventsOf(commit).flatMap(encodeClusterEvent))];
        }
        // One round and nothing to NOTIFY: the one statement is its own transaction.
        if (isOneRound(commits) && commits.every((commit) => eventsOf(commit).length === 0)) {
          return await commitBatch(this.pool, commits);
        }
        return await this.transaction(async (client) => {
          const results = await commitBatch(client, commits);
          // Delivered when the transaction commits, and only for the members that applied.
          await this.notify(
            client,
            commits.flatMap((commit, i) => (results[i] === 'ok' ? eventsOf(commit) : [])),
          );
          return results;
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  /** NOTIFYs the events on this store's channel, in order (a large 'settled' split in several). */
  private async notify(client: pg.ClientBase, events: readonly ClusterEvent[]): Promise<void> {
    if (events.length === 0) return;
    await client.query(CLUSTER_SQL.notify, [this.channel, events.flatMap(encodeClusterEvent)]);
  }

  // ---- Map Runs --------------------------------------------------------------------------------

  async createMapRun(record: MapRunRecord): Promise<'ok' | 'exists'> {
    return (await this.run(MAP_RUN_SQL.insertMapRun, mapRunValues(record))) === 1 ? 'ok' : 'exists';
  }

  async updateMapRun(record: MapRunRecord): Promise<void> {
    const row = mapRunToRow(record);
    await this.run(MAP_RUN_SQL.updateMapRun, [
      row.arn,
      row.status,
      row.start_date,
      row.stop_date,
      row.redrive_count,
      row.redrive_date,
      row.detail,
    ]);
  }

  async updateMapRunLimits(arn: string, limits: MapRunLimits): Promise<boolean> {
    const { maxConcurrency, toleratedFailurePercentage, toleratedFailureCount } = limits;
    const values = [arn, maxConcurrency ?? null, toleratedFailurePercentage ?? null, toleratedFailureCount ?? null];
    return (await this.run(MAP_RUN_SQL.updateMapRunLimits, values)) === 1;
  }

  async getMapRun(arn: string): Promise<MapRunRecord | undefined> {
    const [row] = await this.rows<MapRunRow>(MAP_RUN_SQL.getMapRun, [arn]);
    return row && mapRunFromRow(row);
  }

  async listMapRuns(executionArn: string, page: PageRequest): Promise<Page<MapRunRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? await this.rows<MapRunRow>(MAP_RUN_SQL.listMapRuns, [executionArn, page.limit + 1])
        : await this.rows<MapRunRow>(MAP_RUN_SQL.listMapRunsAfter, [
            executionArn,
            ...decodePageToken<[number, string]>('mapRuns', page.after, ['number', 'string']),
            page.limit + 1,
          ]);
    return pageFrom(rows.map(mapRunFromRow), page.limit, 'mapRuns', (r) => [r.startDate, r.arn]);
  }

  async putMapRunChildren(children: MapRunChildRecord[]): Promise<void> {
    if (children.length === 0) return;
    // One statement; an upsert cannot touch a row twice, so a batch repeating an index keeps its last.
    await this.run(MAP_RUN_SQL.putChildren, [JSON.stringify(lastPerIndex(children).map(mapRunChildToRow))]);
  }

  async mapRunChildren(
    mapRunArn: string,
    options: { afterIndex?: number; limit: number },
  ): Promise<MapRunChildRecord[]> {
    checkLimit(options.limit);
    const rows =
      options.afterIndex === undefined
        ? await this.rows<MapRunChildRow>(MAP_RUN_SQL.children, [mapRunArn, options.limit])
        : await this.rows<MapRunChildRow>(MAP_RUN_SQL.childrenAfter, [mapRunArn, options.afterIndex, options.limit]);
    return rows.map(mapRunChildFromRow);
  }

  async countMapRunChildren(mapRunArn: string): Promise<MapRunChildCount[]> {
    return (await this.rows<MapRunChildCountRow>(MAP_RUN_SQL.countChildren, [mapRunArn])).map(mapRunChildCountFromRow);
  }

  async deleteMapRunChildren(mapRunArn: string, indexes: number[]): Promise<void> {
    if (indexes.length === 0) return;
    await this.run(MAP_RUN_SQL.deleteChildren, [mapRunArn, indexes]);
  }

  // ---- engine work -----------------------------------------------------------------------------

  async countRunningExecutions(): Promise<number> {
    const [row] = await this.rows<{ count: string | number }>(SQL.countRunningExecutions);
    return Number(row?.count ?? 0);
  }

  async runningExecutionsWithTasks(): Promise<string[]> {
    return (await this.rows<{ arn: string }>(SQL.runningExecutionsWithTasks)).map((row) => row.arn);
  }

  async dueTimers(now: Millis, limit: number): Promise<TimerRecord[]> {
    checkLimit(limit);
    return (await this.rows<TimerRow>(SQL.dueTimers, [now, limit])).map(timerFromRow);
  }

  async nextTimerAt(): Promise<Millis | undefined> {
    const [row] = await this.rows<{ fire_at: number | null }>(SQL.nextTimerAt);
    return row?.fire_at ?? undefined;
  }

  async claimOutbox(now: Millis, limit: number, holdMs: number): Promise<OutboxRecord[]> {
    const rows = await this.rows<OutboxRow>(SQL.claimOutbox, [now, limit, now + holdMs]);
    return rows.map(outboxFromRow).sort((a, b) => a.id - b.id);
  }

  async deleteExecutionsStoppedBefore(stoppedBefore: Millis, limit: number): Promise<number> {
    const [row] = await this.rows<{ count: string | number }>(SQL.deleteStoppedBefore, [stoppedBefore, limit]);
    return Number(row?.count ?? 0);
  }

  async settleOutbox(id: number, retry?: { attempts: number; nextAttemptAt: Millis }): Promise<void> {
    if (retry) await this.run(SQL.retryOutbox, [id, retry.attempts, retry.nextAttemptAt]);
    else await this.run(SQL.deleteOutbox, [id]);
  }

  async countTimers(): Promise<number> {
    const [row] = await this.rows<{ count: string | number }>(SQL.countTimers);
    return Number(row?.count ?? 0);
  }

  async pendingTasks(executionArn: string): Promise<TaskRecord[]> {
    return (await this.rows<TaskRow>(SQL.pendingTasks, [executionArn])).map(taskFromRow);
  }

  async claimActivityTask(
    activityArn: string,
    workerName: string | undefined,
    now: Millis,
  ): Promise<ClaimedTask | undefined> {
    const [row] = await this.rows<ClaimedTaskRow>(SQL.claimTask, [activityArn, workerName ?? null, now]);
    return row && claimedTaskFromRow(row);
  }

  async releaseActivityTask(executionArn: string, taskId: string): Promise<void> {
    await this.run(SQL.releaseTask, [executionArn, taskId]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.listeners].map((listener) => listener.close()));
    this.listeners.clear();
    await Promise.all([this.pool.end(), this.heartbeatPool.end()]);
  }

  // ---- cluster: nodes and leases -----------------------------------------------------------------

  async heartbeat(
    node: NodeInfo,
    held: readonly string[],
    now: Millis,
    leaseMs: Millis,
    stats?: Record<string, number>,
  ): Promise<string[]> {
    const { rows } = await this.heartbeatPool.query<{ arn: string }>(CLUSTER_SQL.heartbeat, [
      node.id,
      node.address ?? null,
      node.startedAt,
      now,
      now + leaseMs,
      stats === undefined ? null : JSON.stringify(stats),
      [...held],
      now - SETTLED_SIGNAL_RETENTION_MS,
      now - DEAD_NODE_RETENTION_MS,
    ]);
    const renewed = new Set(rows.map((row) => row.arn));
    return [...new Set(held)].filter((arn) => renewed.has(arn));
  }

  async listNodes(now: Millis): Promise<NodeRecord[]> {
    const rows = await this.rows<NodeRow>(CLUSTER_SQL.listNodes, [now]);
    return rows.map((row): NodeRecord => ({
      id: row.id,
      ...(row.address !== null ? { address: row.address } : {}),
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
      leaseUntil: row.lease_until,
      executions: row.executions,
      stats: JSON.parse(row.stats) as Record<string, number>,
    }));
  }

  async leave(nodeId: string): Promise<void> {
    await this.transaction(async (client) => {
      const released = (await client.query(CLUSTER_SQL.releaseAllOf, [nodeId])).rowCount ?? 0;
      await client.query(CLUSTER_SQL.deleteNode, [nodeId]);
      if (released > 0) await this.notify(client, [{ kind: 'ready' }]);
    });
  }

  async claimExecutions(owner: string, now: Millis, leaseMs: Millis, limit: number): Promise<ClaimedExecution[]> {
    checkLimit(limit);
    const rows = await this.rows<ExecutionRow & { orphaned: boolean; since: number; has_signals: boolean }>(
      CLUSTER_SQL.claimExecutions,
      [owner, now, now + leaseMs, limit],
    );
    return rows
      .sort((a, b) => a.since - b.since || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
      .map((row) => ({
        arn: row.arn,
        orphaned: row.orphaned,
        record: executionFromRow(row),
        hasSignals: row.has_signals,
      }));
  }

  async acquireExecution(arn: string, owner: string, now: Millis, leaseMs: Millis): Promise<AcquireResult> {
    const [row] = await this.rows<ExecutionRow & { previous: string | null; free: boolean; has_signals: boolean }>(
      CLUSTER_SQL.acquireExecution,
      [arn, owner, now, now + leaseMs],
    );
    if (!row) return { acquired: false };
    // Not free: another node holds it unexpired, so `previous` is that node.
    if (!row.free) return { acquired: false, holder: row.previous ?? undefined };
    return {
      acquired: true,
      orphaned: row.previous !== null && row.previous !== owner,
      record: executionFromRow(row),
      hasSignals: row.has_signals,
    };
  }

  async releaseExecutions(arns: readonly string[], owner: string): Promise<void> {
    if (arns.length === 0) return;
    await this.run(CLUSTER_SQL.releaseExecutions, [[...arns], owner]);
  }

  async dueTimersOf(owner: string, now: Millis, limit: number): Promise<TimerRecord[]> {
    checkLimit(limit);
    return (await this.rows<TimerRow>(CLUSTER_SQL.dueTimersOf, [owner, now, limit])).map(timerFromRow);
  }

  // ---- cluster: the inbox ------------------------------------------------------------------------

  async postSignal(executionArn: string, signal: Json, now: Millis): Promise<number> {
    const [payload] = encodeClusterEvent({ kind: 'signal', executionArn });
    const [row] = await this.rows<{ id: number }>(CLUSTER_SQL.postSignal, [
      executionArn,
      JSON.stringify(signal),
      now,
      this.channel,
      payload,
    ]);
    return row.id;
  }

  async pendingSignals(executionArn: string): Promise<InboxSignal[]> {
    const rows = await this.rows<SignalRow>(CLUSTER_SQL.pendingSignals, [executionArn]);
    return rows.map((row) => ({
      id: row.id,
      executionArn: row.execution_arn,
      signal: JSON.parse(row.signal) as Json,
      createdAt: row.created_at,
    }));
  }

  async signalOutcome(id: number): Promise<boolean | undefined> {
    const [row] = await this.rows<{ accepted: boolean | null }>(CLUSTER_SQL.signalOutcome, [id]);
    return row?.accepted ?? undefined;
  }

  async settleSignals(outcomes: readonly { id: number; accepted: boolean }[], now: Millis): Promise<void> {
    if (outcomes.length === 0) return;
    await this.transaction(async (client) => {
      await client.query(CLUSTER_SQL.settleSignals, [outcomes.map((o) => o.id), outcomes.map((o) => o.accepted), now]);
      await this.notify(client, [{ kind: 'settled', ids: [...new Set(outcomes.map((o) => o.id))] }]);
    });
  }

  // ---- cluster: events ---------------------------------------------------------------------------

  async subscribe(listener: (event: ClusterEvent) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('PostgresStore is closed');
    const channelListener = new ChannelListener(
      {
        connect: this.newClient,
        channel: this.channel,
        ...(this.listenRetryMs !== undefined ? { retryMs: this.listenRetryMs } : {}),
      },
      listener,
    );
    await channelListener.start();
    this.listeners.add(channelListener);
    return async () => {
      this.listeners.delete(channelListener);
      await channelListener.close();
    };
  }

  async publish(event: ClusterEvent): Promise<void> {
    await this.run(CLUSTER_SQL.notify, [this.channel, encodeClusterEvent(event)]);
  }
}

/** What other nodes hear of an applied commit: the signals it settled, the activity tasks it scheduled. */
function eventsOf(commit: Commit): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const settled = commit.signalsSettled ?? [];
  if (settled.length > 0) events.push({ kind: 'settled', ids: [...new Set(settled.map((s) => s.id))] });
  for (const activityArn of activityArnsOf(commit.tasksAdded)) events.push({ kind: 'activity', activityArn });
  return events;
}

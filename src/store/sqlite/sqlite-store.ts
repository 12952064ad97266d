/**
 * The store on SQLite (better-sqlite3): one connection, one writer, WAL. better-sqlite3 is
 * synchronous, so every method runs to completion before it returns its promise; a commit batch is
 * one BEGIN IMMEDIATE transaction (group commit), each member inside its own savepoint so that one
 * member's conflict never undoes another's writes. Rules: ../commit-rules.ts.
 */
import type BetterSqlite3 from 'better-sqlite3';
import Database from './driver.js';
import type { HistoryEvent } from '../../vocabulary/history-events.js';
import { assertValidCommits } from '../commit-rules.js';
import { checkLimit, decodePageToken, pageFrom } from '../page-token.js';
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
  OutboxRecord,
  TaskRecord,
  TimerRecord,
} from '../types.js';
import { migrate } from './migrate.js';
import { openDatabase, releaseOwnerFile, StoreOpenError, type OpenDatabaseOptions } from './open-database.js';
import {
  aliasFromRow,
  aliasToRow,
  eventFromRow,
  executionFromRow,
  executionToRow,
  stateMachineFromRow,
  stateMachineToRow,
  summaryFromRow,
  taskFromRow,
  taskToRow,
  timerFromRow,
  timerToRow,
  versionFromRow,
  versionToRow,
  type ExecutionRow,
} from '../rows.js';
import { activityFromRow, activityToRow, claimedTaskFromRow } from '../activity-rows.js';
import { prepareActivityStatements, type ActivityStatements } from './activity-statements.js';
import {
  lastPerIndex,
  mapRunChildCountFromRow,
  mapRunChildFromRow,
  mapRunChildToRow,
  mapRunFromRow,
  mapRunToRow,
} from '../map-run-rows.js';
import { prepareMapRunStatements, type MapRunStatements } from './map-run-statements.js';
import { ExecutionQueries, prepareStatements, type ExecutionQueryParams, type Statements } from './statements.js';
import { outboxFromRow } from '../rows.js';
import { EventInserter } from './event-insert.js';

export interface SqliteStoreOptions extends OpenDatabaseOptions {
  /**
   * What a committed transaction survives.
   * - 'process' (default): WAL with synchronous=NORMAL. A commit survives the process dying at any
   *   point (crash, SIGKILL, OOM kill): the WAL is in the OS page cache. A power loss or kernel
   *   panic may lose the last transactions (never corrupt the database). This is what Stepwise promises.
   * - 'power': WAL with synchronous=FULL: every commit is fsynced, surviving power loss, at a
   *   throughput cost.
   */
  durability?: 'process' | 'power';
}

/** State machines kept in memory at most (the oldest read is dropped first). */
const MAX_CACHED_STATE_MACHINES = 1000;

/** Frozen all the way down: what a cached record's copies share can never be changed under the cache. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Thrown inside a commit's savepoint to roll it back and report a conflict. */
class DuplicateEventError extends Error {}

export class SqliteStore implements ExecutionStore {
  private readonly sql: Statements;
  private readonly activitySql: ActivityStatements;
  private readonly mapRunSql: MapRunStatements;
  private readonly executionQueries: ExecutionQueries;
  private readonly commitBatch: BetterSqlite3.Transaction<(commits: Commit[]) => CommitResult[]>;
  private readonly commitOne: BetterSqlite3.Transaction<(commit: Commit) => boolean>;
  private readonly commitPlain: BetterSqlite3.Transaction<(commits: Commit[]) => CommitResult[]>;
  private readonly events: EventInserter;
  /** State machine records by ARN, when the file is held exclusively (see getStateMachine). */
  private readonly machines: Map<string, StateMachineRecord> | undefined;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    /** The database file (':memory:' for none). */
    readonly file: string,
    private readonly exclusive = false,
  ) {
    this.sql = prepareStatements(db);
    this.activitySql = prepareActivityStatements(db);
    this.mapRunSql = prepareMapRunStatements(db);
    this.executionQueries = new ExecutionQueries(db);
    this.events = new EventInserter(db);
    this.machines = exclusive ? new Map() : undefined;
    // Called inside commitBatch's transaction, db.transaction() runs as a SAVEPOINT: rolled back alone if it throws.
    this.commitOne = db.transaction((commit: Commit) => this.applyCommit(commit));
    this.commitBatch = db.transaction((commits: Commit[]) =>
      commits.map((commit): CommitResult => {
        try {
          return this.commitOne(commit) ? 'ok' : 'conflict';
        } catch (error) {
          if (error instanceof DuplicateEventError) return 'conflict';
          throw error;
        }
      }),
    );
    // The usual batch: no member's write fails once its version check passed (a conflict writes
    // nothing), so no savepoints. A duplicate event undoes the whole transaction, and the batch is
    // then written again with commitBatch's savepoints: the same outcome, member by member.
    this.commitPlain = db.transaction((commits: Commit[]) =>
      commits.map((commit): CommitResult => (this.applyCommit(commit) ? 'ok' : 'conflict')),
    );
  }

  /** Opens (creating if needed) and migrates a database file; ':memory:' for a private in-memory one. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = openDatabase(file, options);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(options.durability === 'power' ? 'synchronous = FULL' : 'synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('temp_store = MEMORY');
      migrate(db);
      return new SqliteStore(db, file, options.exclusive === true);
    } catch (error) {
      db.close();
      if (options.exclusive) releaseOwnerFile(file);
      throw error instanceof StoreOpenError ? error : new StoreOpenError(file, `${file}: ${String(error)}`);
    }
  }

  // ---- state machines --------------------------------------------------------------------------

  async createStateMachine(record: StateMachineRecord): Promise<'ok' | 'exists'> {
    this.machines?.delete(record.arn);
    return this.sql.insertStateMachine.run(stateMachineToRow(record)).changes === 1 ? 'ok' : 'exists';
  }

  async getStateMachine(arn: string): Promise<StateMachineRecord | undefined> {
    const cached = this.machines?.get(arn);
    if (cached) return { ...cached };
    const row = this.sql.getStateMachine.get(arn);
    if (!row) return undefined;
    const record = stateMachineFromRow(row);
    this.remember(record);
    return { ...record };
  }

  async updateStateMachine(record: StateMachineRecord): Promise<void> {
    this.machines?.delete(record.arn);
    this.sql.updateStateMachine.run(stateMachineToRow(record));
  }

  /**
   * Held exclusively, the file is written by this store alone: every start reads its state machine
   * from here instead of a SELECT and three JSON.parse. Each write of a state machine drops its entry.
   */
  private remember(record: StateMachineRecord): void {
    const machines = this.machines;
    if (!machines) return;
    if (machines.size >= MAX_CACHED_STATE_MACHINES) machines.delete(machines.keys().next().value!);
    // Its nested values frozen, itself never handed out: a spread of a frozen object is V8's slow path.
    for (const value of Object.values(record)) deepFreeze(value);
    machines.set(record.arn, record);
  }

  async deleteStateMachine(arn: string): Promise<void> {
    this.machines?.delete(arn);
    this.db
      .transaction(() => {
        this.sql.deleteStateMachineTags.run({ arn });
        this.sql.deleteStateMachine.run(arn);
      })
      .immediate();
  }

  async listStateMachines(page: PageRequest): Promise<Page<StateMachineRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? this.sql.listStateMachines.all(page.limit + 1)
        : this.sql.listStateMachinesAfter.all(
            ...decodePageToken<[number, string]>('stateMachines', page.after, ['number', 'string']),
            page.limit + 1,
          );
    return pageFrom(rows.map(stateMachineFromRow), page.limit, 'stateMachines', (m) => [m.creationDate, m.arn]);
  }

  // ---- versions and aliases --------------------------------------------------------------------

  async createVersion(record: StateMachineVersionRecord): Promise<void> {
    this.sql.insertVersion.run(versionToRow(record));
  }

  async getVersion(arn: string): Promise<StateMachineVersionRecord | undefined> {
    const row = this.sql.getVersion.get(arn);
    return row && versionFromRow(row);
  }

  async listVersions(stateMachineArn: string, page: PageRequest): Promise<Page<StateMachineVersionRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? this.sql.listVersions.all(stateMachineArn, page.limit + 1)
        : this.sql.listVersionsAfter.all(
            stateMachineArn,
            ...decodePageToken<[number]>('versions', page.after, ['number']),
            page.limit + 1,
          );
    return pageFrom(rows.map(versionFromRow), page.limit, 'versions', (v) => [v.version]);
  }

  async deleteVersion(arn: string): Promise<void> {
    this.db
      .transaction(() => {
        this.sql.removeAllTags.run(arn);
        this.sql.deleteVersion.run(arn);
      })
      .immediate();
  }

  async putAlias(record: AliasRecord): Promise<void> {
    this.sql.putAlias.run(aliasToRow(record));
  }

  async getAlias(arn: string): Promise<AliasRecord | undefined> {
    const row = this.sql.getAlias.get(arn);
    return row && aliasFromRow(row);
  }

  async listAliases(stateMachineArn: string, page: PageRequest): Promise<Page<AliasRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? this.sql.listAliases.all(stateMachineArn, page.limit + 1)
        : this.sql.listAliasesAfter.all(
            stateMachineArn,
            ...decodePageToken<[string]>('aliases', page.after, ['string']),
            page.limit + 1,
          );
    return pageFrom(rows.map(aliasFromRow), page.limit, 'aliases', (a) => [a.name]);
  }

  async deleteAlias(arn: string): Promise<void> {
    this.db
      .transaction(() => {
        this.sql.removeAllTags.run(arn);
        this.sql.deleteAlias.run(arn);
      })
      .immediate();
  }

  // ---- tags ------------------------------------------------------------------------------------

  async getTags(resourceArn: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.sql.getTags.all(resourceArn).map((row) => [row.key, row.value]));
  }

  async setTags(resourceArn: string, tags: Record<string, string>): Promise<void> {
    this.db
      .transaction(() => {
        for (const [key, value] of Object.entries(tags)) this.sql.setTag.run(resourceArn, key, value);
      })
      .immediate();
  }

  async removeTags(resourceArn: string, keys: string[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const key of keys) this.sql.removeTag.run(resourceArn, key);
      })
      .immediate();
  }

  // ---- activities ------------------------------------------------------------------------------

  async createActivity(record: ActivityRecord): Promise<'ok' | 'exists'> {
    return this.activitySql.insertActivity.run(activityToRow(record)).changes === 1 ? 'ok' : 'exists';
  }

  async getActivity(arn: string): Promise<ActivityRecord | undefined> {
    const row = this.activitySql.getActivity.get(arn);
    return row && activityFromRow(row);
  }

  async deleteActivity(arn: string): Promise<void> {
    this.db
      .transaction(() => {
        this.activitySql.deleteTags.run(arn);
        this.activitySql.deleteActivity.run(arn);
      })
      .immediate();
  }

  async listActivities(page: PageRequest): Promise<Page<ActivityRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? this.activitySql.listActivities.all(page.limit + 1)
        : this.activitySql.listActivitiesAfter.all(
            ...decodePageToken<[number, string]>('activities', page.after, ['number', 'string']),
            page.limit + 1,
          );
    return pageFrom(rows.map(activityFromRow), page.limit, 'activities', (a) => [a.creationDate, a.arn]);
  }

  // ---- executions ------------------------------------------------------------------------------

  async getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    const row = this.sql.getExecution.get(arn);
    return row && executionFromRow(row);
  }

  async listExecutions(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionSummary>> {
    checkLimit(page.limit);
    const params: ExecutionQueryParams = { limit: page.limit + 1 };
    if (filter.stateMachineArn !== undefined) params.state_machine_arn = filter.stateMachineArn;
    if (filter.stateMachineVersionArn !== undefined) params.state_machine_version_arn = filter.stateMachineVersionArn;
    if (filter.stateMachineAliasArn !== undefined) params.state_machine_alias_arn = filter.stateMachineAliasArn;
    if (filter.status !== undefined) params.status = filter.status;
    if (filter.mapRunArn !== undefined) params.map_run_arn = filter.mapRunArn;
    if (page.after !== undefined) {
      [params.after_start_date, params.after_arn] = decodePageToken<[number, string]>('executions', page.after, [
        'number',
        'string',
      ]);
    }
    const rows = this.executionQueries.statement(filter, page.after !== undefined).all(params);
    return pageFrom(rows.map(summaryFromRow), page.limit, 'executions', (e) => [e.startDate, e.arn]);
  }

  /**
   * Forward: events with id > afterId (all when absent), oldest first. Reverse: events with
   * id < afterId (from the last one when absent), newest first. At most `limit` events.
   */
  async getHistory(
    executionArn: string,
    options: { afterId?: number; limit: number; reverse?: boolean },
  ): Promise<HistoryEvent[]> {
    checkLimit(options.limit);
    const { afterId, limit, reverse = false } = options;
    const rows = reverse
      ? afterId === undefined
        ? this.sql.historyLast.all(executionArn, limit)
        : this.sql.historyBefore.all(executionArn, afterId, limit)
      : afterId === undefined
        ? this.sql.historyFirst.all(executionArn, limit)
        : this.sql.historyAfter.all(executionArn, afterId, limit);
    return rows.map(eventFromRow);
  }

  async commit(commits: Commit[]): Promise<CommitResult[]> {
    assertValidCommits(commits);
    if (commits.length === 0) return [];
    try {
      return this.commitPlain.immediate(commits);
    } catch (error) {
      if (error instanceof DuplicateEventError) return this.commitBatch.immediate(commits);
      throw error;
    }
  }

  /** Writes one commit if its version check passes; false (nothing written) if it does not. */
  private applyCommit(commit: Commit): boolean {
    const { execution, expectedVersion } = commit;
    if (!this.writeExecution(executionToRow(execution), expectedVersion)) return false;
    try {
      this.events.insert(execution.arn, commit.events);
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new DuplicateEventError(`${execution.arn}: a history event already exists`);
      }
      throw error;
    }
    for (const timerId of commit.timersRemoved) this.sql.deleteTimer.run(execution.arn, timerId);
    for (const timer of commit.timersAdded) this.sql.putTimer.run(timerToRow(timer));
    for (const taskId of commit.tasksRemoved) this.sql.deleteTask.run(execution.arn, taskId);
    for (const task of commit.tasksAdded) this.sql.putTask.run(taskToRow(task));
    for (const m of commit.outbox ?? []) this.sql.insertOutbox.run(m.target, m.body, m.createdAt, m.createdAt);
    return true;
  }

  /** Inserts (expectedVersion 0) or updates the row under the version check; false if it did not match. */
  private writeExecution(row: ExecutionRow, expectedVersion: number): boolean {
    if (expectedVersion === 0) return this.sql.insertExecution.run(row).changes === 1;
    const update = { ...row, expected_version: expectedVersion };
    // Still RUNNING (most commits): try the update that leaves the status indexes alone first.
    if (row.status === 'RUNNING' && this.sql.updateRunningExecution.run(update).changes === 1) return true;
    return this.sql.updateExecution.run(update).changes === 1;
  }

  // ---- Map Runs --------------------------------------------------------------------------------

  async createMapRun(record: MapRunRecord): Promise<'ok' | 'exists'> {
    return this.mapRunSql.insertMapRun.run(mapRunToRow(record)).changes === 1 ? 'ok' : 'exists';
  }

  async updateMapRun(record: MapRunRecord): Promise<void> {
    this.mapRunSql.updateMapRun.run(mapRunToRow(record));
  }

  async updateMapRunLimits(arn: string, limits: MapRunLimits): Promise<boolean> {
    const row = {
      arn,
      max_concurrency: limits.maxConcurrency ?? null,
      tolerated_failure_percentage: limits.toleratedFailurePercentage ?? null,
      tolerated_failure_count: limits.toleratedFailureCount ?? null,
    };
    return this.mapRunSql.updateMapRunLimits.run(row).changes === 1;
  }

  async getMapRun(arn: string): Promise<MapRunRecord | undefined> {
    const row = this.mapRunSql.getMapRun.get(arn);
    return row && mapRunFromRow(row);
  }

  async listMapRuns(executionArn: string, page: PageRequest): Promise<Page<MapRunRecord>> {
    checkLimit(page.limit);
    const rows =
      page.after === undefined
        ? this.mapRunSql.listMapRuns.all(executionArn, page.limit + 1)
        : this.mapRunSql.listMapRunsAfter.all(
            executionArn,
            ...decodePageToken<[number, string]>('mapRuns', page.after, ['number', 'string']),
            page.limit + 1,
          );
    return pageFrom(rows.map(mapRunFromRow), page.limit, 'mapRuns', (r) => [r.startDate, r.arn]);
  }

  async putMapRunChildren(children: MapRunChildRecord[]): Promise<void> {
    if (children.length === 0) return;
    this.db
      .transaction(() => {
        for (const child of lastPerIndex(children)) this.mapRunSql.putChild.run(mapRunChildToRow(child));
      })
      .immediate();
  }

  async mapRunChildren(
    mapRunArn: string,
    options: { afterIndex?: number; limit: number },
  ): Promise<MapRunChildRecord[]> {
    checkLimit(options.limit);
    const rows =
      options.afterIndex === undefined
        ? this.mapRunSql.children.all(mapRunArn, options.limit)
        : this.mapRunSql.childrenAfter.all(mapRunArn, options.afterIndex, options.limit);
    return rows.map(mapRunChildFromRow);
  }

  async countMapRunChildren(mapRunArn: string): Promise<MapRunChildCount[]> {
    return this.mapRunSql.countChildren.all(mapRunArn).map(mapRunChildCountFromRow);
  }

  async deleteMapRunChildren(mapRunArn: string, indexes: number[]): Promise<void> {
    if (indexes.length === 0) return;
    this.db
      .transaction(() => {
        for (const index of indexes) this.mapRunSql.deleteChild.run(mapRunArn, index);
      })
      .immediate();
  }

  // ---- engine work -----------------------------------------------------------------------------

  async countRunningExecutions(): Promise<number> {
    return this.sql.countRunningExecutions.get() ?? 0;
  }

  async runningExecutionsWithTasks(): Promise<string[]> {
    return this.sql.runningExecutionsWithTasks.all();
  }

  async dueTimers(now: Millis, limit: number): Promise<TimerRecord[]> {
    checkLimit(limit);
    return this.sql.dueTimers.all(now, limit).map(timerFromRow);
  }

  async nextTimerAt(): Promise<Millis | undefined> {
    return this.sql.nextTimerAt.get() ?? undefined;
  }

  async countTimers(): Promise<number> {
    return this.sql.countTimers.get() ?? 0;
  }

  async claimOutbox(now: Millis, limit: number, holdMs: number): Promise<OutboxRecord[]> {
    return this.db
      .transaction(() => {
        const rows = this.sql.dueOutbox.all(now, limit);
        for (const row of rows) this.sql.holdOutbox.run(now + holdMs, Number(row.id));
        return rows.map(outboxFromRow);
      })
      .immediate();
  }

  /** An online backup to `file` (SQLite's backup API): a consistent copy while commits go on. */
  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }

  async deleteExecutionsStoppedBefore(stoppedBefore: Millis, limit: number): Promise<number> {
    return this.db
      .transaction(() => {
        let deleted = 0;
        for (const arn of this.sql.stoppedBefore.all(stoppedBefore, limit)) {
          // Redriven since it was picked: RUNNING again, kept.
          if (this.sql.deleteStoppedExecution.run(arn).changes !== 1) continue;
          deleted++;
          this.sql.deleteExecutionHistory.run(arn);
          this.sql.deleteExecutionTimers.run(arn);
          this.sql.deleteExecutionTasks.run(arn);
          this.sql.deleteExecutionSignals.run(arn);
          this.mapRunSql.deleteExecutionMapRunChildren.run(arn);
          this.mapRunSql.deleteExecutionMapRuns.run(arn);
        }
        return deleted;
      })
      .immediate();
  }

  async settleOutbox(id: number, retry?: { attempts: number; nextAttemptAt: Millis }): Promise<void> {
    if (retry) this.sql.retryOutbox.run(retry.attempts, retry.nextAttemptAt, id);
    else this.sql.deleteOutbox.run(id);
  }

  async pendingTasks(executionArn: string): Promise<TaskRecord[]> {
    return this.sql.pendingTasks.all(executionArn).map(taskFromRow);
  }

  async claimActivityTask(
    activityArn: string,
    workerName: string | undefined,
    now: Millis,
  ): Promise<ClaimedTask | undefined> {
    const row = this.activitySql.claimTask.get(workerName ?? null, now, activityArn);
    return row && claimedTaskFromRow(row);
  }

  async releaseActivityTask(executionArn: string, taskId: string): Promise<void> {
    this.activitySql.releaseTask.run(executionArn, taskId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    if (this.exclusive) releaseOwnerFile(this.file);
  }

  /** Caps (or raises the cap on) the database's size in pages; past it writes fail with SQLITE_FULL. */
  setMaxPageCount(pages: number): number {
    return this.db.pragma(`max_page_count = ${Math.floor(pages)}`, { simple: true }) as number;
  }

  /** For tests and diagnostics: a PRAGMA's current value. */
  pragma(name: 'journal_mode' | 'synchronous' | 'foreign_keys'): unknown {
    return this.db.pragma(name, { simple: true });
  }
}

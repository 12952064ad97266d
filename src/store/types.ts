/**
 * The durable store behind the API and the engine. One async interface, implemented by the
 * memory, SQLite and (later) PostgreSQL adapters, and checked by one shared test suite.
 *
 * The engine's unit of durability is a Commit: an execution's new state, its new history events,
 * the timers and outbox tasks its commands created or cancelled, all applied in one transaction and
 * guarded by the execution's version (optimistic concurrency). Many executions' commits go in one
 * transaction (group commit); each one succeeds or conflicts on its own.
 */
import type { Json } from '../json.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { ExecutionState, ExecutionStatus, StateMachineType } from '../interpreter/types.js';

export type Millis = number;

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `after` for the next page. Absent on the last page. */
  next?: string;
}

export interface PageRequest {
  limit: number;
  after?: string;
}

// ---- state machines ----------------------------------------------------------------------------

export interface LoggingConfiguration {
  level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  includeExecutionData: boolean;
  destinations?: Json[];
}

/** Server-side encryption of a state machine or activity, as the API takes and answers it. */
export interface EncryptionConfiguration {
  type: 'AWS_OWNED_KEY' | 'CUSTOMER_MANAGED_KMS_KEY';
  kmsKeyId?: string;
  kmsDataKeyReusePeriodSeconds?: number;
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  type: StateMachineType;
  definition: string;
  roleArn: string;
  description?: string;
  loggingConfiguration: LoggingConfiguration;
  tracingConfiguration: { enabled: boolean };
  /** Absent: AWS's default, `{"type":"AWS_OWNED_KEY"}`. */
  encryptionConfiguration?: EncryptionConfiguration;
  status: 'ACTIVE' | 'DELETING';
  creationDate: Millis;
  /** Set by UpdateStateMachine. */
  updateDate?: Millis;
  /** Changes on every update; versions record the revision they were published from. */
  revisionId: string;
}

export interface StateMachineVersionRecord {
  /** `<stateMachineArn>:<version>` */
  arn: string;
  stateMachineArn: string;
  version: number;
  definition: string;
  roleArn: string;
  description?: string;
  loggingConfiguration: LoggingConfiguration;
  tracingConfiguration: { enabled: boolean };
  encryptionConfiguration?: EncryptionConfiguration;
  revisionId: string;
  creationDate: Millis;
}

export interface AliasRecord {
  /** `<stateMachineArn>:<aliasName>` */
  arn: string;
  stateMachineArn: string;
  name: string;
  description?: string;
  routingConfiguration: { stateMachineVersionArn: string; weight: number }[];
  creationDate: Millis;
  updateDate?: Millis;
}

// ---- executions --------------------------------------------------------------------------------

export interface ExecutionRecord {
  arn: string;
  stateMachineArn: string;
  /** The version or alias the execution was started through, if any. */
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  name: string;
  /**
   * The definition the execution runs (and DescribeStateMachineForExecution returns): an update of
   * the state machine does not change running executions. Written at creation, never updated.
   */
  definition: string;
  status: ExecutionStatus;
  startDate: Millis;
  stopDate?: Millis;
  /** JSON text, as given to StartExecution. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Millis;
  /** The interpreter's state; the engine is its only reader and writer. */
  state: ExecutionState;
  /** Optimistic-concurrency version: bumped by every commit. */
  version: number;
  /** Number of history events so far (also the id of the last one). */
  historyLength: number;
  /** The mock configuration's test case it runs (StartExecution on `<stateMachineArn>#<TestCase>`). */
  testCase?: string;
  /**
   * How many times in a row the process ended while this execution had work in flight, without a
   * step of it committed since (absent: 0). Counted up by recovery, set back by every step.
   */
  processEndings?: number;
  /** A Distributed Map's child execution: the Map Run it belongs to (ListExecutions by `mapRunArn`). */
  mapRunArn?: string;
}

export type ExecutionSummary = Omit<
  ExecutionRecord,
  'state' | 'input' | 'output' | 'version' | 'definition' | 'processEndings'
>;

export interface ExecutionFilter {
  stateMachineArn?: string;
  /** Executions of one version, or started through one alias. */
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  status?: ExecutionStatus;
  redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN';
  /** The child executions of one Map Run. */
  mapRunArn?: string;
}

/** A timer row: fires a `timerFired` signal for an execution at `fireAt`. */
export interface TimerRecord {
  executionArn: string;
  timerId: string;
  fireAt: Millis;
}

/** An outbox row: a task the engine must (re)invoke until its result is committed. */
export interface TaskRecord {
  executionArn: string;
  taskId: string;
  resource: string;
  /** The interpreter's invokeTask command, as JSON. */
  command: Json;
  createdAt: Millis;
}

// ---- Map Runs (Distributed Map) ---------------------------------------------------------------

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/**
 * A Distributed Map's run: one per Map state entry of a parent execution (a redrive of the parent
 * continues the same run). Its children are executions (STANDARD, in `executions` with this
 * `mapRunArn`) or in-memory Express runs; either way each finished child is a MapRunChildRecord.
 */
export interface MapRunRecord {
  /** `arn:<partition>:states:<region>:<account>:mapRun:<stateMachine>/<label>:<id>` */
  arn: string;
  /** The parent execution. */
  executionArn: string;
  /** The children's state machine: `arn:...:stateMachine:<parent machine>/<label>`. */
  stateMachineArn: string;
  status: MapRunStatus;
  startDate: Millis;
  stopDate?: Millis;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  redriveCount: number;
  redriveDate?: Millis;
  /**
   * The coordinator's own record (how items are read and batched, how far it got, why it failed):
   * JSON it alone reads and writes; the store keeps it whole.
   */
  detail: Json;
}

/** What UpdateMapRun changes of a running run; each field left out stays as it is. */
export type MapRunLimits = Partial<
  Pick<MapRunRecord, 'maxConcurrency' | 'toleratedFailurePercentage' | 'toleratedFailureCount'>
>;

/** One finished child of a Map Run (a batch of items when the Map has an ItemBatcher). */
export interface MapRunChildRecord {
  mapRunArn: string;
  /** The child's position among the run's children, from 0. */
  index: number;
  executionArn: string;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  /** How many items the child processed (1 without an ItemBatcher). */
  itemCount: number;
  /** What the ResultWriter writes of it and the Map's output holds (JSON text). */
  result: string;
}

/** Finished children of a Map Run by status: how many children, how many items. */
export interface MapRunChildCount {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  children: number;
  items: number;
}

// ---- activities ------------------------------------------------------------------------------

export interface ActivityRecord {
  /** `arn:aws:states:<region>:<account>:activity:<name>` */
  arn: string;
  name: string;
  creationDate: Millis;
  encryptionConfiguration?: EncryptionConfiguration;
}

/**
 * An activity task handed to a worker (GetActivityTask): its outbox row, claimed. The row stays in
 * the outbox until the task's result is committed; the claim only keeps other workers off it.
 */
export interface ClaimedTask extends TaskRecord {
  claimedAt: Millis;
  claimedBy?: string;
}

export interface Commit {
  /** 0 when the commit creates the execution. */
  expectedVersion: number;
  /** The execution row as it is after this commit (its `version` is expectedVersion + 1). */
  execution: ExecutionRecord;
  /** New history events, ids continuing from the last committed one. */
  events: HistoryEvent[];
  timersAdded: TimerRecord[];
  timersRemoved: string[];
  tasksAdded: TaskRecord[];
  tasksRemoved: string[];
  /**
   * Several nodes (./cluster.ts): the lease this commit is made under. It applies only while `owner`
   * holds the execution's lease (`locked_by` = owner and `locked_until` > now), else the result is
   * 'leaseLost' and nothing is written; a creating commit (expectedVersion 0) takes the lease.
   * Afterwards the lease runs to `until`, or is released when `until` is null or the execution is
   * no longer RUNNING. Stores for one process (SQLite) ignore it.
   */
  lease?: { owner: string; now: Millis; until: Millis | null };
  /** Inbox signals (./cluster.ts) this step applied or ignored, settled with it. */
  signalsSettled?: { id: number; accepted: boolean }[];
  /** Messages to deliver outside (status change events), stored with the step they tell of. */
  outbox?: OutboxMessage[];
}

/** A message for the outbox: `body` to deliver to `target` (a webhook URL). */
export interface OutboxMessage {
  target: string;
  body: string;
  createdAt: Millis;
}

/** An outbox row: a message not yet delivered nor given up. */
export interface OutboxRecord extends OutboxMessage {
  id: number;
  /** Deliveries tried and failed so far. */
  attempts: number;
}

/** 'leaseLost': the commit's lease was not (or no longer) the committing node's. */
export type CommitResult = 'ok' | 'conflict' | 'leaseLost';

export interface ExecutionStore {
  // state machines, versions, aliases, tags
  createStateMachine(record: StateMachineRecord): Promise<'ok' | 'exists'>;
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined>;
  updateStateMachine(record: StateMachineRecord): Promise<void>;
  /** Removes the state machine, its versions and aliases; executions stay readable. */
  deleteStateMachine(arn: string): Promise<void>;
  listStateMachines(page: PageRequest): Promise<Page<StateMachineRecord>>;

  createVersion(record: StateMachineVersionRecord): Promise<void>;
  getVersion(arn: string): Promise<StateMachineVersionRecord | undefined>;
  /** Newest first. */
  listVersions(stateMachineArn: string, page: PageRequest): Promise<Page<StateMachineVersionRecord>>;
  deleteVersion(arn: string): Promise<void>;

  putAlias(record: AliasRecord): Promise<void>;
  getAlias(arn: string): Promise<AliasRecord | undefined>;
  listAliases(stateMachineArn: string, page: PageRequest): Promise<Page<AliasRecord>>;
  deleteAlias(arn: string): Promise<void>;

  getTags(resourceArn: string): Promise<Record<string, string>>;
  setTags(resourceArn: string, tags: Record<string, string>): Promise<void>;
  removeTags(resourceArn: string, keys: string[]): Promise<void>;

  // activities (tags live in the tags table, keyed by the activity ARN)
  createActivity(record: ActivityRecord): Promise<'ok' | 'exists'>;
  getActivity(arn: string): Promise<ActivityRecord | undefined>;
  /** Removes the activity and its tags; its tasks stay in the outbox until their executions settle them. */
  deleteActivity(arn: string): Promise<void>;
  /** Oldest first: creationDate, then arn. */
  listActivities(page: PageRequest): Promise<Page<ActivityRecord>>;

  // executions
  getExecution(arn: string): Promise<ExecutionRecord | undefined>;
  listExecutions(filter: ExecutionFilter, page: PageRequest): Promise<Page<ExecutionSummary>>;
  /** Events with id > afterId (or < beforeId when reverse), oldest first unless reverse. */
  getHistory(
    executionArn: string,
    options: { afterId?: number; limit: number; reverse?: boolean },
  ): Promise<HistoryEvent[]>;

  /** Applies every commit in one transaction; each is checked against its expected version. */
  commit(commits: Commit[]): Promise<CommitResult[]>;

  // engine work
  /** How many executions are RUNNING: the open executions a node alone counts against its quota. */
  countRunningExecutions(): Promise<number>;
  /**
   * The RUNNING executions with outbox tasks, to invoke again after a restart. The others only wait
   * for a timer (its row fires them) or for nothing a restart must redo: they are not loaded.
   */
  runningExecutionsWithTasks(): Promise<string[]>;
  /** Timers due at or before `now`, earliest first. */
  dueTimers(now: Millis, limit: number): Promise<TimerRecord[]>;
  /** When the next timer fires, if any. */
  nextTimerAt(): Promise<Millis | undefined>;
  /** How many timers are stored and not yet fired (for metrics). */
  countTimers(): Promise<number>;

  // Map Runs
  /** Inserts a Map Run; 'exists' (and nothing written) when its ARN is taken. */
  createMapRun(record: MapRunRecord): Promise<'ok' | 'exists'>;
  /**
   * Writes the run's own state: status, dates, redrive count and date, detail. Its limits are left
   * as they are: they belong to UpdateMapRun (`updateMapRunLimits`), which may land at any moment
   * while the coordinator writes its progress.
   */
  updateMapRun(record: MapRunRecord): Promise<void>;
  /** Changes only the limits given; false when there is no such run. */
  updateMapRunLimits(arn: string, limits: MapRunLimits): Promise<boolean>;
  getMapRun(arn: string): Promise<MapRunRecord | undefined>;
  /** The Map Runs of one execution, newest first (`startDate` descending, then `arn`). */
  listMapRuns(executionArn: string, page: PageRequest): Promise<Page<MapRunRecord>>;
  /** Records finished children (replacing a child of the same run and index: a redriven one). */
  putMapRunChildren(children: MapRunChildRecord[]): Promise<void>;
  /** Finished children of a run by index, from `afterIndex` exclusive (all when absent), at most `limit`. */
  mapRunChildren(mapRunArn: string, options: { afterIndex?: number; limit: number }): Promise<MapRunChildRecord[]>;
  /** Finished children of a run counted by status (only statuses that occur). */
  countMapRunChildren(mapRunArn: string): Promise<MapRunChildCount[]>;
  /** Removes finished children (a redrive runs them again). */
  deleteMapRunChildren(mapRunArn: string, indexes: number[]): Promise<void>;
  /**
   * Takes up to `limit` outbox rows due at `now`, oldest first, and holds them for `holdMs` (their
   * next attempt is put off by that much, so another deliverer does not take them meanwhile).
   */
  claimOutbox(now: Millis, limit: number, holdMs: number): Promise<OutboxRecord[]>;
  /**
   * Retention: deletes up to `limit` executions that stopped before `stoppedBefore` (never a
   * RUNNING one), oldest first, with their history, timers, tasks and inbox signals; how many.
   */
  deleteExecutionsStoppedBefore(stoppedBefore: Millis, limit: number): Promise<number>;
  /** An outbox row is settled: removed (delivered, or given up), or with `retry` tried again then. */
  settleOutbox(id: number, retry?: { attempts: number; nextAttemptAt: Millis }): Promise<void>;
  /** Outbox tasks of one execution (to re-invoke after a restart). */
  pendingTasks(executionArn: string): Promise<TaskRecord[]>;
  /**
   * Claims the oldest unclaimed outbox task whose resource is `activityArn` (by createdAt, then
   * executionArn, then taskId) for a worker, atomically: two concurrent callers never get the same
   * task. Undefined when there is none.
   */
  claimActivityTask(activityArn: string, workerName: string | undefined, now: Millis): Promise<ClaimedTask | undefined>;
  /** Gives a claimed task back (the worker that claimed it went away before it was told). */
  releaseActivityTask(executionArn: string, taskId: string): Promise<void>;

  close(): Promise<void>;
}

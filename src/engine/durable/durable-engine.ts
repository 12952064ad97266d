/**
 * The durable runner, as a facade over its parts. Standard executions: every signal is applied by
 * the interpreter's step function and its result (state, events, timers, outbox tasks) committed
 * through the group-commit queue before any command runs (./actor.ts, ./step-commit.ts). Timers are
 * rows (./timer-loop.ts). Where an execution runs is the ownership port's: this node alone
 * (./local-ownership.ts) or one of several on PostgreSQL (./cluster/cluster-ownership.ts).
 *
 * Express executions run in memory, apart (../express.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Json } from '../../json.js';
import { newExecution, step } from '../../interpreter/step.js';
import type { Runtime, Signal } from '../../interpreter/types.js';
import type { NodeRecord } from '../../store/cluster.js';
import type { ExecutionRecord, ExecutionStore } from '../../store/types.js';
import { realClock, type Clock } from '../clock.js';
import { CommitQueue } from '../commit-queue.js';
import type { StoreHealth } from '../../store/faults.js';
import { CompileCache } from '../compile-cache.js';
import type { Engine, MockTestCases, StartRequest, StartResult, StopResult, SyncResult } from '../engine.js';
import { executionArn, executionInfo } from '../execution-info.js';
import { ExpressRunner } from '../express.js';
import type { ExpressExecutionRecord } from '../express-record.js';
import { HandlersIntegration } from '../handlers-integration.js';
import { IntegrationRegistry } from '../integration-registry.js';
import type { TestCaseIntegration } from '../ports.js';
import type { TaskHandler } from '../task-invoker.js';
import { TaskRunner } from '../task-runner.js';
import { Actors } from './actor.js';
import { Callbacks, type CallbackResult } from './callbacks.js';
import { ClusterOwnership, type ClusterOwnershipOptions } from './cluster/cluster-ownership.js';
import type { ClusterStats } from './cluster/cluster-node.js';
import { DurableContext } from './context.js';
import { EndWaiters } from './end-waiters.js';
import { LocalOwnership } from './local-ownership.js';
import type { Ownership } from './ownership.js';
import { DEFAULT_MAX_PROCESS_ENDING_ATTEMPTS } from './poison.js';
import {
  DEFAULT_MAX_EXECUTIONS_IN_FLIGHT,
  DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
  ExecutionLimitExceededError,
} from '../quotas.js';
import { redriveExecution } from './redrive.js';
import { startsTask } from './step-commit.js';
import { eventLoopTurns } from '../event-loop-turns.js';
import { MapRuns } from '../map-runs/coordinator.js';
import type { MapRunData } from '../map-runs/ports.js';
import type { CommitOutbox, EngineObserver } from '../observer.js';

export { HISTORY_QUOTA } from './context.js';
export type { CallbackResult } from './callbacks.js';

export interface DurableEngineOptions {
  store: ExecutionStore;
  clock?: Clock;
  /**
   * How Task resources run, asked in order. Defaults to a registry with just `handlers` and `mocks`.
   * The server may add integrations after construction, before `start()` (nested executions need
   * the engine itself).
   */
  integrations?: IntegrationRegistry;
  /** Task handlers by resource ARN, asked before the integrations. */
  handlers?: Record<string, TaskHandler>;
  logger?: Logger;
  runtime?: Partial<Runtime>;
  /**
   * Step Functions Local's mocked test cases: asked before the integrations (and the handlers), only
   * for executions started on `<stateMachineArn>#<TestCase>`.
   */
  mocks?: TestCaseIntegration;
  /**
   * Multiplies Wait state and Retry backoff durations (STEPWISE_WAIT_TIME_SCALE): 0 makes them
   * instant. Task, heartbeat and execution timeouts keep their real length.
   */
  waitTimeScale?: number;
  /**
   * Multiplies Retry backoff durations alone (default: waitTimeScale). Step Functions Local's
   * WAIT_TIME_SCALE scales Wait states only, so a server given only that sets this to 1.
   */
  retryTimeScale?: number;
  /** Run as one node of several sharing `cluster.store` (which must be `store`). */
  cluster?: ClusterOwnershipOptions;
  /** Where the commit path records store faults (disk full...); /healthz reads it. */
  storeHealth?: StoreHealth;
  /**
   * Process endings in a row (with work of the execution in flight, no step committed since) after
   * which recovery fails an execution with States.Runtime instead of running it again. Default 3.
   */
  maxProcessEndingAttempts?: number;
  /**
   * The previous process on this store stopped cleanly (its close() ran to the end): nothing it
   * ran ended it, so recovery counts no process ending. The server knows this from a marker file.
   */
  stoppedCleanly?: boolean;
  /** Executions running here at once (Standard ones loaded, Express ones in memory); StartExecution beyond answers ExecutionLimitExceeded. */
  maxExecutionsInFlight?: number;
  /**
   * Bytes of history one in-memory (Express) run may hold, and one Standard step before its commit;
   * over it the execution fails with States.Runtime. Default 64 MiB.
   */
  maxHistoryBytesInMemory?: number;
  /** Who watches the engine: metrics, execution logs, status change events (./../observer.ts). */
  observer?: EngineObserver;
  /** Messages stored with each commit (status change events), see CommitOutbox. */
  outbox?: CommitOutbox;
  /** Distributed Map's S3 item readers and result writers (the server wires integrations/map-data). */
  mapRunData?: MapRunData;
}

export class DurableEngine implements Engine {
  private readonly ctx: DurableContext;
  private readonly actors: Actors;
  private readonly ownership: Ownership;
  private readonly express: ExpressRunner;
  private readonly ends: EndWaiters;
  private readonly callbacks: Callbacks;
  private readonly mocks: TestCaseIntegration | undefined;
  private readonly maxExecutionsInFlight: number;
  private readonly observer: EngineObserver | undefined;

  constructor(options: DurableEngineOptions) {
    const clock = options.clock ?? realClock;
    const integrations = options.integrations ?? new IntegrationRegistry();
    if (options.handlers) integrations.prepend(new HandlersIntegration(options.handlers));
    // A mocked state wins over every integration, the test handlers too.
    if (options.mocks) integrations.prepend(options.mocks);
    this.mocks = options.mocks;
    const rt: Runtime = {
      now: options.runtime?.now ?? (() => clock.now()),
      random: options.runtime?.random ?? Math.random,
      uuid: options.runtime?.uuid ?? randomUUID,
      pause: options.runtime?.pause ?? eventLoopTurns(),
    };
    const machines = new CompileCache();
    const commits = new CommitQueue(options.store, undefined, options.storeHealth);
    commits.observer = options.observer;
    commits.outbox = options.outbox;
    this.observer = options.observer;
    this.ctx = new DurableContext({
      store: options.store,
      commits,
      observer: options.observer,
      clock,
      rt,
      machines,
      integrations,
      log: options.logger,
      waitTimeScale: options.waitTimeScale ?? 1,
      ...(options.retryTimeScale !== undefined ? { retryTimeScale: options.retryTimeScale } : {}),
      maxProcessEndingAttempts: options.maxProcessEndingAttempts ?? DEFAULT_MAX_PROCESS_ENDING_ATTEMPTS,
      maxHistoryBytesInMemory: options.maxHistoryBytesInMemory ?? DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
      stoppedCleanly: options.stoppedCleanly ?? false,
    });
    const tasks = new TaskRunner(integrations, (arn, signal) => void this.actors.deliver(arn, signal));
    this.ends = new EndWaiters(options.store);
    const cluster = options.cluster;
    this.actors = new Actors(this.ctx, tasks, this.ends, (actors) =>
      cluster ? new ClusterOwnership(this.ctx, actors, tasks, cluster) : new LocalOwnership(this.ctx, actors),
    );
    this.ownership = this.actors.ownership;
    this.express = new ExpressRunner(
      machines,
      tasks,
      clock,
      rt,
      options.logger,
      options.maxHistoryBytesInMemory ?? DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
      options.observer,
    );
    this.maxExecutionsInFlight = options.maxExecutionsInFlight ?? DEFAULT_MAX_EXECUTIONS_IN_FLIGHT;
    this.callbacks = new Callbacks(this.actors, options.store);
    // Asked first: no mock or handler answers a Map Run's task.
    integrations.prepend(
      new MapRuns({
        store: options.store,
        machines,
        clock,
        rt,
        host: this,
        ...(options.mapRunData ? { data: options.mapRunData } : {}),
        log: options.logger,
      }),
    );
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Loads and resumes: `load()` then `resume()`. */
  async start(): Promise<void> {
    await this.load();
    await this.resume();
  }

  /**
   * Loads the executions to resume and stores what recovery must (process-ending counts, poison
   * executions failed), running no user code: a server answers requests once this resolves.
   */
  load(): Promise<void> {
    return this.ownership.start();
  }

  /** Runs what `load` found: outbox tasks invoked again, due timers fired; resolves after the first look for work. */
  resume(): Promise<void> {
    return this.ownership.resume();
  }

  async close(): Promise<void> {
    this.ctx.closed = true;
    this.ctx.commits.giveUpHeld();
    this.express.abortAll();
    await Promise.all([...this.actors.entries()].map(([, a]) => this.actors.whenIdle(a)));
    await this.ctx.commits.drain();
    await this.ownership.close();
  }

  /** This node's id and counters (cluster), for GET /cluster/nodes. */
  get node(): { id: string; stats: ClusterStats } | undefined {
    return this.ownership.node;
  }

  /** Executions active in this process now (their actors). */
  get activeExecutions(): number {
    return this.actors.size;
  }

  /** Executions running here now, counted against maxExecutionsInFlight: open Standard executions and Express runs. */
  get executionsInFlight(): number {
    return this.ownership.open + this.express.active;
  }

  recentExpressExecutions(stateMachineArn?: string): ExpressExecutionRecord[] {
    return this.express.record.list(stateMachineArn);
  }

  /** Where this node's API listens, reported with its heartbeat (cluster). */
  advertise(address: string): void {
    this.ownership.advertise(address);
  }

  /** The cluster's nodes, or undefined when this engine runs alone. */
  async clusterNodes(): Promise<NodeRecord[] | undefined> {
    return this.ownership.nodes();
  }

  /** Commit-queue figures, for benchmarks. */
  get commitStats(): { batches: number; maxBatch: number } {
    return { batches: this.ctx.commits.batches, maxBatch: this.ctx.commits.maxBatch };
  }

  // ---- time skipping (the virtual clock, ../time-skipping.ts) ---------------------------------

  /** Nothing runs here now: no step applying or queued, no task handler of a Standard execution running. */
  get quiet(): boolean {
    return this.actors.quiet;
  }

  /** Fires the timers due now (their deliveries go on after this resolves). */
  sweepTimers(): Promise<void> {
    return this.ownership.sweep();
  }

  // ---- Engine ---------------------------------------------------------------------------------

  async startExecution(request: StartRequest): Promise<StartResult | { alreadyExists: ExecutionRecord }> {
    const sm = request.stateMachine;
    const full = this.executionsInFlight >= this.maxExecutionsInFlight;
    if (sm.type === 'EXPRESS') {
      if (full) throw this.throttled(sm.arn);
      return this.express.startAsync(request);
    }
    const { store, clock, rt } = this.ctx;
    const arn = executionArn(sm, request.name, 'STANDARD');
    const existing = await store.getExecution(arn);
    if (existing) return { alreadyExists: existing };
    if (full) throw this.throttled(sm.arn);
    const machine = this.ctx.machines.forStateMachine(sm);
    const startDate = clock.now();
    const info = executionInfo(sm, request, arn, startDate, 0);
    const initial = newExecution(info, request.input);
    const signal: Signal = { kind: 'start', input: request.input };
    const result = this.ctx.scaleTimers(await step(machine, initial, signal, rt, this.ctx.standardRun));
    const record: ExecutionRecord = {
      arn,
      stateMachineArn: sm.arn,
      ...(request.stateMachineVersionArn ? { stateMachineVersionArn: request.stateMachineVersionArn } : {}),
      ...(request.stateMachineAliasArn ? { stateMachineAliasArn: request.stateMachineAliasArn } : {}),
      name: request.name,
      definition: sm.definition,
      status: 'RUNNING',
      startDate,
      input: request.inputText,
      redriveCount: 0,
      state: initial,
      version: 0,
      historyLength: 0,
      ...(request.testCase !== undefined ? { testCase: request.testCase } : {}),
      ...(request.mapRunArn !== undefined ? { mapRunArn: request.mapRunArn } : {}),
    };
    const keepLease = startsTask(result.commands);
    const committed = await this.actors.commit(record, signal, result, { keepLease });
    if (typeof committed === 'string') {
      const winner = await store.getExecution(arn);
      if (winner) return { alreadyExists: winner };
      throw new Error(`Could not create execution ${arn}`);
    }
    // A callback may have loaded the execution between the commit and here: keep that actor. An
    // execution that only waits is left to its next signal, which loads it (on a node of several,
    // whichever node that signal finds): only one that started a task needs its actor now.
    if (committed.status === 'RUNNING' && keepLease && !this.actors.has(arn) && this.ownership.keepAfterStep(keepLease))
      this.actors.set(arn, this.actors.create(committed, machine));
    this.actors.runCommands(arn, result.commands);
    return { executionArn: arn, startDate };
  }

  startSyncExecution(request: StartRequest): Promise<SyncResult> {
    return this.express.startSync(request);
  }

  /** A start refused for the executions in flight: told to the observer (ExecutionThrottled). */
  private throttled(stateMachineArn: string): ExecutionLimitExceededError {
    this.observer?.executionThrottled?.(stateMachineArn);
    return new ExecutionLimitExceededError(this.maxExecutionsInFlight);
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    if (this.express.stop(executionArn, error, cause)) return { stopDate: this.ctx.clock.now() };
    return this.ownership.stop(executionArn, error, cause);
  }

  redriveExecution(executionArn: string): Promise<{ redriveDate: number } | { notRedrivable: string }> {
    return redriveExecution(this.ctx, this.actors, executionArn);
  }

  /** Delivers a signal to a running Standard execution (task results, timers, stop). */
  deliver(executionArn: string, signal: Signal): Promise<void> {
    return this.actors.deliver(executionArn, signal);
  }

  /** Delivers a signal and resolves once it is committed: whether it changed the execution (see Actors). */
  deliverAndConfirm(executionArn: string, signal: Signal): Promise<boolean> {
    return this.actors.deliverAndConfirm(executionArn, signal);
  }

  // ---- task callbacks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) -------------------------

  sendTaskSuccess(token: string, output: Json): Promise<CallbackResult> {
    return this.callbacks.success(token, output);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): Promise<CallbackResult> {
    return this.callbacks.failure(token, error, cause);
  }

  sendTaskHeartbeat(token: string): Promise<CallbackResult> {
    return this.callbacks.heartbeat(token);
  }

  /** An activity worker took the task (GetActivityTask): ActivityStarted. */
  taskStarted(token: string, workerName?: string): Promise<CallbackResult> {
    return this.callbacks.started(token, workerName);
  }

  // ---- nested executions and mocks -------------------------------------------------------------

  /** Resolves once the execution is no longer RUNNING (undefined if it does not exist, or `signal` aborts first). */
  whenEnded(executionArn: string, signal?: AbortSignal): Promise<ExecutionRecord | undefined> {
    return this.ends.whenEnded(executionArn, signal, (check) => this.ownership.watch(check));
  }

  /** Whether the mock configuration has this test case (StartExecution on `<stateMachineArn>#<TestCase>`). */
  hasTestCase(stateMachineName: string, testCase: string): boolean {
    return this.mocks?.hasTestCase(stateMachineName, testCase) ?? false;
  }

  mockTestCases(): MockTestCases[] | undefined {
    const mocks = this.mocks;
    return mocks?.stateMachineNames().map((stateMachineName) => ({
      stateMachineName,
      testCases: mocks.testCases(stateMachineName),
    }));
  }
}

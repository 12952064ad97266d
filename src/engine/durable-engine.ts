/**
 * The durable runner. Standard executions: every signal is applied by the interpreter's step
 * function and its result (state, events, timers, outbox tasks) committed through the group-commit
 * queue before any command runs. One actor per active execution serialises its signals. Timers are
 * rows fired by one timer loop; nothing is held in memory per waiting execution. On start, every
 * RUNNING execution resumes: its outbox tasks are invoked again, its timers are already rows.
 *
 * Express executions run in memory through the in-memory runner, as AWS runs them.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Json } from '../json.js';
import { compileMachine } from '../interpreter/compile.js';
import type { CompiledMachine } from '../interpreter/compiled.js';
import type { HistoryEvent } from '../interpreter/history.js';
import { newExecution, step } from '../interpreter/step.js';
import { HISTORY_EVENT_QUOTA, HISTORY_QUOTA_CAUSE, StatesErrors } from '../interpreter/errors.js';
import type { Command, ExecutionInfo, ExecutionState, Runtime, Signal, StepResult } from '../interpreter/types.js';
import type { Commit, ExecutionRecord, ExecutionStore, StateMachineRecord } from '../store/types.js';
import { realClock, type Clock } from './clock.js';
import { CommitQueue } from './commit-queue.js';
import type { Engine, StartRequest, StartResult, StopResult, SyncResult } from './engine.js';
import { runInMemory } from './in-memory-runner.js';
import type { InvokeTaskCommand, TaskHandler } from './task-invoker.js';
import { HandlersIntegration } from '../integrations/handlers.js';
import { IntegrationRegistry } from '../integrations/registry.js';
import { parseResource } from '../integrations/resource.js';
import type { TaskInvocation, TaskOutcome } from '../integrations/types.js';
import type { TaskMocks } from '../integrations/mocks/task-mocks.js';
import { decodeTaskToken } from '../interpreter/task-token.js';

/** AWS's quota: an execution that would exceed it fails. */
export const HISTORY_QUOTA = HISTORY_EVENT_QUOTA;
/** Standard executions: history always recorded, and the quota enforced inside the step. */
const STANDARD_RUN = { history: true, historyLimit: HISTORY_QUOTA } as const;
/** Express executions may run five minutes at most (AWS's limit). */
const EXPRESS_MAX_DURATION_MS = 5 * 60 * 1000;
/** Longest single sleep of the timer loop; it re-reads the store at least this often. */
const MAX_TIMER_SLEEP_MS = 30_000;
const MAX_CONFLICT_RETRIES = 5;

export interface DurableEngineOptions {
  store: ExecutionStore;
  clock?: Clock;
  /** How Task resources run. Defaults to a registry with just `handlers`. */
  integrations?: IntegrationRegistry;
  /** Task handlers by resource ARN, asked before the integrations. */
  handlers?: Record<string, TaskHandler>;
  logger?: Logger;
  runtime?: Partial<Runtime>;
  /**
   * Step Functions Local's mocked test cases: asked before the integrations (and the handlers), only
   * for executions started on `<stateMachineArn>#<TestCase>`.
   */
  mocks?: TaskMocks;
  /**
   * Multiplies Wait state and Retry backoff durations (Step Functions Local's WAIT_TIME_SCALE):
   * 0 makes them instant. Task, heartbeat and execution timeouts keep their real length.
   */
  waitTimeScale?: number;
}

/** A signal for an execution, and who wants to know whether it changed anything. */
interface Delivery {
  signal: Signal;
  settle?: (accepted: boolean) => void;
}

interface Actor {
  record: ExecutionRecord;
  machine: CompiledMachine;
  mailbox: Delivery[];
  busy: boolean;
  /** Resolved each time the mailbox is empty again (for StopExecution to wait on). */
  idle: (() => void)[];
}

export class DurableEngine implements Engine {
  private readonly store: ExecutionStore;
  private readonly clock: Clock;
  private readonly integrations: IntegrationRegistry;
  /** Tasks being run now, to abort when they are cancelled; by execution ARN and task id (task ids repeat across executions). */
  private readonly running = new Map<string, AbortController>();
  private readonly log: Logger | undefined;
  private readonly rt: Runtime;
  private readonly commits: CommitQueue;
  private readonly actors = new Map<string, Actor>();
  private readonly machines = new Map<string, CompiledMachine>();
  private readonly express = new Map<string, AbortController>();
  private readonly timersInFlight = new Set<string>();
  private timerHandle: NodeJS.Timeout | undefined;
  private timerWakeAt = Number.POSITIVE_INFINITY;
  private timerLoopRunning = false;
  private closed = false;
  private readonly mocks: TaskMocks | undefined;
  private readonly waitTimeScale: number;
  /** Callers of `whenEnded`, by execution ARN. */
  private readonly endWaiters = new Map<string, Set<(record: ExecutionRecord) => void>>();

  constructor(options: DurableEngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? realClock;
    this.integrations = options.integrations ?? new IntegrationRegistry();
    if (options.handlers) this.integrations.prepend(new HandlersIntegration(options.handlers));
    this.log = options.logger;
    this.mocks = options.mocks;
    this.waitTimeScale = options.waitTimeScale ?? 1;
    this.rt = {
      now: options.runtime?.now ?? (() => this.clock.now()),
      random: options.runtime?.random ?? Math.random,
      uuid: options.runtime?.uuid ?? randomUUID,
      pause: options.runtime?.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve))),
    };
    this.commits = new CommitQueue(this.store);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    for (const arn of await this.store.runningExecutions()) {
      const record = await this.store.getExecution(arn);
      if (!record || record.status !== 'RUNNING') continue;
      this.actors.set(arn, this.actor(record));
      for (const task of await this.store.pendingTasks(arn)) this.invoke(arn, task.command as unknown as InvokeTaskCommand);
    }
    await this.pollTimers();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    for (const controller of this.express.values()) controller.abort({ error: 'States.Runtime', cause: 'The server stopped' });
    await Promise.all([...this.actors.values()].map((a) => this.whenIdle(a)));
    await this.commits.drain();
  }

  /** Commit-queue figures, for benchmarks. */
  get commitStats(): { batches: number; maxBatch: number } {
    return { batches: this.commits.batches, maxBatch: this.commits.maxBatch };
  }

  // ---- Engine ---------------------------------------------------------------------------------

  async startExecution(request: StartRequest): Promise<StartResult | { alreadyExists: ExecutionRecord }> {
    const sm = request.stateMachine;
    if (sm.type === 'EXPRESS') return this.startExpressAsync(request);
    const arn = executionArn(sm, request.name, 'STANDARD');
    const existing = await this.store.getExecution(arn);
    if (existing) return { alreadyExists: existing };
    const machine = this.compiledFor(sm);
    const startDate = this.clock.now();
    const info = this.info(sm, request, arn, startDate, 0);
    const initial = newExecution(info, request.input);
    const result = this.scaleTimers(await step(machine, initial, { kind: 'start', input: request.input }, this.rt, STANDARD_RUN));
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
    };
    const committed = await this.commitStep(record, { kind: 'start', input: request.input }, result);
    if (!committed) {
      const winner = await this.store.getExecution(arn);
      if (winner) return { alreadyExists: winner };
      throw new Error(`Could not create execution ${arn}`);
    }
    // A callback may have loaded the execution between the commit and here: keep that actor.
    if (committed.status === 'RUNNING' && !this.actors.has(arn)) this.actors.set(arn, this.actor(committed, machine));
    this.runCommands(arn, result.commands);
    return { executionArn: arn, startDate };
  }

  async startSyncExecution(request: StartRequest): Promise<SyncResult> {
    const sm = request.stateMachine;
    const arn = executionArn(sm, request.name, 'EXPRESS', this.rt.uuid());
    const startDate = this.clock.now();
    const result = await runInMemory(this.compiledFor(sm), this.info(sm, request, arn, startDate, undefined), request.input, {
      invoke: this.expressInvoker(arn, request),
      cancel: (taskId) => this.cancelRunningTask(arn, taskId),
      clock: this.clock,
      history: false,
      runtime: this.rt,
      deadline: startDate + EXPRESS_MAX_DURATION_MS,
    });
    return {
      executionArn: arn,
      stateMachineArn: sm.arn,
      name: request.name,
      startDate,
      stopDate: this.clock.now(),
      status: result.status,
      input: request.inputText,
      ...(result.output !== undefined ? { output: JSON.stringify(result.output) } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
    };
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const controller = this.express.get(executionArn);
    if (controller) {
      controller.abort({ error, cause });
      return { stopDate: this.clock.now() };
    }
    const actor = this.actors.get(executionArn);
    if (!actor) {
      const record = await this.store.getExecution(executionArn);
      return record ? { notRunning: record } : { notFound: true };
    }
    await this.deliver(executionArn, { kind: 'stop', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
    await this.whenIdle(actor);
    const record = await this.store.getExecution(executionArn);
    if (record && record.status !== 'ABORTED') return { notRunning: record };
    return { stopDate: record?.stopDate ?? this.clock.now() };
  }

  async redriveExecution(executionArn: string): Promise<{ redriveDate: number } | { notRedrivable: string }> {
    const record = await this.store.getExecution(executionArn);
    if (!record) return { notRedrivable: `Execution ${executionArn} does not exist` };
    const refusal = redriveRefusal(record, this.clock.now());
    if (refusal !== undefined) return { notRedrivable: refusal };
    if (this.actors.has(executionArn)) return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
    const actor = this.actor(record);
    this.actors.set(executionArn, actor);
    await this.deliver(executionArn, { kind: 'redrive' });
    await this.whenIdle(actor);
    const after = await this.store.getExecution(executionArn);
    if (!after || after.redriveCount === record.redriveCount) return { notRedrivable: `Execution ${executionArn} could not be redriven` };
    return { redriveDate: after.redriveDate ?? this.clock.now() };
  }

  /** Delivers a signal to a running Standard execution (task results, timers, stop). */
  async deliver(executionArn: string, signal: Signal): Promise<void> {
    const actor = this.actors.get(executionArn);
    if (!actor) return;
    actor.mailbox.push({ signal });
    void this.pump(executionArn, actor);
  }

  /**
   * Delivers a signal and resolves once it is committed: true if it changed the execution, false if
   * the interpreter ignored it (its task or timer was no longer awaited). Callbacks rely on this to
   * accept a task token exactly once.
   */
  async deliverAndConfirm(executionArn: string, signal: Signal): Promise<boolean> {
    let actor = this.actors.get(executionArn);
    if (!actor) {
      const record = await this.store.getExecution(executionArn);
      if (!record || record.status !== 'RUNNING') return false;
      actor = this.actors.get(executionArn) ?? this.actor(record);
      this.actors.set(executionArn, actor);
    }
    const target = actor;
    return new Promise<boolean>((settle) => {
      target.mailbox.push({ signal, settle });
      void this.pump(executionArn, target);
    });
  }

  // ---- task callbacks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) -------------------------

  sendTaskSuccess(token: string, output: Json): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskSucceeded', taskId, output }));
  }

  sendTaskFailure(token: string, error?: string, cause?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskFailed', taskId, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) }));
  }

  sendTaskHeartbeat(token: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskHeartbeat', taskId }));
  }

  /** An activity worker took the task (GetActivityTask): ActivityStarted. */
  taskStarted(token: string, workerName?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskStarted', taskId, ...(workerName !== undefined ? { workerName } : {}) }));
  }

  private async callback(token: string, signal: (taskId: string) => Signal): Promise<CallbackResult> {
    const parts = decodeTaskToken(token);
    if (!parts) return 'invalidToken';
    const record = this.actors.get(parts.executionArn)?.record ?? (await this.store.getExecution(parts.executionArn));
    if (!record || record.status !== 'RUNNING' || !awaitsToken(record, parts.taskId, token)) return 'taskDoesNotExist';
    const accepted = await this.deliverAndConfirm(parts.executionArn, signal(parts.taskId));
    return accepted ? 'ok' : 'taskDoesNotExist';
  }

  // ---- actors ---------------------------------------------------------------------------------

  private actor(record: ExecutionRecord, machine?: CompiledMachine): Actor {
    return { record, machine: machine ?? this.compiled(record.definition), mailbox: [], busy: false, idle: [] };
  }

  private async pump(arn: string, actor: Actor): Promise<void> {
    if (actor.busy) return;
    actor.busy = true;
    try {
      while (actor.mailbox.length > 0 && !this.closed) {
        const delivery = actor.mailbox.shift() as Delivery;
        let accepted = false;
        try {
          accepted = await this.apply(arn, actor, delivery.signal);
        } finally {
          delivery.settle?.(accepted);
        }
        if (actor.record.status !== 'RUNNING') {
          this.actors.delete(arn);
          for (const rest of actor.mailbox.splice(0)) rest.settle?.(false);
          break;
        }
      }
    } catch (e) {
      this.log?.error({ err: e, executionArn: arn }, 'applying a signal failed');
    } finally {
      actor.busy = false;
      for (const resolve of actor.idle.splice(0)) resolve();
    }
  }

  private whenIdle(actor: Actor): Promise<void> {
    if (!actor.busy && actor.mailbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => actor.idle.push(resolve));
  }

  /** Applies a signal and commits the step; whether the signal changed anything. */
  private async apply(arn: string, actor: Actor, signal: Signal): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const result = this.scaleTimers(await step(actor.machine, actor.record.state, signal, this.rt, STANDARD_RUN));
      const committed = await this.commitStep(actor.record, signal, result);
      if (committed) {
        actor.record = committed;
        this.runCommands(arn, result.commands);
        return result.events.length > 0 || result.commands.length > 0;
      }
      // Layer 4: a version conflict. Reload and apply the signal to what is really committed.
      const fresh = await this.store.getExecution(arn);
      if (!fresh || fresh.status !== 'RUNNING') {
        if (fresh) actor.record = fresh;
        return false;
      }
      actor.record = fresh;
    }
    throw new Error(`Execution ${arn}: gave up after ${MAX_CONFLICT_RETRIES} version conflicts`);
  }

  /** Commits one step; the new record, or undefined on a version conflict. */
  private async commitStep(before: ExecutionRecord, signal: Signal, result: StepResult): Promise<ExecutionRecord | undefined> {
    const now = this.clock.now();
    const state = result.state;
    const record: ExecutionRecord = {
      ...before,
      state,
      status: state.status,
      version: before.version + 1,
      historyLength: before.historyLength + result.events.length,
    };
    if (signal.kind === 'redrive' && state.status === 'RUNNING') {
      record.redriveCount = before.redriveCount + 1;
      record.redriveDate = now;
      delete record.stopDate;
      delete record.output;
      delete record.error;
      delete record.cause;
    }
    if (state.status !== 'RUNNING') {
      record.stopDate = now;
      if (state.output !== undefined) record.output = JSON.stringify(state.output);
      if (state.error !== undefined) record.error = state.error;
      if (state.cause !== undefined) record.cause = state.cause;
    }
    const commit: Commit = {
      expectedVersion: before.version,
      execution: record,
      events: result.events,
      timersAdded: [],
      timersRemoved: signal.kind === 'timerFired' ? [signal.timerId] : [],
      tasksAdded: [],
      // Only a result settles a task: started, heartbeat and submitted signals keep its outbox row.
      tasksRemoved: signal.kind === 'taskSucceeded' || signal.kind === 'taskFailed' ? [signal.taskId] : [],
    };
    // A timer or task started and cancelled within this step (e.g. the execution timeout of an
    // execution that ended at once) gets no row: the store applies removals before additions.
    const { timers: cancelledTimers, tasks: cancelledTasks } = cancelledIn(result.commands);
    for (const command of result.commands) {
      switch (command.kind) {
        case 'startTimer':
          if (cancelledTimers.has(command.timerId)) break;
          commit.timersAdded.push({ executionArn: record.arn, timerId: command.timerId, fireAt: command.fireAt });
          break;
        case 'cancelTimer':
          commit.timersRemoved.push(command.timerId);
          break;
        case 'invokeTask':
          if (cancelledTasks.has(command.taskId)) break;
          commit.tasksAdded.push({ executionArn: record.arn, taskId: command.taskId, resource: command.resource, command: command as unknown as Json, createdAt: now });
          break;
        case 'cancelTask':
          commit.tasksRemoved.push(command.taskId);
          break;
        case 'complete':
          break;
      }
    }
    const outcome = await this.commits.submit(commit);
    if (outcome !== 'ok') return undefined;
    if (record.status !== 'RUNNING') this.ended(record);
    return record;
  }

  // ---- nested executions and mocks -------------------------------------------------------------

  /** Resolves once the execution is no longer RUNNING (undefined if it does not exist, or `signal` aborts first). */
  whenEnded(executionArn: string, signal?: AbortSignal): Promise<ExecutionRecord | undefined> {
    return new Promise((resolve) => {
      let waiters = this.endWaiters.get(executionArn);
      if (!waiters) this.endWaiters.set(executionArn, (waiters = new Set()));
      const set = waiters;
      const done = (record: ExecutionRecord | undefined) => {
        set.delete(waiter);
        if (set.size === 0 && this.endWaiters.get(executionArn) === set) this.endWaiters.delete(executionArn);
        signal?.removeEventListener('abort', aborted);
        resolve(record);
      };
      const waiter = (record: ExecutionRecord) => done(record);
      const aborted = () => done(undefined);
      set.add(waiter);
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      // Registered first, then read: an end committed in between still reaches the waiter.
      void this.store.getExecution(executionArn).then(
        (record) => {
          if (!record) done(undefined);
          else if (record.status !== 'RUNNING') done(record);
        },
        () => done(undefined),
      );
    });
  }

  /** Whether the mock configuration has this test case (StartExecution on `<stateMachineArn>#<TestCase>`). */
  hasTestCase(stateMachineName: string, testCase: string): boolean {
    return this.mocks?.hasTestCase(stateMachineName, testCase) ?? false;
  }

  private ended(record: ExecutionRecord): void {
    this.mocks?.executionEnded(record.arn);
    const waiters = this.endWaiters.get(record.arn);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter(record);
  }

  /**
   * WAIT_TIME_SCALE: Wait and Retry timers fire after their duration times the scale. The step's
   * state tells them apart (the frame waits in a 'wait' or 'retryBackoff' phase for that timer).
   */
  private scaleTimers(result: StepResult): StepResult {
    if (this.waitTimeScale === 1 || !result.commands.some((c) => c.kind === 'startTimer')) return result;
    const now = this.clock.now();
    const commands = result.commands.map((c) =>
      c.kind === 'startTimer' && isWaitOrBackoff(result.state, c.timerId) ? { ...c, fireAt: now + Math.round(Math.max(0, c.fireAt - now) * this.waitTimeScale) } : c,
    );
    return { ...result, commands };
  }

  /** After the commit: run what the step asked for. */
  private runCommands(arn: string, commands: Command[]): void {
    const cancelled = cancelledIn(commands);
    for (const command of commands) {
      switch (command.kind) {
        case 'invokeTask':
          if (!cancelled.tasks.has(command.taskId)) this.invoke(arn, command);
          break;
        case 'startTimer':
          this.wakeTimersAt(command.fireAt);
          break;
        case 'cancelTask':
          this.cancelRunningTask(arn, command.taskId);
          break;
        case 'cancelTimer':
        case 'complete':
          break;
      }
    }
  }

  /** Aborts a task's integration call (its state timed out, or the execution stopped). */
  private cancelRunningTask(executionArn: string, taskId: string): void {
    this.running.get(runningKey(executionArn, taskId))?.abort();
    this.running.delete(runningKey(executionArn, taskId));
  }

  /** Runs a task through its integration; its outcome comes back as a signal (or later, by callback). */
  private invoke(arn: string, command: InvokeTaskCommand): void {
    const record = this.actors.get(arn)?.record;
    void this.runTask(arn, record?.name, record?.stateMachineArn, command, record?.testCase).then((signal) => {
      if (signal) return this.deliver(arn, signal);
      return undefined;
    });
  }

  /** The integration's outcome as the interpreter's signal; undefined when cancelled or pending a callback. */
  private async runTask(
    arn: string,
    executionName: string | undefined,
    stateMachineArn: string | undefined,
    command: InvokeTaskCommand,
    testCase?: string,
  ): Promise<Signal | undefined> {
    const controller = new AbortController();
    this.running.set(runningKey(arn, command.taskId), controller);
    const { kind: _kind, ...task } = command;
    const invocation: TaskInvocation = {
      ...task,
      executionArn: arn,
      executionName: executionName ?? arn.split(':').at(-1) ?? '',
      stateMachineArn: stateMachineArn ?? '',
      parsed: parseResource(command.resource),
      signal: controller.signal,
      submitted: (output) => {
        if (!controller.signal.aborted) void this.deliver(arn, { kind: 'taskSubmitted', taskId: command.taskId, output });
      },
    };
    const mocked: TaskOutcome | undefined = testCase !== undefined ? this.mocks?.outcome(testCase, invocation) : undefined;
    const outcome = mocked ?? (await this.integrations.invoke(invocation));
    if (this.running.get(runningKey(arn, command.taskId)) === controller) this.running.delete(runningKey(arn, command.taskId));
    if (controller.signal.aborted) return undefined;
    switch (outcome.kind) {
      case 'succeeded':
        return { kind: 'taskSucceeded', taskId: command.taskId, output: outcome.output };
      case 'failed':
        return {
          kind: 'taskFailed',
          taskId: command.taskId,
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
          ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
        };
      case 'pending':
        return undefined;
    }
  }

  /** Express executions run tasks through the same integrations; a callback they cannot wait for fails. */
  private expressInvoker(arn: string, request: StartRequest): (command: InvokeTaskCommand) => Promise<Signal> {
    return async (command) =>
      (await this.runTask(arn, request.name, request.stateMachine.arn, command, request.testCase)) ?? {
        kind: 'taskFailed',
        taskId: command.taskId,
        error: StatesErrors.TaskFailed,
        cause: 'Express executions cannot wait for a task token',
      };
  }

  // ---- timers ---------------------------------------------------------------------------------

  private wakeTimersAt(fireAt: number): void {
    if (this.closed || fireAt >= this.timerWakeAt) return;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerWakeAt = fireAt;
    const delay = Math.min(Math.max(0, fireAt - this.clock.now()), MAX_TIMER_SLEEP_MS);
    this.timerHandle = setTimeout(() => {
      this.timerHandle = undefined;
      this.timerWakeAt = Number.POSITIVE_INFINITY;
      void this.pollTimers();
    }, delay);
  }

  /** Fires every due timer, then sleeps until the next one (or a new earlier one). */
  private async pollTimers(): Promise<void> {
    if (this.closed || this.timerLoopRunning) return;
    this.timerLoopRunning = true;
    try {
      for (;;) {
        const due = await this.store.dueTimers(this.clock.now(), 500);
        const fresh = due.filter((t) => !this.timersInFlight.has(t.timerId));
        for (const timer of fresh) {
          this.timersInFlight.add(timer.timerId);
          void this.deliverTimer(timer.executionArn, timer.timerId);
        }
        if (due.length < 500) break;
        if (fresh.length === 0) break;
      }
      const next = await this.store.nextTimerAt();
      if (next !== undefined) {
        // Timers already being delivered keep their rows until their commit: don't spin on them.
        const wake = next <= this.clock.now() ? this.clock.now() + 10 : next;
        this.wakeTimersAt(wake);
      }
    } catch (e) {
      this.log?.error({ err: e }, 'the timer loop failed; retrying in a second');
      this.wakeTimersAt(this.clock.now() + 1000);
    } finally {
      this.timerLoopRunning = false;
    }
  }

  private async deliverTimer(arn: string, timerId: string): Promise<void> {
    let actor = this.actors.get(arn);
    if (!actor) {
      // A timer of an execution not loaded (e.g. it ended): let the step ignore it and drop the row.
      const record = await this.store.getExecution(arn);
      if (!record) return;
      actor = this.actor(record);
      if (record.status === 'RUNNING') this.actors.set(arn, actor);
    }
    if (actor.record.status !== 'RUNNING') {
      await this.commits.submit({
        expectedVersion: actor.record.version,
        execution: { ...actor.record, version: actor.record.version + 1 },
        events: [],
        timersAdded: [],
        timersRemoved: [timerId],
        tasksAdded: [],
        tasksRemoved: [],
      });
      this.timersInFlight.delete(timerId);
      return;
    }
    actor.mailbox.push({ signal: { kind: 'timerFired', timerId } });
    await this.pump(arn, actor);
    await this.whenIdle(actor);
    this.timersInFlight.delete(timerId);
  }

  // ---- Express --------------------------------------------------------------------------------

  private async startExpressAsync(request: StartRequest): Promise<StartResult> {
    const sm = request.stateMachine;
    const arn = executionArn(sm, request.name, 'EXPRESS', this.rt.uuid());
    const startDate = this.clock.now();
    const controller = new AbortController();
    this.express.set(arn, controller);
    const logging = sm.loggingConfiguration.level !== 'OFF';
    void runInMemory(this.compiledFor(sm), this.info(sm, request, arn, startDate, 0), request.input, {
      invoke: this.expressInvoker(arn, request),
      cancel: (taskId) => this.cancelRunningTask(arn, taskId),
      clock: this.clock,
      history: logging,
      runtime: this.rt,
      abort: controller.signal,
      deadline: startDate + EXPRESS_MAX_DURATION_MS,
    })
      .then((result) => {
        if (logging) this.logExpress(sm, arn, result.status, result.history);
      })
      .catch((e: unknown) => this.log?.error({ err: e, executionArn: arn }, 'express execution failed unexpectedly'))
      .finally(() => this.express.delete(arn));
    return { executionArn: arn, startDate };
  }

  /** Express history goes to the log, filtered by the state machine's logging level, as AWS sends it to CloudWatch Logs. */
  private logExpress(sm: StateMachineRecord, arn: string, status: string, history: HistoryEvent[]): void {
    const level = sm.loggingConfiguration.level;
    const failing = new Set(['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut', 'TaskFailed', 'EvaluationFailed', 'MapStateFailed', 'ParallelStateFailed']);
    for (const event of history) {
      if (level === 'FATAL' && !['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(event.type)) continue;
      if (level === 'ERROR' && !failing.has(event.type)) continue;
      const details = sm.loggingConfiguration.includeExecutionData ? event : { id: event.id, type: event.type, timestamp: event.timestamp };
      this.log?.info({ executionArn: arn, stateMachineArn: sm.arn, status, event: details }, 'express execution event');
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The compiled machine of a state machine revision (a version's revision, or the latest). */
  private compiledFor(sm: StateMachineRecord): CompiledMachine {
    return this.cachedCompile(`${sm.arn}#${sm.revisionId}`, sm.definition);
  }

  /** The compiled machine of a definition text (executions resumed from the store). */
  private compiled(definition: string): CompiledMachine {
    return this.cachedCompile(definition, definition);
  }

  private cachedCompile(key: string, definition: string): CompiledMachine {
    let machine = this.machines.get(key);
    if (!machine) {
      machine = compileMachine(JSON.parse(definition) as Json);
      if (this.machines.size > 1000) this.machines.clear();
      this.machines.set(key, machine);
    }
    return machine;
  }

  private info(sm: StateMachineRecord, request: StartRequest, arn: string, startDate: number, redriveCount: number | undefined): ExecutionInfo {
    return {
      executionArn: arn,
      executionName: request.name,
      stateMachineArn: request.stateMachineVersionArn ?? sm.arn,
      stateMachineName: sm.name,
      roleArn: sm.roleArn,
      startTime: startDate,
      ...(redriveCount !== undefined ? { redriveCount } : {}),
      stateMachineType: sm.type,
    };
  }
}

/** AWS's limits on redriving: within 14 days of the stop, at most 1,000 times, not after a history-quota failure. */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
export const MAX_REDRIVES = 1000;

/** What a task callback found (the API maps these to AWS's errors). */
export type CallbackResult = 'ok' | 'invalidToken' | 'taskDoesNotExist';

/** Whether the execution has a task waiting for exactly this token. */
function awaitsToken(record: ExecutionRecord, taskId: string, token: string): boolean {
  return Object.values(record.state.frames).some((f) => f.phase.kind === 'task' && f.phase.taskId === taskId && f.phase.taskToken === token);
}

function redriveRefusal(record: ExecutionRecord, now: number): string | undefined {
  if (record.status === 'RUNNING' || record.status === 'SUCCEEDED') return `Execution is ${record.status} and cannot be redriven`;
  if (record.redriveCount >= MAX_REDRIVES) return `Execution has been redriven ${MAX_REDRIVES} times and cannot be redriven again`;
  if (record.stopDate !== undefined && now - record.stopDate > REDRIVE_WINDOW_MS) return 'Execution stopped more than 14 days ago and cannot be redriven';
  if (record.historyLength >= HISTORY_QUOTA || isQuotaFailure(record)) return `Execution has reached the maximum number of history events (${HISTORY_QUOTA}) and cannot be redriven`;
  if (!record.state.redrivePoint) return 'Execution cannot be redriven: it did not enter any state';
  return undefined;
}

function runningKey(executionArn: string, taskId: string): string {
  return `${executionArn}\n${taskId}`;
}

/** Whether a timer is a Wait state's or a Retry backoff's (not a timeout's). */
function isWaitOrBackoff(state: ExecutionState, timerId: string): boolean {
  const frameId = state.waits[timerId];
  const phase = frameId !== undefined ? state.frames[frameId]?.phase : undefined;
  return (phase?.kind === 'wait' || phase?.kind === 'retryBackoff') && phase.timerId === timerId;
}

/** Timers and tasks a step's commands cancel (possibly right after starting them). */
function cancelledIn(commands: Command[]): { timers: Set<string>; tasks: Set<string> } {
  const timers = new Set<string>();
  const tasks = new Set<string>();
  for (const command of commands) {
    if (command.kind === 'cancelTimer') timers.add(command.timerId);
    else if (command.kind === 'cancelTask') tasks.add(command.taskId);
  }
  return { timers, tasks };
}

/** An execution the interpreter failed at the history quota: know it by its error. */
function isQuotaFailure(record: ExecutionRecord): boolean {
  return record.status === 'FAILED' && record.error === StatesErrors.Runtime && record.cause === HISTORY_QUOTA_CAUSE;
}

/** `arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>` (Express: `express:...:<uuid>`). */
export function executionArn(sm: StateMachineRecord, name: string, type: 'STANDARD' | 'EXPRESS', uuid?: string): string {
  const [arnPrefix, partition, service, region, account] = sm.arn.split(':');
  const base = `${arnPrefix}:${partition}:${service}:${region}:${account}`;
  return type === 'STANDARD' ? `${base}:execution:${sm.name}:${name}` : `${base}:express:${sm.name}:${name}:${uuid ?? ''}`;
}

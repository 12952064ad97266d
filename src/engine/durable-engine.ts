/**
 * The durable runner. Standard executions: every signal is applied by the interpreter's step
 * function and its result (state, events, timers, outbox tasks) committed through the group-commit
 * queue before any command runs. One actor per active execution serialises its signals. Timers are
 * rows fired by one timer loop; nothing is held in memory per waiting execution. On start, every
 * RUNNING execution resumes: its outbox tasks are invoked again, its timers are already rows.
 *
 * Express executions run in memory through the in-memory runner, as AWS runs them.
 *
 * With `cluster` (several nodes on one PostgreSQL database, ../store/cluster.ts), an actor exists
 * only while this node holds the execution's lease: taken when it starts the execution, claims it
 * (a due timer, an inbox signal, an expired lease) or takes a callback for it; given up in the
 * step's own commit, or right after, once the execution only waits (for a timer, a callback, a
 * worker). Every commit is fenced by the lease. A signal for an execution another node holds goes
 * to the inbox, and that node applies it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Json } from '../json.js';
import { loadDefinition } from '../interpreter/load.js';
import type { CompiledMachine } from '../interpreter/compiled.js';
import type { HistoryEvent } from '../interpreter/history.js';
import { newExecution, step } from '../interpreter/step.js';
import { HISTORY_EVENT_QUOTA, StatesErrors } from '../interpreter/errors.js';
import type { Command, ExecutionInfo, ExecutionState, Runtime, Signal, StepResult } from '../interpreter/types.js';
import type { Commit, ExecutionRecord, ExecutionStore, StateMachineRecord } from '../store/types.js';
import { realClock, type Clock } from './clock.js';
import { CommitQueue } from './commit-queue.js';
import type { Engine, StartRequest, StartResult, StopResult, SyncResult } from './engine.js';
import { redriveVerdict } from './executions.js';
import { runInMemory } from './in-memory-runner.js';
import type { InvokeTaskCommand, TaskHandler } from './task-invoker.js';
import { HandlersIntegration } from '../integrations/handlers.js';
import { IntegrationRegistry } from '../integrations/registry.js';
import { parseResource } from '../integrations/resource.js';
import type { TaskInvocation, TaskOutcome } from '../integrations/types.js';
import type { TaskMocks } from '../integrations/mocks/task-mocks.js';
import { decodeTaskToken } from '../interpreter/task-token.js';
import type { ClaimedExecution, ClusterEvent, ClusterStore, NodeRecord } from '../store/cluster.js';
import { ClusterNode, type ClusterOptions, type ClusterStats } from './cluster-node.js';

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
  /** Run as one node of several sharing `cluster.store` (which must be `store`). */
  cluster?: ClusterOptions & { onEvent?: (event: ClusterEvent) => void };
}

/** A signal for an execution, and who wants to know whether it changed anything. */
interface Delivery {
  signal: Signal;
  settle?: (accepted: boolean) => void;
  /** It came from the execution's inbox (cluster): its commit settles it there. */
  inboxId?: number;
}

interface Actor {
  record: ExecutionRecord;
  machine: CompiledMachine;
  mailbox: Delivery[];
  busy: boolean;
  /** Resolved each time the mailbox is empty again (for StopExecution to wait on). */
  idle: (() => void)[];
  /** Cluster: whether this node holds the execution's lease now. */
  leased: boolean;
  /** Tasks of this execution running in this process (the lease is kept while there are any). */
  tasks: number;
  /** Cluster: inbox signals already in the mailbox. */
  inboxIds: Set<number>;
  /** Cluster: bumped when this node starts giving the lease up, so a heartbeat racing that is not read as a loss. */
  releases: number;
}

/** What applying a delivery came to: 'lost' when the commit was fenced off (this node's lease is gone). */
type ApplyOutcome = 'accepted' | 'ignored' | 'lost';

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
  /** Timers being delivered, by runningKey(executionArn, timerId): timer ids repeat across executions. */
  private readonly timersInFlight = new Set<string>();
  private timerHandle: NodeJS.Timeout | undefined;
  private timerWakeAt = Number.POSITIVE_INFINITY;
  private timerLoopRunning = false;
  private closed = false;
  private readonly mocks: TaskMocks | undefined;
  private readonly waitTimeScale: number;
  /** Callers of `whenEnded`, by execution ARN. */
  private readonly endWaiters = new Map<string, Set<(record: ExecutionRecord) => void>>();
  /** Cluster mode: this node's membership, heartbeat and wake-ups. */
  private readonly cluster: ClusterNode | undefined;
  private readonly clusterStore: ClusterStore | undefined;
  /** Cluster: executions being loaded after taking their lease (one load per execution at a time). */
  private readonly adopting = new Map<string, Promise<Actor | 'elsewhere' | 'ended'>>();
  /** Cluster: executions dropped with their tasks aborted; whoever loads them next invokes those again. */
  private readonly abandoned = new Set<string>();
  /** Cluster: senders waiting for an inbox signal to be settled, by signal id. */
  private readonly settleWaiters = new Map<number, () => void>();
  /** Cluster: what the last heartbeat renewed, to tell a lease lost from one given up meanwhile. */
  private heldAtHeartbeat = new Map<string, { actor: Actor; releases: number }>();
  private clusterPollRunning = false;
  /** Cluster: leases being given back together (releaseLease). */
  private releasing: { arns: string[]; done: Promise<void> } | undefined;
  private clusterPollAgain = false;

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
    if (options.cluster) {
      const onEvent = options.cluster.onEvent;
      this.clusterStore = options.cluster.store;
      this.cluster = new ClusterNode(
        options.cluster,
        this.clock,
        {
          held: () => {
            this.heldAtHeartbeat = new Map(
              [...this.actors.entries()]
                .filter(([, a]) => a.leased)
                .map(([arn, a]) => [arn, { actor: a, releases: a.releases }]),
            );
            return [...this.heldAtHeartbeat.keys()];
          },
          lost: (arns) => this.leasesLost(arns),
          event: (event) => {
            this.clusterEvent(event);
            onEvent?.(event);
          },
          poll: () => void this.pollTimers(),
        },
        this.log,
      );
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.cluster) {
      // Nothing is loaded up front: this node claims what is ready, as every node does.
      await this.cluster.start();
      await this.pollTimers();
      return;
    }
    for (const arn of await this.store.runningExecutions()) {
      const record = await this.store.getExecution(arn);
      if (!record || record.status !== 'RUNNING') continue;
      this.actors.set(arn, this.actor(record));
      for (const task of await this.store.pendingTasks(arn))
        this.invoke(arn, task.command as unknown as InvokeTaskCommand);
    }
    await this.pollTimers();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    for (const controller of this.express.values())
      controller.abort({ error: 'States.Runtime', cause: 'The server stopped' });
    await Promise.all([...this.actors.values()].map((a) => this.whenIdle(a)));
    await this.commits.drain();
    if (this.cluster && this.clusterStore) {
      await this.cluster.stop();
      // Idle executions are given back now. Those with a task still running here keep their lease
      // until it runs out, then another node takes them over and invokes the task again.
      const busy = [...this.actors.entries()].filter(([, a]) => a.leased && a.tasks > 0);
      const idle = [...this.actors.entries()].filter(([, a]) => a.leased && a.tasks === 0).map(([arn]) => arn);
      try {
        if (busy.length === 0) await this.clusterStore.leave(this.cluster.id);
        else if (idle.length > 0) await this.clusterStore.releaseExecutions(idle, this.cluster.id);
      } catch (error) {
        this.log?.warn({ err: error }, 'could not give back leases on shutdown; they run out on their own');
      }
    }
  }

  /** This node's id and counters (cluster), for GET /cluster/nodes. */
  get node(): { id: string; stats: ClusterStats } | undefined {
    return this.cluster && { id: this.cluster.id, stats: this.cluster.stats };
  }

  /** Executions active in this process now (their actors). */
  get activeExecutions(): number {
    return this.actors.size;
  }

  /** Where this node's API listens, reported with its heartbeat (cluster). */
  advertise(address: string): void {
    this.cluster?.setAddress(address);
  }

  /** The cluster's nodes, or undefined when this engine runs alone. */
  async clusterNodes(): Promise<NodeRecord[] | undefined> {
    return this.cluster?.nodes();
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
    const result = this.scaleTimers(
      await step(machine, initial, { kind: 'start', input: request.input }, this.rt, STANDARD_RUN),
    );
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
    const keepLease = startsTask(result.commands);
    const committed = await this.commitStep(record, { kind: 'start', input: request.input }, result, { keepLease });
    if (typeof committed === 'string') {
      const winner = await this.store.getExecution(arn);
      if (winner) return { alreadyExists: winner };
      throw new Error(`Could not create execution ${arn}`);
    }
    // A callback may have loaded the execution between the commit and here: keep that actor.
    if (committed.status === 'RUNNING' && !this.actors.has(arn) && (!this.cluster || keepLease)) {
      const actor = this.actor(committed, machine);
      actor.leased = this.cluster !== undefined;
      this.actors.set(arn, actor);
    }
    this.runCommands(arn, result.commands);
    return { executionArn: arn, startDate };
  }

  async startSyncExecution(request: StartRequest): Promise<SyncResult> {
    const sm = request.stateMachine;
    const arn = executionArn(sm, request.name, 'EXPRESS', this.rt.uuid());
    const startDate = this.clock.now();
    const result = await runInMemory(
      this.compiledFor(sm),
      this.info(sm, request, arn, startDate, undefined),
      request.input,
      {
        invoke: this.expressInvoker(arn, request),
        cancel: (taskId) => this.cancelRunningTask(arn, taskId),
        clock: this.clock,
        history: false,
        runtime: this.rt,
        deadline: startDate + EXPRESS_MAX_DURATION_MS,
      },
    );
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
    if (this.cluster) return this.stopClustered(executionArn, error, cause);
    const actor = this.actors.get(executionArn);
    if (!actor) {
      const record = await this.store.getExecution(executionArn);
      return record ? { notRunning: record } : { notFound: true };
    }
    await this.deliver(executionArn, {
      kind: 'stop',
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    await this.whenIdle(actor);
    const record = await this.store.getExecution(executionArn);
    if (record && record.status !== 'ABORTED') return { notRunning: record };
    return { stopDate: record?.stopDate ?? this.clock.now() };
  }

  /** StopExecution on a node of several: the stop goes to whichever node holds the execution. */
  private async stopClustered(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const record = this.actors.get(executionArn)?.record ?? (await this.store.getExecution(executionArn));
    if (!record) return { notFound: true };
    if (record.status !== 'RUNNING') return { notRunning: record };
    await this.deliverAndConfirm(executionArn, {
      kind: 'stop',
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    const after = await this.store.getExecution(executionArn);
    if (after && after.status !== 'ABORTED' && after.status !== 'RUNNING') return { notRunning: after };
    // RUNNING still: the stop waits in the inbox of a node that is not answering; it applies when
    // that node, or the one taking over from it, gets to it.
    return { stopDate: after?.stopDate ?? this.clock.now() };
  }

  async redriveExecution(executionArn: string): Promise<{ redriveDate: number } | { notRedrivable: string }> {
    let record = await this.store.getExecution(executionArn);
    if (!record) return { notRedrivable: `Execution ${executionArn} does not exist` };
    const verdict = redriveVerdict(record, this.clock.now());
    if (!verdict.redrivable) return { notRedrivable: verdict.reason };
    if (this.actors.has(executionArn)) return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
    if (this.cluster && this.clusterStore) {
      const got = await this.clusterStore.acquireExecution(
        executionArn,
        this.cluster.id,
        this.clock.now(),
        this.cluster.leaseMs,
      );
      if (!got.acquired) return { notRedrivable: 'Execution is being redriven' };
      record = got.record;
      if (!redriveVerdict(record, this.clock.now()).redrivable || this.actors.has(executionArn)) {
        await this.clusterStore.releaseExecutions([executionArn], this.cluster.id);
        return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
      }
    }
    const actor = this.actor(record);
    actor.leased = this.cluster !== undefined;
    this.actors.set(executionArn, actor);
    await this.deliver(executionArn, { kind: 'redrive' });
    await this.whenIdle(actor);
    const after = await this.store.getExecution(executionArn);
    if (!after || after.redriveCount === record.redriveCount)
      return { notRedrivable: `Execution ${executionArn} could not be redriven` };
    return { redriveDate: after.redriveDate ?? this.clock.now() };
  }

  /** Delivers a signal to a running Standard execution (task results, timers, stop). */
  async deliver(executionArn: string, signal: Signal): Promise<void> {
    const actor = this.actors.get(executionArn);
    if (!actor) {
      // Cluster: its lease was lost or given up meanwhile; take it again, or send it to the holder.
      if (this.cluster) await this.route(executionArn, { signal });
      return;
    }
    actor.mailbox.push({ signal });
    void this.pump(executionArn, actor);
  }

  /**
   * Delivers a signal and resolves once it is committed: true if it changed the execution, false if
   * the interpreter ignored it (its task or timer was no longer awaited). Callbacks rely on this to
   * accept a task token exactly once.
   */
  async deliverAndConfirm(executionArn: string, signal: Signal): Promise<boolean> {
    if (this.cluster) return new Promise<boolean>((settle) => void this.route(executionArn, { signal, settle }));
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
    return this.callback(token, (taskId) => ({
      kind: 'taskFailed',
      taskId,
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    }));
  }

  sendTaskHeartbeat(token: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskHeartbeat', taskId }));
  }

  /** An activity worker took the task (GetActivityTask): ActivityStarted. */
  taskStarted(token: string, workerName?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({
      kind: 'taskStarted',
      taskId,
      ...(workerName !== undefined ? { workerName } : {}),
    }));
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
    return {
      record,
      machine: machine ?? this.compiled(record.definition),
      mailbox: [],
      busy: false,
      idle: [],
      leased: false,
      tasks: 0,
      inboxIds: new Set(),
      releases: 0,
    };
  }

  private async pump(arn: string, actor: Actor): Promise<void> {
    if (actor.busy) return;
    actor.busy = true;
    try {
      while (!this.closed) {
        if (actor.mailbox.length === 0) {
          // Cluster: nothing to do and nothing running here: give the lease back (unless the
          // step's commit already did), so any node can take the execution's next signal.
          if (this.cluster && actor.leased && actor.tasks === 0) {
            actor.releases++;
            await this.releaseLease(arn);
            actor.leased = false;
            continue;
          }
          break;
        }
        if (this.cluster && !actor.leased && !(await this.reacquire(arn, actor))) {
          this.handOff(arn, actor);
          break;
        }
        const delivery = actor.mailbox.shift() as Delivery;
        let outcome: ApplyOutcome = 'ignored';
        try {
          outcome = await this.apply(arn, actor, delivery);
        } finally {
          if (outcome === 'lost') {
            // Fenced off: this node's lease is gone. Take it again, or hand the signal over.
            actor.leased = false;
            actor.mailbox.unshift(delivery);
          } else {
            delivery.settle?.(outcome === 'accepted');
          }
        }
        if (actor.record.status !== 'RUNNING') {
          this.actors.delete(arn);
          this.dropMailbox(actor);
          break;
        }
      }
    } catch (e) {
      this.log?.error({ err: e, executionArn: arn }, 'applying a signal failed');
    } finally {
      actor.busy = false;
      if (
        this.cluster &&
        !actor.leased &&
        actor.mailbox.length === 0 &&
        actor.tasks === 0 &&
        this.actors.get(arn) === actor
      )
        this.actors.delete(arn);
      for (const resolve of actor.idle.splice(0)) resolve();
    }
  }

  /** Gives an idle execution's lease back, with every other one given back in this turn of the event loop (one statement). */
  private releaseLease(arn: string): Promise<void> {
    if (!this.releasing) {
      const batch: { arns: string[]; done: Promise<void> } = { arns: [], done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (this.releasing === batch) this.releasing = undefined;
        return (this.clusterStore as ClusterStore).releaseExecutions(batch.arns, (this.cluster as ClusterNode).id);
      });
      this.releasing = batch;
    }
    this.releasing.arns.push(arn);
    return this.releasing.done;
  }

  /** The execution ended: what is still in its mailbox changes nothing. */
  private dropMailbox(actor: Actor): void {
    const rest = actor.mailbox.splice(0);
    for (const delivery of rest) delivery.settle?.(false);
    const inbox = rest
      .filter((d) => d.inboxId !== undefined)
      .map((d) => ({ id: d.inboxId as number, accepted: false }));
    if (inbox.length > 0 && this.clusterStore) {
      void this.clusterStore
        .settleSignals(inbox, this.clock.now())
        .catch((e: unknown) => this.log?.warn({ err: e }, 'could not settle inbox signals'));
    }
  }

  private whenIdle(actor: Actor): Promise<void> {
    if (!actor.busy && actor.mailbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => actor.idle.push(resolve));
  }

  /** Applies a signal and commits the step; whether the signal changed anything. */
  private async apply(arn: string, actor: Actor, delivery: Delivery): Promise<ApplyOutcome> {
    const { signal } = delivery;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const result = this.scaleTimers(await step(actor.machine, actor.record.state, signal, this.rt, STANDARD_RUN));
      // Cluster: keep the lease only while something here will still need it.
      const keepLease = actor.mailbox.length > 0 || actor.tasks > 0 || startsTask(result.commands);
      if (!keepLease) actor.releases++;
      const committed = await this.commitStep(actor.record, signal, result, {
        keepLease,
        ...(delivery.inboxId !== undefined ? { inboxId: delivery.inboxId } : {}),
      });
      if (typeof committed !== 'string') {
        actor.record = committed;
        if (this.cluster && !keepLease) actor.leased = false;
        if (delivery.inboxId !== undefined) actor.inboxIds.delete(delivery.inboxId);
        this.runCommands(arn, result.commands);
        return changes(result) ? 'accepted' : 'ignored';
      }
      if (committed === 'leaseLost') return 'lost';
      // Layer 4: a version conflict. Reload and apply the signal to what is really committed.
      const fresh = await this.store.getExecution(arn);
      if (!fresh || fresh.status !== 'RUNNING') {
        if (fresh) actor.record = fresh;
        return 'ignored';
      }
      actor.record = fresh;
    }
    throw new Error(`Execution ${arn}: gave up after ${MAX_CONFLICT_RETRIES} version conflicts`);
  }

  /** Commits one step; the new record, or why it was not committed. */
  private async commitStep(
    before: ExecutionRecord,
    signal: Signal,
    result: StepResult,
    options: { keepLease: boolean; inboxId?: number },
  ): Promise<ExecutionRecord | 'conflict' | 'leaseLost'> {
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
          commit.tasksAdded.push({
            executionArn: record.arn,
            taskId: command.taskId,
            resource: command.resource,
            command: command as unknown as Json,
            createdAt: now,
          });
          break;
        case 'cancelTask':
          commit.tasksRemoved.push(command.taskId);
          break;
        case 'complete':
          break;
      }
    }
    if (this.cluster) {
      commit.lease = { owner: this.cluster.id, now, until: options.keepLease ? this.cluster.leaseUntil(now) : null };
      if (options.inboxId !== undefined) commit.signalsSettled = [{ id: options.inboxId, accepted: changes(result) }];
    }
    const outcome = await this.commits.submit(commit);
    if (outcome !== 'ok') return outcome;
    if (this.cluster) this.cluster.stats.stepsCommitted++;
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
      let done = (record: ExecutionRecord | undefined) => {
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
      const check = () =>
        void this.store.getExecution(executionArn).then(
          (record) => {
            if (!record) done(undefined);
            else if (record.status !== 'RUNNING') done(record);
          },
          () => done(undefined),
        );
      check();
      // Cluster: another node may step the execution to its end; look again now and then.
      if (this.cluster) {
        const every = setInterval(check, this.cluster.pollMs);
        const original = done;
        done = (record) => {
          clearInterval(every);
          original(record);
        };
      }
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
      c.kind === 'startTimer' && isWaitOrBackoff(result.state, c.timerId)
        ? { ...c, fireAt: now + Math.round(Math.max(0, c.fireAt - now) * this.waitTimeScale) }
        : c,
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
    const actor = this.actors.get(arn);
    const record = actor?.record;
    if (actor) actor.tasks++;
    void this.runTask(arn, record?.name, record?.stateMachineArn, command, record?.testCase).then((signal) => {
      if (actor) actor.tasks--;
      if (signal) return this.deliver(arn, signal);
      // Pending (a callback, a worker) or cancelled: the actor may be idle now and give up its lease.
      if (actor && this.cluster && this.actors.get(arn) === actor) void this.pump(arn, actor);
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
        if (!controller.signal.aborted)
          void this.deliver(arn, { kind: 'taskSubmitted', taskId: command.taskId, output });
      },
    };
    const mocked: TaskOutcome | undefined =
      testCase !== undefined ? this.mocks?.outcome(testCase, invocation) : undefined;
    const outcome = mocked ?? (await this.integrations.invoke(invocation));
    if (this.running.get(runningKey(arn, command.taskId)) === controller)
      this.running.delete(runningKey(arn, command.taskId));
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
    if (this.cluster) return this.cluster.pollAt(fireAt);
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
    if (this.cluster) return this.pollCluster();
    if (this.closed || this.timerLoopRunning) return;
    this.timerLoopRunning = true;
    try {
      for (;;) {
        const due = await this.store.dueTimers(this.clock.now(), 500);
        const fresh = due.filter((t) => !this.timersInFlight.has(runningKey(t.executionArn, t.timerId)));
        for (const timer of fresh) {
          this.timersInFlight.add(runningKey(timer.executionArn, timer.timerId));
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
    if (this.cluster) {
      // Due timers of executions this node holds: the actor is here, unless it just gave the lease up.
      const delivered = new Promise<boolean>(
        (settle) => void this.route(arn, { signal: { kind: 'timerFired', timerId }, settle }),
      );
      await delivered.finally(() => this.timersInFlight.delete(runningKey(arn, timerId)));
      return;
    }
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
      this.timersInFlight.delete(runningKey(arn, timerId));
      return;
    }
    actor.mailbox.push({ signal: { kind: 'timerFired', timerId } });
    await this.pump(arn, actor);
    await this.whenIdle(actor);
    this.timersInFlight.delete(runningKey(arn, timerId));
  }

  // ---- cluster: leases, claims, the inbox -------------------------------------------------------

  /**
   * Gets a delivery to the execution's actor on this node, taking the lease if it is free, or to
   * the inbox of the node that holds it. Settles the delivery at once if the execution has ended.
   */
  private async route(arn: string, delivery: Delivery): Promise<void> {
    const actor = this.actors.get(arn) ?? (await this.adopt(arn));
    if (actor === 'ended') {
      delivery.settle?.(false);
      return;
    }
    if (actor === 'elsewhere') {
      if (delivery.inboxId === undefined)
        void this.viaInbox(arn, delivery.signal).then((accepted) => delivery.settle?.(accepted));
      return;
    }
    actor.mailbox.push(delivery);
    void this.pump(arn, actor);
  }

  /**
   * Loads an execution whose lease this node has (`claim`) or takes now: its actor, with its tasks
   * invoked again if their node died with them, and its inbox queued. 'elsewhere' when another node
   * holds the lease, 'ended' when there is nothing to run.
   */
  private adopt(arn: string, claim?: ClaimedExecution, start = true): Promise<Actor | 'elsewhere' | 'ended'> {
    const loading = this.adopting.get(arn);
    if (loading) return loading;
    const promise = (async (): Promise<Actor | 'elsewhere' | 'ended'> => {
      const cluster = this.cluster as ClusterNode;
      const store = this.clusterStore as ClusterStore;
      const acquired = claim
        ? ({ acquired: true, ...claim } as const)
        : await store.acquireExecution(arn, cluster.id, this.clock.now(), cluster.leaseMs);
      if (!acquired.acquired) return acquired.holder === undefined ? 'ended' : 'elsewhere';
      const got = acquired;
      const existing = this.actors.get(arn);
      if (existing) {
        // Still here from before (its lease ran out, or it was being given up): bring it up to date.
        if (!existing.busy) await this.refresh(arn, existing, got, start);
        return existing;
      }
      if (got.record.status !== 'RUNNING') {
        await store.releaseExecutions([arn], cluster.id);
        return 'ended';
      }
      const actor = this.actor(got.record);
      actor.leased = true;
      this.actors.set(arn, actor);
      await this.takeOverTasks(arn, got.orphaned, 0);
      if (got.hasSignals) await this.pullInbox(arn, actor);
      if (start) void this.pump(arn, actor);
      return actor;
    })().finally(() => this.adopting.delete(arn));
    this.adopting.set(arn, promise);
    return promise;
  }

  /** The lease is this node's again: take what other nodes may have committed meanwhile. */
  private async refresh(
    arn: string,
    actor: Actor,
    got: { orphaned: boolean; record: ExecutionRecord; hasSignals: boolean },
    start: boolean,
  ): Promise<void> {
    actor.record = got.record;
    actor.leased = true;
    await this.takeOverTasks(arn, got.orphaned, actor.tasks);
    if (got.hasSignals) await this.pullInbox(arn, actor);
    if (start) void this.pump(arn, actor);
  }

  /**
   * Invokes the outbox tasks again when the node that ran them died, or this one dropped them when
   * its lease ran out; not while they still run here (an expired lease of this node's own).
   */
  private async takeOverTasks(arn: string, orphaned: boolean, runningHere: number): Promise<void> {
    if (!(this.abandoned.delete(arn) || (orphaned && runningHere === 0))) return;
    (this.cluster as ClusterNode).stats.executionsTakenOver++;
    for (const task of await this.store.pendingTasks(arn))
      this.invoke(arn, task.command as unknown as InvokeTaskCommand);
  }

  /** Takes the lease again for an actor that gave it up or lost it; false if another node has it. */
  private async reacquire(arn: string, actor: Actor): Promise<boolean> {
    const cluster = this.cluster as ClusterNode;
    const got = await (this.clusterStore as ClusterStore).acquireExecution(
      arn,
      cluster.id,
      this.clock.now(),
      cluster.leaseMs,
    );
    if (!got.acquired) return false;
    const fresh = got.record;
    actor.record = fresh;
    actor.leased = true;
    await this.takeOverTasks(arn, got.orphaned, actor.tasks);
    if (fresh.status !== 'RUNNING' && actor.mailbox[0]?.signal.kind !== 'redrive') {
      this.dropMailbox(actor);
      await (this.clusterStore as ClusterStore).releaseExecutions([arn], cluster.id);
      actor.leased = false;
    }
    return true;
  }

  /** Another node holds the execution: its actor here goes, and what was queued for it goes to that node's inbox. */
  private handOff(arn: string, actor: Actor): void {
    if (this.actors.get(arn) === actor) this.actors.delete(arn);
    for (const delivery of actor.mailbox.splice(0)) {
      // Inbox signals stay in the inbox, unsettled, for the holder.
      if (delivery.inboxId !== undefined) continue;
      void this.viaInbox(arn, delivery.signal).then((accepted) => delivery.settle?.(accepted));
    }
    actor.inboxIds.clear();
  }

  /**
   * Posts a signal to the execution's inbox and waits for the node holding it to settle it. If that
   * takes over twice the lease (the holder died and nobody has taken over yet), the signal is
   * accepted as it stands: it is stored, and whoever runs the execution next applies it. If the
   * execution ends first, the signal was not applied.
   */
  private async viaInbox(arn: string, signal: Signal): Promise<boolean> {
    const cluster = this.cluster as ClusterNode;
    const store = this.clusterStore as ClusterStore;
    const id = await store.postSignal(arn, signal as unknown as Json, this.clock.now());
    cluster.stats.signalsForwarded++;
    return new Promise<boolean>((resolve) => {
      let finished = false;
      const finish = (accepted: boolean) => {
        if (finished) return;
        finished = true;
        clearInterval(poll);
        clearTimeout(deadline);
        this.settleWaiters.delete(id);
        resolve(accepted);
      };
      const look = () =>
        void this.inboxOutcome(arn, id).then(
          (outcome) => outcome !== undefined && finish(outcome),
          () => undefined,
        );
      this.settleWaiters.set(id, look);
      const poll = setInterval(look, cluster.pollMs);
      const deadline = setTimeout(() => finish(true), 2 * cluster.leaseMs + 5_000);
    });
  }

  /**
   * A posted signal's outcome, or undefined while it waits. The execution may end before its holder
   * gets to the signal; nobody claims an ended execution, so the sender settles it as not accepted.
   * (Had the signal been applied, the commit that applied it would have settled it too: a step and
   * the settling of its signal commit together.)
   */
  private async inboxOutcome(arn: string, id: number): Promise<boolean | undefined> {
    const store = this.clusterStore as ClusterStore;
    const outcome = await store.signalOutcome(id);
    if (outcome !== undefined) return outcome;
    const record = await this.store.getExecution(arn);
    if (record?.status === 'RUNNING') return undefined;
    await store.settleSignals([{ id, accepted: false }], this.clock.now());
    return (await store.signalOutcome(id)) ?? false;
  }

  /** Queues the execution's unsettled inbox signals on its actor. */
  private async pullInbox(arn: string, actor: Actor): Promise<void> {
    const signals = await (this.clusterStore as ClusterStore).pendingSignals(arn);
    for (const inbox of signals) {
      if (actor.inboxIds.has(inbox.id)) continue;
      actor.inboxIds.add(inbox.id);
      actor.mailbox.push({ signal: inbox.signal as unknown as Signal, inboxId: inbox.id });
    }
  }

  private clusterEvent(event: ClusterEvent): void {
    switch (event.kind) {
      case 'signal': {
        const actor = this.actors.get(event.executionArn);
        if (actor?.leased)
          void this.pullInbox(event.executionArn, actor).then(() => this.pump(event.executionArn, actor));
        // Not held here: it is claimable if nobody holds it.
        else this.cluster?.pollAt(this.clock.now());
        break;
      }
      case 'settled':
        for (const id of event.ids) this.settleWaiters.get(id)?.();
        break;
      case 'ready':
        this.cluster?.pollAt(this.clock.now());
        break;
      case 'activity':
        break;
    }
  }

  private fireDueTimers(timers: readonly { executionArn: string; timerId: string }[]): void {
    for (const timer of timers) {
      const key = runningKey(timer.executionArn, timer.timerId);
      if (this.timersInFlight.has(key)) continue;
      this.timersInFlight.add(key);
      void this.deliverTimer(timer.executionArn, timer.timerId);
    }
  }

  /** The heartbeat could not renew these leases: stop working on those executions here. */
  private leasesLost(arns: string[]): string[] {
    const lost: string[] = [];
    for (const arn of arns) {
      const actor = this.actors.get(arn);
      const held = this.heldAtHeartbeat.get(arn);
      // Given up (or ended) while the heartbeat ran: not a loss.
      if (!actor || !actor.leased || held?.actor !== actor || held.releases !== actor.releases) continue;
      lost.push(arn);
      actor.leased = false;
      if (actor.tasks > 0) this.abandoned.add(arn);
      for (const key of [...this.running.keys()]) if (key.startsWith(`${arn}\n`)) this.running.get(key)?.abort();
      // Whatever is queued goes to the holder (the pump finds the lease taken, or takes it back).
      void this.pump(arn, actor);
    }
    return lost;
  }

  /** Claims what is ready (due timers, inbox signals, expired leases), fires due timers of what this node holds, and sleeps until the next timer. */
  private async pollCluster(): Promise<void> {
    const cluster = this.cluster as ClusterNode;
    const store = this.clusterStore as ClusterStore;
    if (this.closed) return;
    if (this.clusterPollRunning) {
      this.clusterPollAgain = true;
      return;
    }
    this.clusterPollRunning = true;
    try {
      do {
        this.clusterPollAgain = false;
        for (;;) {
          const claims = await store.claimExecutions(cluster.id, this.clock.now(), cluster.leaseMs, cluster.claimBatch);
          cluster.stats.executionsClaimed += claims.length;
          // Loaded without running yet: an actor with nothing queued would give its lease straight back.
          const adopted = await Promise.all(claims.map((claim) => this.adopt(claim.arn, claim, false)));
          this.fireDueTimers(await store.dueTimersOf(cluster.id, this.clock.now(), 500));
          for (const [i, actor] of adopted.entries())
            if (typeof actor === 'object') void this.pump(claims[i]?.arn ?? '', actor);
          if (claims.length < cluster.claimBatch || this.closed) break;
        }
      } while (this.clusterPollAgain && !this.closed);
      const next = await this.store.nextTimerAt();
      // A timer already due belongs to a node busy with it: look again shortly, not in a loop.
      if (next !== undefined) cluster.pollAt(Math.max(next, this.clock.now() + 100));
      else cluster.pollAt(Number.POSITIVE_INFINITY);
    } catch (e) {
      this.log?.error({ err: e }, 'looking for work failed; retrying in a second');
      cluster.pollAt(this.clock.now() + 1_000);
    } finally {
      this.clusterPollRunning = false;
    }
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
    const failing = new Set([
      'ExecutionFailed',
      'ExecutionAborted',
      'ExecutionTimedOut',
      'TaskFailed',
      'EvaluationFailed',
      'MapStateFailed',
      'ParallelStateFailed',
    ]);
    for (const event of history) {
      if (level === 'FATAL' && !['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(event.type))
        continue;
      if (level === 'ERROR' && !failing.has(event.type)) continue;
      const details = sm.loggingConfiguration.includeExecutionData
        ? event
        : { id: event.id, type: event.type, timestamp: event.timestamp };
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
      // Validated when the API stored it; JSON or YAML, as it was sent.
      const loaded = loadDefinition(definition, { trusted: true });
      if (!loaded.ok) throw new Error(`The stored definition does not load: ${loaded.message}`);
      machine = loaded.machine;
      if (this.machines.size > 1000) this.machines.clear();
      this.machines.set(key, machine);
    }
    return machine;
  }

  private info(
    sm: StateMachineRecord,
    request: StartRequest,
    arn: string,
    startDate: number,
    redriveCount: number | undefined,
  ): ExecutionInfo {
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

/** What a task callback found (the API maps these to AWS's errors). */
export type CallbackResult = 'ok' | 'invalidToken' | 'taskDoesNotExist';

/** Whether the execution has a task waiting for exactly this token. */
function awaitsToken(record: ExecutionRecord, taskId: string, token: string): boolean {
  return Object.values(record.state.frames).some(
    (f) => f.phase.kind === 'task' && f.phase.taskId === taskId && f.phase.taskToken === token,
  );
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

/** `arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>` (Express: `express:...:<uuid>`). */
export function executionArn(
  sm: StateMachineRecord,
  name: string,
  type: 'STANDARD' | 'EXPRESS',
  uuid?: string,
): string {
  const [arnPrefix, partition, service, region, account] = sm.arn.split(':');
  const base = `${arnPrefix}:${partition}:${service}:${region}:${account}`;
  return type === 'STANDARD'
    ? `${base}:execution:${sm.name}:${name}`
    : `${base}:express:${sm.name}:${name}:${uuid ?? ''}`;
}

/** Whether a step starts a task (which runs in this process, so its execution keeps the lease). */
function startsTask(commands: readonly Command[]): boolean {
  return commands.some((c) => c.kind === 'invokeTask');
}

/** Whether a step changed anything (a signal that changes nothing was not awaited). */
function changes(result: StepResult): boolean {
  return result.events.length > 0 || result.commands.length > 0;
}

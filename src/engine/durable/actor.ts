/**
 * One actor per active execution serialises its signals: each is applied by the interpreter's step
 * function and its result committed through the group-commit queue before any command runs. Where
 * the execution runs (this node, or another holding its lease) is the ownership port's to say.
 */
import type { CompiledMachine } from '../../interpreter/compiled.js';
import { step } from '../../interpreter/step.js';
import type { Command, Signal, StepResult } from '../../interpreter/types.js';
import { decodeInvokeTask } from '../../store/codecs.js';
import type { ExecutionRecord, TaskRecord } from '../../store/types.js';
import { assertNever, StatesErrors } from '../../vocabulary/states-errors.js';
import { logExecutionEnded, logExecutionStarted } from '../execution-log.js';
import type { InvokeTaskCommand } from '../task-invoker.js';
import type { TaskRunner } from '../task-runner.js';
import type { DurableContext } from './context.js';
import type { EndWaiters } from './end-waiters.js';
import type { Ownership } from './ownership.js';
import { cancelledIn, changes, startsTask, toCommit } from './step-commit.js';

const MAX_CONFLICT_RETRIES = 5;

/** A signal for an execution, and who wants to know whether it changed anything. */
export interface Delivery {
  signal: Signal;
  settle?: (accepted: boolean) => void;
  /** It came from the execution's inbox (cluster): its commit settles it there. */
  inboxId?: number;
}

export interface Actor {
  record: ExecutionRecord;
  machine: CompiledMachine;
  mailbox: Delivery[];
  busy: boolean;
  /** Resolved each time the mailbox is empty again (for StopExecution to wait on). */
  idle: (() => void)[];
  /** Whether this node holds the execution's lease now (alone: always). */
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

/** The actors of the executions active here, and the step loop each runs. */
export class Actors {
  private readonly table = new Map<string, Actor>();
  readonly ownership: Ownership;

  constructor(
    private readonly ctx: DurableContext,
    private readonly tasks: TaskRunner,
    private readonly ends: EndWaiters,
    ownership: (actors: Actors) => Ownership,
  ) {
    this.ownership = ownership(this);
  }

  get(arn: string): Actor | undefined {
    return this.table.get(arn);
  }

  has(arn: string): boolean {
    return this.table.has(arn);
  }

  set(arn: string, actor: Actor): void {
    this.table.set(arn, actor);
  }

  delete(arn: string): void {
    this.table.delete(arn);
  }

  /** No actor applies a signal, has one queued, or has a task running in this process. */
  get quiet(): boolean {
    for (const actor of this.table.values())
      if (actor.busy || actor.mailbox.length > 0 || actor.tasks > 0) return false;
    return true;
  }

  get size(): number {
    return this.table.size;
  }

  entries(): IterableIterator<[string, Actor]> {
    return this.table.entries();
  }

  /** A new actor for an execution this node holds. */
  create(record: ExecutionRecord, machine?: CompiledMachine): Actor {
    return {
      record,
      machine: machine ?? this.ctx.machines.forDefinition(record.definition),
      mailbox: [],
      busy: false,
      idle: [],
      leased: true,
      tasks: 0,
      inboxIds: new Set(),
      releases: 0,
    };
  }

  /** Queues a delivery on the actor and makes sure its pump runs. */
  push(arn: string, actor: Actor, delivery: Delivery): void {
    actor.mailbox.push(delivery);
    void this.pump(arn, actor);
  }

  /** Delivers a signal to a running Standard execution (task results, timers, stop). */
  async deliver(executionArn: string, signal: Signal): Promise<void> {
    const actor = this.table.get(executionArn);
    if (!actor) return this.ownership.route(executionArn, { signal });
    this.push(executionArn, actor, { signal });
  }

  /**
   * Delivers a signal and resolves once it is committed: true if it changed the execution, false if
   * the interpreter ignored it (its task or timer was no longer awaited). Callbacks rely on this to
   * accept a task token exactly once.
   */
  deliverAndConfirm(executionArn: string, signal: Signal): Promise<boolean> {
    return new Promise<boolean>((settle) => {
      const actor = this.table.get(executionArn);
      if (actor) this.push(executionArn, actor, { signal, settle });
      else void this.ownership.route(executionArn, { signal, settle });
    });
  }

  whenIdle(actor: Actor): Promise<void> {
    if (!actor.busy && actor.mailbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => actor.idle.push(resolve));
  }

  async pump(arn: string, actor: Actor): Promise<void> {
    if (actor.busy) return;
    actor.busy = true;
    try {
      while (!this.ctx.closed) {
        if (actor.mailbox.length === 0) {
          // Nothing to do: a node of several gives the lease back (unless the step's commit
          // already did), so any node can take the execution's next signal.
          const releasing = this.ownership.releaseIdle(arn, actor);
          if (!releasing) break;
          await releasing;
          continue;
        }
        if (!actor.leased && !(await this.ownership.reacquire(arn, actor))) break;
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
          this.table.delete(arn);
          this.dropMailbox(actor);
          break;
        }
      }
    } catch (e) {
      this.ctx.log?.error({ err: e, executionArn: arn }, 'applying a signal failed');
    } finally {
      actor.busy = false;
      this.ownership.forgetIdle(arn, actor);
      for (const resolve of actor.idle.splice(0)) resolve();
    }
  }

  /** The execution ended: what is still in its mailbox changes nothing. */
  dropMailbox(actor: Actor): void {
    const rest = actor.mailbox.splice(0);
    for (const delivery of rest) delivery.settle?.(false);
    const inbox = rest.filter((d) => d.inboxId !== undefined).map((d) => d.inboxId as number);
    if (inbox.length > 0) this.ownership.dropInbox(inbox);
  }

  /** Applies a signal and commits the step; whether the signal changed anything. */
  private async apply(arn: string, actor: Actor, delivery: Delivery): Promise<ApplyOutcome> {
    const { signal } = delivery;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const result = this.ctx.scaleTimers(
        await step(actor.machine, actor.record.state, signal, this.ctx.rt, this.ctx.standardRun),
      );
      // Keep the lease only while something here will still need it.
      const keepLease = actor.mailbox.length > 0 || actor.tasks > 0 || startsTask(result.commands);
      if (!keepLease) actor.releases++;
      const committed = await this.commit(actor.record, signal, result, {
        keepLease,
        ...(delivery.inboxId !== undefined ? { inboxId: delivery.inboxId } : {}),
      });
      if (typeof committed !== 'string') {
        actor.record = committed;
        if (!this.ownership.keepAfterStep(keepLease)) actor.leased = false;
        if (delivery.inboxId !== undefined) actor.inboxIds.delete(delivery.inboxId);
        this.runCommands(arn, result.commands);
        return changes(result) ? 'accepted' : 'ignored';
      }
      if (committed === 'leaseLost') return 'lost';
      // Layer 4: a version conflict. Reload and apply the signal to what is really committed.
      const fresh = await this.ctx.store.getExecution(arn);
      if (!fresh || fresh.status !== 'RUNNING') {
        if (fresh) actor.record = fresh;
        return 'ignored';
      }
      actor.record = fresh;
    }
    throw new Error(`Execution ${arn}: gave up after ${MAX_CONFLICT_RETRIES} version conflicts`);
  }

  /** Commits one step; the new record, or why it was not committed. */
  async commit(
    before: ExecutionRecord,
    signal: Signal,
    result: StepResult,
    options: { keepLease: boolean; inboxId?: number },
  ): Promise<ExecutionRecord | 'conflict' | 'leaseLost'> {
    const now = this.ctx.clock.now();
    const lease = this.ownership.fence(now, options.keepLease);
    const commit = toCommit(before, signal, result, now, lease, options.inboxId);
    const outcome = await this.ctx.commits.submit(commit);
    if (outcome !== 'ok') return outcome;
    this.ownership.committed(before, commit.execution);
    const record = commit.execution;
    const logged = { executionArn: record.arn, name: record.name, stateMachineArn: record.stateMachineArn };
    if (before.version === 0) logExecutionStarted(this.ctx.log, { ...logged, type: 'STANDARD' });
    if (record.status !== 'RUNNING') {
      this.ctx.integrations.executionEnded(record.arn);
      this.ends.ended(record);
      logExecutionEnded(this.ctx.log, {
        ...logged,
        type: 'STANDARD',
        status: record.status,
        startDate: record.startDate,
        stopDate: record.stopDate ?? now,
        ...(record.error !== undefined ? { error: record.error } : {}),
      });
    }
    return record;
  }

  /** After the commit: run what the step asked for. */
  runCommands(arn: string, commands: Command[]): void {
    const cancelled = cancelledIn(commands);
    for (const command of commands) {
      switch (command.kind) {
        case 'invokeTask':
          if (!cancelled.tasks.has(command.taskId)) this.invoke(arn, command);
          break;
        case 'startTimer':
          this.ownership.wakeAt(command.fireAt);
          break;
        case 'cancelTask':
          this.tasks.cancel(arn, command.taskId);
          break;
        case 'cancelTimer':
          break;
        default:
          assertNever(command, 'command');
      }
    }
  }

  /**
   * Invokes an outbox task again (on start, or when taking an execution over). A row that does not
   * decode is logged and fails its task with States.Runtime, so the execution's Retry/Catch decide
   * rather than it waiting forever.
   */
  reinvoke(arn: string, task: TaskRecord): void {
    const decoded = decodeInvokeTask(task.command);
    if (decoded.ok) return this.invoke(arn, decoded.value);
    this.ctx.log?.error({ executionArn: arn, taskId: task.taskId, problem: decoded.problem }, 'unreadable outbox task');
    void this.deliver(arn, {
      kind: 'taskFailed',
      taskId: task.taskId,
      error: StatesErrors.Runtime,
      cause: `The stored task could not be read. ${decoded.problem}`,
    });
  }

  /** Runs a task through its integration; its outcome comes back as a signal (or later, by callback). */
  invoke(arn: string, command: InvokeTaskCommand): void {
    const actor = this.table.get(arn);
    const record = actor?.record;
    if (actor) actor.tasks++;
    const execution = {
      arn,
      name: record?.name,
      stateMachineArn: record?.stateMachineArn,
      roleArn: record?.state.info.roleArn,
      testCase: record?.testCase,
    };
    void this.tasks.run(execution, command).then((signal) => {
      if (actor) actor.tasks--;
      if (signal) return this.deliver(arn, signal);
      // Pending (a callback, a worker) or cancelled: the actor may be idle now and give up its lease.
      if (actor && this.table.get(arn) === actor) void this.pump(arn, actor);
      return undefined;
    });
  }
}

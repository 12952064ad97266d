/**
 * One node alone: it owns every execution, and holds an actor only for the ones active now (a step
 * being applied or queued, a task running here). An execution that only waits is its row and its
 * timer: the signal that ends the wait (a timer, a callback, StopExecution) loads it again. On start
 * only the executions with outbox tasks or due timers are loaded, and on resume their tasks are
 * invoked again; nothing is fenced, nothing is given back, and the timer loop reads every due timer.
 * An execution that had work in flight when the process ended has that counted first, and is failed
 * at the bound (./poison.ts).
 */
import type { ExecutionRecord, TaskRecord } from '../../store/types.js';
import { assertNever } from '../../vocabulary/states-errors.js';
import type { StopResult } from '../engine.js';
import type { Actor, Actors, Delivery } from './actor.js';
import type { DurableContext } from './context.js';
import type { Ownership } from './ownership.js';
import { recoveryOf } from './poison.js';
import { TimerLoop } from './timer-loop.js';

/** Due timers read at start to tell which executions had work in flight (more are still fired, not counted). */
const DUE_AT_START = 10_000;
/** Executions loaded between two turns of the event loop. */
const LOAD_YIELD_EVERY = 500;

export class LocalOwnership implements Ownership {
  private readonly timers: TimerLoop;
  readonly node = undefined;
  /** Outbox tasks loaded by start, invoked again by resume. */
  private resumable: [string, TaskRecord[]][] = [];
  /** RUNNING executions in the store: counted at start, then kept by each commit. */
  private running = 0;

  constructor(
    private readonly ctx: DurableContext,
    private readonly actors: Actors,
  ) {
    this.timers = new TimerLoop(ctx, (arn, timerId) => this.deliverTimer(arn, timerId));
  }

  async start(): Promise<void> {
    const { store } = this.ctx;
    this.running = await store.countRunningExecutions();
    const due = new Set((await store.dueTimers(this.ctx.clock.now(), DUE_AT_START)).map((t) => t.executionArn));
    const withWork = new Set([...(await store.runningExecutionsWithTasks()), ...due]);
    const counting: Promise<void>[] = [];
    let loaded = 0;
    for (const arn of withWork) {
      // Loading many executions leaves the event loop room now and then (timers, the store's I/O).
      if (++loaded % LOAD_YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const record = await store.getExecution(arn);
      if (!record || record.status !== 'RUNNING') continue;
      const tasks = await store.pendingTasks(arn);
      counting.push(this.recover(record, tasks, due.has(arn)));
    }
    // The counts are stored (in group commits) before any of the work they count runs again.
    await Promise.all(counting);
  }

  resume(): Promise<void> {
    for (const [arn, tasks] of this.resumable.splice(0)) {
      if (this.actors.get(arn)?.record.status !== 'RUNNING') continue;
      for (const task of tasks) this.actors.reinvoke(arn, task);
    }
    return this.timers.poll();
  }

  /** One RUNNING execution at start: counted if it had work in flight, failed at the bound. */
  private async recover(record: ExecutionRecord, tasks: TaskRecord[], timerDue: boolean): Promise<void> {
    const arn = record.arn;
    const recovery = this.ctx.stoppedCleanly
      ? ({ kind: 'idle' } as const)
      : recoveryOf(record, tasks, timerDue, this.ctx.maxProcessEndingAttempts);
    switch (recovery.kind) {
      case 'fail': {
        this.ctx.log?.warn(
          { executionArn: arn, processEndings: record.processEndings ?? 0 },
          'failing a poison execution',
        );
        this.actors.set(arn, this.actors.create(record));
        await this.actors.deliverAndConfirm(arn, recovery.signal);
        return;
      }
      case 'count': {
        const outcome = await this.ctx.commits.submit(recovery.commit);
        const current = outcome === 'ok' ? recovery.commit.execution : await this.ctx.store.getExecution(arn);
        if (!current || current.status !== 'RUNNING') return;
        this.actors.set(arn, this.actors.create(current));
        break;
      }
      case 'idle':
        this.actors.set(arn, this.actors.create(record));
        break;
      default:
        assertNever(recovery, 'recovery');
    }
    if (tasks.length > 0) this.resumable.push([arn, tasks]);
  }

  close(): Promise<void> {
    this.timers.stop();
    return Promise.resolve();
  }

  fence(): undefined {
    return undefined;
  }

  keepAfterStep(): boolean {
    return true;
  }

  committed(before: ExecutionRecord, after: ExecutionRecord): void {
    const wasOpen = before.version > 0 && before.status === 'RUNNING';
    const isOpen = after.status === 'RUNNING';
    if (wasOpen !== isOpen) this.running += isOpen ? 1 : -1;
  }

  get open(): number {
    return this.running;
  }

  acquire(_arn: string, record: ExecutionRecord): Promise<ExecutionRecord> {
    return Promise.resolve(record);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  /** Never needed alone (an actor here always holds its execution); kept true for the port. */
  reacquire(_arn: string, actor: Actor): Promise<boolean> {
    actor.leased = true;
    return Promise.resolve(true);
  }

  releaseIdle(): undefined {
    return undefined;
  }

  /** An actor with nothing queued and no task here is let go: its execution waits as its row. */
  forgetIdle(arn: string, actor: Actor): void {
    if (!actor.busy && actor.mailbox.length === 0 && actor.tasks === 0 && this.actors.get(arn) === actor)
      this.actors.delete(arn);
  }

  dropInbox(): void {}

  /** No actor: the execution waits as its row (or it ended): load it for this signal. */
  async route(arn: string, delivery: Delivery): Promise<void> {
    const actor = await this.load(arn);
    if (!actor) return delivery.settle?.(false);
    this.actors.push(arn, actor, delivery);
  }

  /** The execution's actor, loaded from its row if it has none; undefined when it is not RUNNING. */
  private async load(arn: string): Promise<Actor | undefined> {
    const loaded = this.actors.get(arn);
    if (loaded) return loaded;
    const record = await this.ctx.store.getExecution(arn);
    if (!record || record.status !== 'RUNNING') return undefined;
    // Another signal may have loaded it meanwhile: one actor per execution. (A stale record is
    // safe: its commit conflicts, and the step is applied again to what is stored.)
    const actor = this.actors.get(arn) ?? this.actors.create(record);
    this.actors.set(arn, actor);
    return actor;
  }

  async stop(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const actor = await this.load(executionArn);
    if (!actor) {
      const record = await this.ctx.store.getExecution(executionArn);
      return record ? { notRunning: record } : { notFound: true };
    }
    await this.actors.deliver(executionArn, {
      kind: 'stop',
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    await this.actors.whenIdle(actor);
    const record = await this.ctx.store.getExecution(executionArn);
    if (record && record.status !== 'ABORTED') return { notRunning: record };
    return { stopDate: record?.stopDate ?? this.ctx.clock.now() };
  }

  sweep(): Promise<void> {
    return this.timers.poll();
  }

  wakeAt(at: number): void {
    this.timers.wakeAt(at);
  }

  watch(): undefined {
    return undefined;
  }

  nodes(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  advertise(): void {}

  private async deliverTimer(arn: string, timerId: string): Promise<void> {
    let actor = this.actors.get(arn);
    if (!actor) {
      // A timer of an execution not loaded (e.g. it ended): let the step ignore it and drop the row.
      const record = await this.ctx.store.getExecution(arn);
      if (!record) return;
      // Another signal may have loaded it meanwhile: one actor per execution.
      actor = this.actors.get(arn) ?? this.actors.create(record);
      if (actor.record.status === 'RUNNING') this.actors.set(arn, actor);
    }
    if (actor.record.status !== 'RUNNING') {
      await this.ctx.commits.submit({
        expectedVersion: actor.record.version,
        execution: { ...actor.record, version: actor.record.version + 1 },
        events: [],
        timersAdded: [],
        timersRemoved: [timerId],
        tasksAdded: [],
        tasksRemoved: [],
      });
      this.timers.delivered(arn, timerId);
      return;
    }
    actor.mailbox.push({ signal: { kind: 'timerFired', timerId } });
    await this.actors.pump(arn, actor);
    await this.actors.whenIdle(actor);
    this.timers.delivered(arn, timerId);
  }
}

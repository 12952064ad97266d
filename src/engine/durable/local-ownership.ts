/**
 * One node alone: it owns every execution. On start every RUNNING execution is loaded, and on
 * resume it continues (its outbox tasks are invoked again; its timers are already rows); nothing
 * is fenced, nothing is given back, and the timer loop reads every due timer. An execution that had
 * work in flight when the process ended has that counted first, and is failed at the bound
 * (./poison.ts).
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

  constructor(
    private readonly ctx: DurableContext,
    private readonly actors: Actors,
  ) {
    this.timers = new TimerLoop(ctx, (arn, timerId) => this.deliverTimer(arn, timerId));
  }

  async start(): Promise<void> {
    const { store } = this.ctx;
    const due = new Set((await store.dueTimers(this.ctx.clock.now(), DUE_AT_START)).map((t) => t.executionArn));
    const counting: Promise<void>[] = [];
    let loaded = 0;
    for (const arn of await store.runningExecutions()) {
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

  committed(): void {}

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

  forgetIdle(): void {}

  dropInbox(): void {}

  /** No actor: the execution ended, or a callback came before its actor was set up. */
  async route(arn: string, delivery: Delivery): Promise<void> {
    const record = await this.ctx.store.getExecution(arn);
    if (!record || record.status !== 'RUNNING') return delivery.settle?.(false);
    const actor = this.actors.get(arn) ?? this.actors.create(record);
    this.actors.set(arn, actor);
    this.actors.push(arn, actor, delivery);
  }

  async stop(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const actor = this.actors.get(executionArn);
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
      actor = this.actors.create(record);
      if (record.status === 'RUNNING') this.actors.set(arn, actor);
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

/**
 * One node alone: it owns every execution. On start every RUNNING execution resumes (its outbox
 * tasks are invoked again; its timers are already rows), nothing is fenced, nothing is given back,
 * and the timer loop reads every due timer.
 */
import type { ExecutionRecord } from '../../store/types.js';
import type { StopResult } from '../engine.js';
import type { Actor, Actors, Delivery } from './actor.js';
import type { DurableContext } from './context.js';
import type { Ownership } from './ownership.js';
import { TimerLoop } from './timer-loop.js';

export class LocalOwnership implements Ownership {
  private readonly timers: TimerLoop;
  readonly node = undefined;

  constructor(
    private readonly ctx: DurableContext,
    private readonly actors: Actors,
  ) {
    this.timers = new TimerLoop(ctx, (arn, timerId) => this.deliverTimer(arn, timerId));
  }

  async start(): Promise<void> {
    const { store } = this.ctx;
    for (const arn of await store.runningExecutions()) {
      const record = await store.getExecution(arn);
      if (!record || record.status !== 'RUNNING') continue;
      this.actors.set(arn, this.actors.create(record));
      for (const task of await store.pendingTasks(arn)) this.actors.reinvoke(arn, task);
    }
    await this.timers.poll();
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

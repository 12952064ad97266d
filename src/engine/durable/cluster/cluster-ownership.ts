/**
 * One node of several on one PostgreSQL database (src/store/cluster.ts). An actor exists only
 * while this node holds the execution's lease: taken when it starts the execution, claims it (a due
 * timer, an inbox signal, an expired lease) or takes a callback for it; given up in the step's own
 * commit, or right after, once the execution only waits (for a timer, a callback, a worker). Every
 * commit is fenced by the lease. A signal for an execution another node holds goes to the inbox,
 * and that node applies it.
 */
import { assertNever } from '../../../vocabulary/states-errors.js';
import type { ClaimedExecution, ClusterEvent, ClusterStore, NodeRecord } from '../../../store/cluster.js';
import type { Commit, ExecutionRecord } from '../../../store/types.js';
import type { StopResult } from '../../engine.js';
import type { TaskRunner } from '../../task-runner.js';
import type { Actor, Actors, Delivery } from '../actor.js';
import type { DurableContext } from '../context.js';
import type { Ownership } from '../ownership.js';
import { countTakeover } from '../poison.js';
import { TimerLoop } from '../timer-loop.js';
import { ClusterNode, type ClusterOptions, type ClusterStats } from './cluster-node.js';
import { Inbox } from './inbox.js';

export type ClusterOwnershipOptions = ClusterOptions & { onEvent?: (event: ClusterEvent) => void };

export class ClusterOwnership implements Ownership {
  /** This node's membership, heartbeat and wake-ups. */
  private readonly cluster: ClusterNode;
  private readonly store: ClusterStore;
  private readonly inbox: Inbox;
  private readonly timers: TimerLoop;
  /** Executions being loaded after taking their lease (one load per execution at a time). */
  private readonly adopting = new Map<string, Promise<Actor | 'elsewhere' | 'ended'>>();
  /** Executions dropped with their tasks aborted; whoever loads them next invokes those again. */
  private readonly abandoned = new Set<string>();
  /** What the last heartbeat renewed, to tell a lease lost from one given up meanwhile. */
  private heldAtHeartbeat = new Map<string, { actor: Actor; releases: number }>();
  private pollRunning = false;
  private pollAgain = false;
  /** Leases being given back together (releaseLease). */
  private releasing: { arns: string[]; done: Promise<void> } | undefined;

  constructor(
    private readonly ctx: DurableContext,
    private readonly actors: Actors,
    private readonly tasks: TaskRunner,
    options: ClusterOwnershipOptions,
  ) {
    const onEvent = options.onEvent;
    this.store = options.store;
    this.cluster = new ClusterNode(
      options,
      ctx.clock,
      {
        held: () => {
          this.heldAtHeartbeat = new Map(
            [...actors.entries()]
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
        poll: () => void this.sweep(),
      },
      ctx.log,
    );
    this.inbox = new Inbox(ctx.store, this.store, this.cluster, ctx.clock, ctx.log);
    this.timers = new TimerLoop(ctx, (arn, timerId) => this.deliverTimer(arn, timerId));
  }

  get node(): { id: string; stats: ClusterStats } {
    return { id: this.cluster.id, stats: this.cluster.stats };
  }

  nodes(): Promise<NodeRecord[]> {
    return this.cluster.nodes();
  }

  advertise(address: string): void {
    this.cluster.setAddress(address);
  }

  async start(): Promise<void> {
    // Nothing is loaded up front: this node claims what is ready, as every node does (on resume).
    await this.cluster.start();
  }

  resume(): Promise<void> {
    return this.sweep();
  }

  async close(): Promise<void> {
    await this.cluster.stop();
    // Idle executions are given back now. Those with a task still running here keep their lease
    // until it runs out, then another node takes them over and invokes the task again.
    const held = [...this.actors.entries()].filter(([, a]) => a.leased);
    const busy = held.filter(([, a]) => a.tasks > 0);
    const idle = held.filter(([, a]) => a.tasks === 0).map(([arn]) => arn);
    try {
      if (busy.length === 0) await this.store.leave(this.cluster.id);
      else if (idle.length > 0) await this.store.releaseExecutions(idle, this.cluster.id);
    } catch (error) {
      this.ctx.log?.warn({ err: error }, 'could not give back leases on shutdown; they run out on their own');
    }
  }

  fence(now: number, keep: boolean): Commit['lease'] {
    return { owner: this.cluster.id, now, until: keep ? this.cluster.leaseUntil(now) : null };
  }

  keepAfterStep(keep: boolean): boolean {
    return keep;
  }

  committed(): void {
    this.cluster.stats.stepsCommitted++;
  }

  get open(): number {
    return this.actors.size;
  }

  async acquire(arn: string): Promise<ExecutionRecord | undefined> {
    const got = await this.store.acquireExecution(arn, this.cluster.id, this.ctx.clock.now(), this.cluster.leaseMs);
    return got.acquired ? got.record : undefined;
  }

  release(arn: string): Promise<void> {
    return this.store.releaseExecutions([arn], this.cluster.id);
  }

  /** Takes the lease again for an actor that gave it up or lost it; false if another node has it. */
  async reacquire(arn: string, actor: Actor): Promise<boolean> {
    const got = await this.store.acquireExecution(arn, this.cluster.id, this.ctx.clock.now(), this.cluster.leaseMs);
    if (!got.acquired) {
      this.handOff(arn, actor);
      return false;
    }
    const fresh = got.record;
    actor.record = fresh;
    actor.leased = true;
    await this.takeOverTasks(arn, got.orphaned, actor.tasks);
    if (fresh.status !== 'RUNNING' && actor.mailbox[0]?.signal.kind !== 'redrive') {
      this.actors.dropMailbox(actor);
      await this.store.releaseExecutions([arn], this.cluster.id);
      actor.leased = false;
    }
    return true;
  }

  releaseIdle(arn: string, actor: Actor): Promise<void> | undefined {
    if (!actor.leased || actor.tasks > 0) return undefined;
    actor.releases++;
    return this.releaseLease(arn).then(() => {
      actor.leased = false;
    });
  }

  forgetIdle(arn: string, actor: Actor): void {
    if (!actor.leased && actor.mailbox.length === 0 && actor.tasks === 0 && this.actors.get(arn) === actor)
      this.actors.delete(arn);
  }

  dropInbox(ids: number[]): void {
    void this.store
      .settleSignals(
        ids.map((id) => ({ id, accepted: false })),
        this.ctx.clock.now(),
      )
      .catch((e: unknown) => this.ctx.log?.warn({ err: e }, 'could not settle inbox signals'));
  }

  /**
   * Gets a delivery to the execution's actor on this node, taking the lease if it is free, or to
   * the inbox of the node that holds it. Settles the delivery at once if the execution has ended.
   */
  async route(arn: string, delivery: Delivery): Promise<void> {
    const actor = this.actors.get(arn) ?? (await this.adopt(arn));
    if (actor === 'ended') {
      delivery.settle?.(false);
      return;
    }
    if (actor === 'elsewhere') {
      if (delivery.inboxId === undefined)
        void this.inbox.post(arn, delivery.signal).then((accepted) => delivery.settle?.(accepted));
      return;
    }
    this.actors.push(arn, actor, delivery);
  }

  /** StopExecution on a node of several: the stop goes to whichever node holds the execution. */
  async stop(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const record = this.actors.get(executionArn)?.record ?? (await this.ctx.store.getExecution(executionArn));
    if (!record) return { notFound: true };
    if (record.status !== 'RUNNING') return { notRunning: record };
    await this.actors.deliverAndConfirm(executionArn, {
      kind: 'stop',
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    const after = await this.ctx.store.getExecution(executionArn);
    if (after && after.status !== 'ABORTED' && after.status !== 'RUNNING') return { notRunning: after };
    // RUNNING still: the stop waits in the inbox of a node that is not answering; it applies when
    // that node, or the one taking over from it, gets to it.
    return { stopDate: after?.stopDate ?? this.ctx.clock.now() };
  }

  /** Claims what is ready (due timers, inbox signals, expired leases), fires due timers of what this node holds, and sleeps until the next timer. */
  async sweep(): Promise<void> {
    const cluster = this.cluster;
    if (this.ctx.closed) return;
    if (this.pollRunning) {
      this.pollAgain = true;
      return;
    }
    this.pollRunning = true;
    try {
      do {
        this.pollAgain = false;
        for (;;) {
          const now = this.ctx.clock.now();
          const claims = await this.store.claimExecutions(cluster.id, now, cluster.leaseMs, cluster.claimBatch);
          cluster.stats.executionsClaimed += claims.length;
          // Loaded without running yet: an actor with nothing queued would give its lease straight back.
          const adopted = await Promise.all(claims.map((claim) => this.adopt(claim.arn, claim, false)));
          this.timers.fire(await this.store.dueTimersOf(cluster.id, this.ctx.clock.now(), 500));
          for (const [i, actor] of adopted.entries())
            if (typeof actor === 'object') void this.actors.pump(claims[i]?.arn ?? '', actor);
          if (claims.length < cluster.claimBatch || this.ctx.closed) break;
        }
      } while (this.pollAgain && !this.ctx.closed);
      const next = await this.ctx.store.nextTimerAt();
      // A timer already due belongs to a node busy with it: look again shortly, not in a loop.
      if (next !== undefined) cluster.pollAt(Math.max(next, this.ctx.clock.now() + 100));
      else cluster.pollAt(Number.POSITIVE_INFINITY);
    } catch (e) {
      this.ctx.log?.error({ err: e }, 'looking for work failed; retrying in a second');
      cluster.pollAt(this.ctx.clock.now() + 1_000);
    } finally {
      this.pollRunning = false;
    }
  }

  wakeAt(at: number): void {
    this.cluster.pollAt(at);
  }

  /** Another node may step the execution to its end; look again now and then. */
  watch(check: () => void): () => void {
    const every = setInterval(check, this.cluster.pollMs);
    return () => clearInterval(every);
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
      const acquired = claim
        ? ({ acquired: true, ...claim } as const)
        : await this.store.acquireExecution(arn, this.cluster.id, this.ctx.clock.now(), this.cluster.leaseMs);
      if (!acquired.acquired) return acquired.holder === undefined ? 'ended' : 'elsewhere';
      const got = acquired;
      const existing = this.actors.get(arn);
      if (existing) {
        // Still here from before (its lease ran out, or it was being given up): bring it up to date.
        if (!existing.busy) await this.refresh(arn, existing, got, start);
        return existing;
      }
      if (got.record.status !== 'RUNNING') {
        await this.store.releaseExecutions([arn], this.cluster.id);
        return 'ended';
      }
      const actor = this.actors.create(got.record);
      this.actors.set(arn, actor);
      await this.takeOverTasks(arn, got.orphaned, 0);
      if (got.hasSignals) await this.inbox.pull(arn, actor);
      if (start) void this.actors.pump(arn, actor);
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
    if (got.hasSignals) await this.inbox.pull(arn, actor);
    if (start) void this.actors.pump(arn, actor);
  }

  /**
   * Invokes the outbox tasks again when the node that ran them died, or this one dropped them when
   * its lease ran out; not while they still run here (an expired lease of this node's own).
   */
  private async takeOverTasks(arn: string, orphaned: boolean, runningHere: number): Promise<void> {
    const droppedHere = this.abandoned.delete(arn);
    if (!(droppedHere || (orphaned && runningHere === 0))) return;
    this.cluster.stats.executionsTakenOver++;
    const tasks = await this.ctx.store.pendingTasks(arn);
    // Another node died holding it: counted as a process ending (poison executions, ../poison.ts).
    const actor = this.actors.get(arn);
    const lease = this.fence(this.ctx.clock.now(), true);
    if (!droppedHere && actor && (await countTakeover(this.ctx, this.actors, arn, actor, tasks, lease)) === 'failed')
      return;
    for (const task of tasks) this.actors.reinvoke(arn, task);
  }

  /** Another node holds the execution: its actor here goes, and what was queued for it goes to that node's inbox. */
  private handOff(arn: string, actor: Actor): void {
    if (this.actors.get(arn) === actor) this.actors.delete(arn);
    for (const delivery of actor.mailbox.splice(0)) {
      // Inbox signals stay in the inbox, unsettled, for the holder.
      if (delivery.inboxId !== undefined) continue;
      void this.inbox.post(arn, delivery.signal).then((accepted) => delivery.settle?.(accepted));
    }
    actor.inboxIds.clear();
  }

  /** Gives an idle execution's lease back, with every other one given back in this turn of the event loop (one statement). */
  private releaseLease(arn: string): Promise<void> {
    if (!this.releasing) {
      const batch: { arns: string[]; done: Promise<void> } = { arns: [], done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (this.releasing === batch) this.releasing = undefined;
        return this.store.releaseExecutions(batch.arns, this.cluster.id);
      });
      this.releasing = batch;
    }
    this.releasing.arns.push(arn);
    return this.releasing.done;
  }

  private clusterEvent(event: ClusterEvent): void {
    switch (event.kind) {
      case 'signal': {
        const actor = this.actors.get(event.executionArn);
        if (actor?.leased)
          void this.inbox.pull(event.executionArn, actor).then(() => this.actors.pump(event.executionArn, actor));
        // Not held here: it is claimable if nobody holds it.
        else this.cluster.pollAt(this.ctx.clock.now());
        break;
      }
      case 'settled':
        this.inbox.settled(event.ids);
        break;
      case 'ready':
        this.cluster.pollAt(this.ctx.clock.now());
        break;
      case 'activity':
        break;
      default:
        assertNever(event, 'cluster event');
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
      this.tasks.abortAll(arn);
      // Whatever is queued goes to the holder (the pump finds the lease taken, or takes it back).
      void this.actors.pump(arn, actor);
    }
    return lost;
  }

  /** Due timers of executions this node holds: the actor is here, unless it just gave the lease up. */
  private async deliverTimer(arn: string, timerId: string): Promise<void> {
    const delivered = new Promise<boolean>(
      (settle) => void this.route(arn, { signal: { kind: 'timerFired', timerId }, settle }),
    );
    await delivered.finally(() => this.timers.delivered(arn, timerId));
  }
}

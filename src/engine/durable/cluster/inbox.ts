/**
 * The execution inbox of a node of several (src/store/cluster.ts): a signal for an execution
 * another node holds is posted there, and the holder applies it and settles it in the same commit.
 */
import type { Logger } from 'pino';
import type { Signal } from '../../../interpreter/types.js';
import type { ClusterStore } from '../../../store/cluster.js';
import { decodeSignal, encodeSignal } from '../../../store/codecs.js';
import type { ExecutionStore } from '../../../store/types.js';
import type { Clock } from '../../clock.js';
import type { Actor } from '../actor.js';
import type { ClusterNode } from './cluster-node.js';

export class Inbox {
  /** Senders waiting for an inbox signal to be settled, by signal id. */
  private readonly settleWaiters = new Map<number, () => void>();

  constructor(
    private readonly store: ExecutionStore,
    private readonly cluster: ClusterStore,
    private readonly node: ClusterNode,
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  /**
   * Posts a signal to the execution's inbox and waits for the node holding it to settle it. If that
   * takes over twice the lease (the holder died and nobody has taken over yet), the signal is
   * accepted as it stands: it is stored, and whoever runs the execution next applies it. If the
   * execution ends first, the signal was not applied.
   */
  async post(arn: string, signal: Signal): Promise<boolean> {
    const id = await this.cluster.postSignal(arn, encodeSignal(signal), this.clock.now());
    this.node.stats.signalsForwarded++;
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
        void this.outcome(arn, id).then(
          (outcome) => outcome !== undefined && finish(outcome),
          () => undefined,
        );
      this.settleWaiters.set(id, look);
      const poll = setInterval(look, this.node.pollMs);
      const deadline = setTimeout(() => finish(true), 2 * this.node.leaseMs + 5_000);
    });
  }

  /** Signals were settled (a cluster event): their senders look at the outcome. */
  settled(ids: readonly number[]): void {
    for (const id of ids) this.settleWaiters.get(id)?.();
  }

  /**
   * Queues the execution's unsettled inbox signals on its actor. One that does not decode is
   * logged and settled as not accepted (its sender hears it was not applied).
   */
  async pull(arn: string, actor: Actor): Promise<void> {
    const signals = await this.cluster.pendingSignals(arn);
    const unreadable: { id: number; accepted: boolean }[] = [];
    for (const inbox of signals) {
      if (actor.inboxIds.has(inbox.id)) continue;
      const decoded = decodeSignal(inbox.signal);
      if (!decoded.ok) {
        this.log?.error({ executionArn: arn, inboxId: inbox.id, problem: decoded.problem }, 'unreadable inbox signal');
        unreadable.push({ id: inbox.id, accepted: false });
        continue;
      }
      actor.inboxIds.add(inbox.id);
      actor.mailbox.push({ signal: decoded.value, inboxId: inbox.id });
    }
    if (unreadable.length > 0) await this.cluster.settleSignals(unreadable, this.clock.now());
  }

  /**
   * A posted signal's outcome, or undefined while it waits. The execution may end before its holder
   * gets to the signal; nobody claims an ended execution, so the sender settles it as not accepted.
   * (Had the signal been applied, the commit that applied it would have settled it too: a step and
   * the settling of its signal commit together.)
   */
  private async outcome(arn: string, id: number): Promise<boolean | undefined> {
    const outcome = await this.cluster.signalOutcome(id);
    if (outcome !== undefined) return outcome;
    const record = await this.store.getExecution(arn);
    if (record?.status === 'RUNNING') return undefined;
    await this.cluster.settleSignals([{ id, accepted: false }], this.clock.now());
    return (await this.cluster.signalOutcome(id)) ?? false;
  }
}

/**
 * Timers are rows; nothing is held in memory per waiting execution. Each due timer is delivered
 * once at a time (its row stays until the commit that fires it). Alone, this loop fires every due
 * timer, then sleeps until the next one (or a new earlier one); on a node of several the cluster
 * ownership finds the due timers and hands them to `fire`.
 */
import type { DurableContext } from './context.js';

/** Longest single sleep of the timer loop; it re-reads the store at least this often. */
const MAX_TIMER_SLEEP_MS = 30_000;
const DUE_BATCH = 500;

export class TimerLoop {
  /** Timers being delivered, by inFlightKey(executionArn, timerId): timer ids repeat across executions. */
  private readonly inFlight = new Set<string>();
  private handle: NodeJS.Timeout | undefined;
  private wakeAtTime = Number.POSITIVE_INFINITY;
  private running = false;

  constructor(
    private readonly ctx: DurableContext,
    /** Delivers a due timer's signal; calls `delivered` when its row is settled. */
    private readonly deliver: (executionArn: string, timerId: string) => Promise<void>,
  ) {}

  /** Delivers each timer not already being delivered; how many that was. */
  fire(timers: readonly { executionArn: string; timerId: string; fireAt?: number }[]): number {
    let fresh = 0;
    const now = this.ctx.clock.now();
    for (const timer of timers) {
      const key = inFlightKey(timer.executionArn, timer.timerId);
      if (this.inFlight.has(key)) continue;
      this.inFlight.add(key);
      fresh++;
      if (timer.fireAt !== undefined) this.ctx.observer?.timerFired?.(Math.max(0, now - timer.fireAt));
      void this.deliver(timer.executionArn, timer.timerId);
    }
    return fresh;
  }

  /** The timer's delivery is over: it may be delivered again if its row is still due. */
  delivered(executionArn: string, timerId: string): void {
    this.inFlight.delete(inFlightKey(executionArn, timerId));
  }

  wakeAt(fireAt: number): void {
    if (this.ctx.closed || fireAt >= this.wakeAtTime) return;
    if (this.handle) clearTimeout(this.handle);
    this.wakeAtTime = fireAt;
    const delay = Math.min(Math.max(0, fireAt - this.ctx.clock.now()), MAX_TIMER_SLEEP_MS);
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.wakeAtTime = Number.POSITIVE_INFINITY;
      void this.poll();
    }, delay);
  }

  /** Fires every due timer, then sleeps until the next one (or a new earlier one). */
  async poll(): Promise<void> {
    if (this.ctx.closed || this.running) return;
    this.running = true;
    try {
      for (;;) {
        const due = await this.ctx.store.dueTimers(this.ctx.clock.now(), DUE_BATCH);
        const fresh = this.fire(due);
        if (due.length < DUE_BATCH) break;
        if (fresh === 0) break;
      }
      const next = await this.ctx.store.nextTimerAt();
      if (next !== undefined) {
        // Timers already being delivered keep their rows until their commit: don't spin on them.
        // A faulted store holds their commits for seconds: look again in a second, not 100 times.
        const retry = this.ctx.commits.health.fault ? 1000 : 10;
        const wake = next <= this.ctx.clock.now() ? this.ctx.clock.now() + retry : next;
        this.wakeAt(wake);
      }
    } catch (e) {
      this.ctx.log?.error({ err: e }, 'the timer loop failed; retrying in a second');
      this.wakeAt(this.ctx.clock.now() + 1000);
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.handle) clearTimeout(this.handle);
  }
}

function inFlightKey(executionArn: string, timerId: string): string {
  return `${executionArn}\n${timerId}`;
}

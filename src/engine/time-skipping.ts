/**
 * Time skipping for the virtual clock (./virtual-clock.ts): moving the clock to a time goes through
 * every timer due on the way, one due time after the other, as real time would: each timer fires
 * at its own time (so a second Wait after a first one starts when the first one ended, and history
 * says so), and before the clock moves on, what the fired timers started has settled: the steps
 * they caused are committed and the task handlers running in this process have answered (each
 * given at most `settleMs` of real time, so a handler that never answers still times out).
 * Tasks waiting for a callback or an activity worker do not hold the clock.
 */
import type { TimerRecord } from '../store/types.js';
import type { VirtualClock } from './virtual-clock.js';

/** What time skipping needs of the durable engine. */
export interface TimeSkippingEngine {
  /** Nothing runs now: no step applying or queued, no task handler running. */
  readonly quiet: boolean;
  /** Fires the timers due now. */
  sweepTimers(): Promise<void>;
}

/** What time skipping needs of the store: its timer rows. */
export interface TimerRows {
  dueTimers(now: number, limit: number): Promise<TimerRecord[]>;
  nextTimerAt(): Promise<number | undefined>;
}

/** A timer that fired: a Standard execution's timer row, or an Express execution's in-memory sleep. */
export type FiredTimer =
  { kind: 'timer'; executionArn: string; timerId: string; fireAt: number } | { kind: 'inMemory'; fireAt: number };

export interface SkipResult {
  /** The clock's time afterwards. */
  now: number;
  fired: FiredTimer[];
}

export interface TimeSkippingOptions {
  /** Real milliseconds to wait for what fired timers started to settle, each time (default 5000). */
  settleMs?: number;
}

/** Due timers fired at one time, at most: a bound, not a behaviour. */
const DUE_BATCH = 1000;
/** Due times gone through by one advance, at most (a timer that fires itself again forever stops there). */
const MAX_STEPS = 10_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TimeSkipping {
  private readonly settleMs: number;
  /** One move at a time: concurrent requests run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly clock: VirtualClock,
    private readonly engine: TimeSkippingEngine,
    private readonly rows: TimerRows,
    options: TimeSkippingOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 5000;
  }

  /** When the next timer fires (a row or an in-memory sleep), if any. */
  async nextTimerAt(): Promise<number | undefined> {
    const row = await this.rows.nextTimerAt();
    const sleep = this.clock.nextSleep;
    if (row === undefined) return sleep;
    return sleep === undefined ? row : Math.min(row, sleep);
  }

  /** Moves the clock to `epochMs`, firing every timer due on the way at its time. Throws ClockBackwardsError. */
  advanceTo(epochMs: number): Promise<SkipResult> {
    return this.serialized(async () => {
      if (epochMs < this.clock.now()) this.clock.set(epochMs); // throws: never back
      const fired: FiredTimer[] = [];
      for (let steps = 0; steps < MAX_STEPS; steps++) {
        await this.settle();
        const next = await this.nextTimerAt();
        if (next === undefined || next > epochMs) break;
        const batch = await this.fireAt(Math.max(next, this.clock.now()));
        fired.push(...batch);
        if (batch.length === 0 && next <= this.clock.now()) break;
      }
      this.clock.set(Math.max(epochMs, this.clock.now()));
      await this.settle();
      return { now: this.clock.now(), fired };
    });
  }

  /** Moves the clock to the next timer (not at all when one is already due) and fires what is due then. */
  runNextTimer(): Promise<SkipResult> {
    return this.serialized(async () => {
      await this.settle();
      const next = await this.nextTimerAt();
      if (next === undefined) return { now: this.clock.now(), fired: [] };
      const fired = await this.fireAt(Math.max(next, this.clock.now()));
      await this.settle();
      return { now: this.clock.now(), fired };
    });
  }

  /** Sets the clock to `at` and fires what is due then (rows and sleeps); what fired. */
  private async fireAt(at: number): Promise<FiredTimer[]> {
    const sleeps: FiredTimer[] = [];
    const nextSleep = this.clock.nextSleep;
    if (nextSleep !== undefined && nextSleep <= at) sleeps.push({ kind: 'inMemory', fireAt: nextSleep });
    this.clock.set(at);
    const rows = await this.rows.dueTimers(at, DUE_BATCH);
    await this.engine.sweepTimers();
    await this.settle();
    return [
      ...rows.map((r): FiredTimer => ({
        kind: 'timer',
        executionArn: r.executionArn,
        timerId: r.timerId,
        fireAt: r.fireAt,
      })),
      ...sleeps,
    ];
  }

  /**
   * Waits until nothing runs: no timer due now left to deliver, no step in flight, no task handler
   * running here, twice in a row; at most settleMs of real time.
   */
  private async settle(): Promise<void> {
    const deadline = Date.now() + this.settleMs;
    let calm = 0;
    while (calm < 2 && Date.now() < deadline) {
      const due = (await this.rows.dueTimers(this.clock.now(), 1)).length > 0;
      if (due) await this.engine.sweepTimers();
      if (!due && this.engine.quiet && !this.clock.busy) calm++;
      else calm = 0;
      await pause(calm === 0 ? 5 : 2);
    }
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

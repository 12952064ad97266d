/**
 * The server's virtual clock (`stepwise serve --clock virtual`): time stands still until the API
 * moves it (./time-skipping.ts). Everything that reads the time in the server reads this one clock:
 * the durable engine (history timestamps, `$$` times, Wait `Timestamp`s, timer rows), the Express
 * runner's sleeps, and the API (DescribeExecution's dates, creation dates).
 */
import type { Clock } from './clock.js';

/** Moving the clock back would make history go backwards: refused. */
export class ClockBackwardsError extends Error {
  constructor(
    readonly now: number,
    readonly to: number,
  ) {
    super(
      `The virtual clock cannot go back: it is ${new Date(now).toISOString()}, ${new Date(to).toISOString()} is earlier`,
    );
    this.name = 'ClockBackwardsError';
  }
}

interface Sleeper {
  at: number;
  wake: () => void;
}

export class VirtualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private readonly held = new Set<Promise<unknown>>();

  constructor(
    startMs: number,
    /** Called with the new time after each move (the server keeps it across restarts). */
    private readonly moved?: (epochMs: number) => void,
  ) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Resolves once the clock has been moved to `epochMs` or past it (or `signal` aborts). */
  sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void> {
    if (epochMs <= this.current || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        at: epochMs,
        wake: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Express task handlers at work: the clock is not moved past them while they run (see busy). */
  hold(work: Promise<unknown>): () => void {
    this.held.add(work);
    const release = () => void this.held.delete(work);
    work.then(release, release);
    return release;
  }

  /** An in-memory (Express) task handler is running. */
  get busy(): boolean {
    return this.held.size > 0;
  }

  /** The earliest in-memory sleep (an Express Wait or backoff), if any. */
  get nextSleep(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (next === undefined || s.at < next) next = s.at;
    return next;
  }

  /** Moves the clock to `epochMs` (never back) and wakes the sleeps that are due. */
  set(epochMs: number): void {
    if (!Number.isFinite(epochMs)) throw new RangeError(`not a time: ${epochMs}`);
    if (epochMs < this.current) throw new ClockBackwardsError(this.current, epochMs);
    if (epochMs === this.current) return;
    this.current = epochMs;
    this.moved?.(epochMs);
    for (const sleeper of this.sleepers.filter((s) => s.at <= epochMs)) sleeper.wake();
  }
}

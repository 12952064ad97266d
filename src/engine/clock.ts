/** Time for runners: the real clock, or a fake one that makes Waits and backoffs instant in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves once `now()` has reached `epochMs`. When `signal` aborts first (the timer lost its
   * race), it resolves without waiting further and, for a fake clock, without moving time.
   */
  sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Work is outstanding (a task handler runs). A fake clock holds its timers until the work settles
   * or its grace period passes; the real clock needs no telling. Returns a release (the task was cancelled).
   */
  hold?(work: Promise<unknown>): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleepUntil: (epochMs, signal) =>
    new Promise((resolve) => {
      const delay = epochMs - Date.now();
      if (delay <= 0 || signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export interface FakeClockOptions {
  /**
   * Real milliseconds a task handler may stay busy before the fake clock stops waiting for it and
   * jumps to the next timer (so a handler that never answers still times out). Default 500.
   */
  handlerGraceMs?: number;
}

/** Resolves after pending callbacks (one macrotask) have run. */
const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when asked. `sleepUntil` jumps to the target time once no task handler
 * is busy (each held for at most `handlerGraceMs` of real time), so a handler that answers in a few
 * milliseconds wins its race against a 60-second timeout, as it would in real time. A sleeper whose
 * signal aborts (it lost the race) never moves the clock.
 */
export function fakeClock(startMs = Date.UTC(2024, 0, 1), options: FakeClockOptions = {}): FakeClock {
  const graceMs = options.handlerGraceMs ?? 500;
  let now = startMs;
  /** Busy work, with the real time it started. */
  const held = new Map<Promise<unknown>, number>();
  let waiters: (() => void)[] = [];
  const release = (work: Promise<unknown>) => {
    if (!held.delete(work)) return;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  /** Real milliseconds until the youngest held work's grace ends; undefined when nothing holds the clock. */
  const holding = (): number | undefined => {
    const real = Date.now();
    let left: number | undefined;
    for (const since of held.values()) {
      const ms = since + graceMs - real;
      if (ms > 0 && (left === undefined || ms > left)) left = ms;
    }
    return left;
  };
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    hold: (work) => {
      held.set(work, Date.now());
      const done = () => release(work);
      work.then(done, done);
      return done;
    },
    sleepUntil: async (epochMs, signal) => {
      await macrotask();
      for (let left = holding(); left !== undefined && !signal?.aborted; left = holding()) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.push(wake);
          signal?.addEventListener('abort', wake, { once: true });
        });
        // The settled handler's result reaches the runner first and wins the race.
        await macrotask();
      }
      if (signal?.aborted) return;
      if (epochMs > now) now = epochMs;
    },
  };
}

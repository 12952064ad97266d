/** Time for runners: the real clock, or a fake one that makes Waits and backoffs instant in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves once `now()` has reached `epochMs`. */
  sleepUntil(epochMs: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleepUntil: (epochMs) =>
    new Promise((resolve) => {
      const delay = epochMs - Date.now();
      if (delay <= 0) resolve();
      else setTimeout(resolve, delay);
    }),
};

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

/**
 * A clock that only moves when asked. `sleepUntil` jumps to the target time after letting
 * pending callbacks run (one macrotask), so task handlers that settle promptly still win a race
 * against a timer, as they would with real time.
 */
export function fakeClock(startMs = Date.UTC(2024, 0, 1)): FakeClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleepUntil: async (epochMs) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (epochMs > now) now = epochMs;
    },
  };
}

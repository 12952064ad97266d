/**
 * Fairness for work that never waits on I/O (states and tasks that answer at once): it gives the
 * event loop a turn after `sliceMs` of continuous work, so other executions, requests, timers and
 * `/healthz` go on. Captures `setImmediate` at load, so a test's fake timers cannot hold it.
 */
const realSetImmediate = globalThis.setImmediate;

export const WORK_SLICE_MS = 10;

/**
 * A `Runtime.pause` (and the runner's own loop check): resolves at once until a slice is used up.
 * `due()` says whether the next call would wait, so a caller may skip a promise that would resolve at once.
 */
export interface EventLoopTurns {
  (): Promise<void>;
  due(): boolean;
}

export function eventLoopTurns(sliceMs = WORK_SLICE_MS): EventLoopTurns {
  let sliceStart = performance.now();
  const due = () => performance.now() - sliceStart >= sliceMs;
  const turns = () => {
    if (!due()) return Promise.resolve();
    return new Promise<void>((resolve) =>
      realSetImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
  return Object.assign(turns, { due });
}

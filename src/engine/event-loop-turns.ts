/**
 * Fairness for work that never waits on I/O (states and tasks that answer at once): it gives the
 * event loop a turn after `sliceMs` of continuous work, so other executions, requests, timers and
 * `/healthz` go on. Captures `setImmediate` at load, so a test's fake timers cannot hold it.
 */
const realSetImmediate = globalThis.setImmediate;

export const WORK_SLICE_MS = 10;

/** A `Runtime.pause` (and the runner's own loop check): resolves at once until a slice is used up. */
export function eventLoopTurns(sliceMs = WORK_SLICE_MS): () => Promise<void> {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return Promise.resolve();
    return new Promise<void>((resolve) =>
      realSetImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}

/**
 * The fake clock: time jumps to the next timer only while no task handler is busy (up to a grace
 * period of real time), and a timer that lost its race never moves it.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';

const T0 = Date.UTC(2024, 0, 1);
const FN = 'arn:aws:states:::lambda:invoke';
const task = (extra: Record<string, Json>): Json => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: FN, End: true, ...extra } },
});
const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('fakeClock', () => {
  it('a handler that answers in 5 ms beats a 60-second TimeoutSeconds, and the clock stays put', async () => {
    const clock = fakeClock(T0);
    const r = await execute(task({ TimeoutSeconds: 60 }), {}, { handlers: { [FN]: () => after(5, 'done') }, clock });
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: 'done' });
    expect(clock.now()).toBe(T0);
  });

  it('a handler that answers in 5 ms beats a heartbeat too', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      task({ TimeoutSeconds: 60, HeartbeatSeconds: 10 }),
      {},
      { handlers: { [FN]: () => after(5, 'done') }, clock },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(T0);
  });

  it('a handler busy past the grace period is timed out at TimeoutSeconds', async () => {
    const clock = fakeClock(T0, { handlerGraceMs: 20 });
    const started = Date.now();
    const r = await execute(
      task({ TimeoutSeconds: 60 }),
      {},
      { handlers: { [FN]: () => new Promise<Json>(() => {}) }, clock },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(clock.now()).toBe(T0 + 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('a slow handler in one branch holds a Wait in the other until it answers', async () => {
    const clock = fakeClock(T0);
    const seen: number[] = [];
    const r = await execute(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, End: true } } },
              { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN, TimeoutSeconds: 60, End: true } } },
            ],
          },
        },
      },
      {},
      { handlers: { [FN]: () => after(20, null).then(() => (seen.push(clock.now()), 'ok')) }, clock },
    );
    expect(r.status).toBe('SUCCEEDED');
    // The handler answered at t=0 (real 20 ms), not after the Wait had already jumped 30 s.
    expect(seen).toEqual([T0]);
    expect(clock.now()).toBe(T0 + 30_000);
  });

  it('a sleeper whose signal aborts does not move the clock', async () => {
    const clock = fakeClock(T0);
    const lost = new AbortController();
    const sleeping = clock.sleepUntil(T0 + 60_000, lost.signal);
    lost.abort();
    await sleeping;
    expect(clock.now()).toBe(T0);
    await clock.sleepUntil(T0 + 1_000);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it('a released hold no longer holds the clock', async () => {
    const clock = fakeClock(T0, { handlerGraceMs: 60_000 });
    const release = clock.hold?.(new Promise(() => {}));
    const sleeping = clock.sleepUntil(T0 + 5_000);
    await after(10, null);
    expect(clock.now()).toBe(T0);
    release?.();
    await sleeping;
    expect(clock.now()).toBe(T0 + 5_000);
  });
});

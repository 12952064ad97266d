/** The virtual clock and its time skipping, alone: a timer-row store and an engine stand-in. */
import { describe, expect, it } from 'vitest';
import { ClockBackwardsError, VirtualClock } from '../../src/engine/virtual-clock.js';
import { TimeSkipping } from '../../src/engine/time-skipping.js';
import { advanceTarget } from '../../src/api/clock-routes.js';
import type { TimerRecord } from '../../src/store/types.js';

const T0 = Date.UTC(2030, 0, 1);

describe('VirtualClock', () => {
  it('stands still, wakes sleeps once moved to their time, and never goes back', async () => {
    const moves: number[] = [];
    const clock = new VirtualClock(T0, (ms) => moves.push(ms));
    let woke = false;
    const sleeping = clock.sleepUntil(T0 + 1000).then(() => (woke = true));
    const aborted = new AbortController();
    const other = clock.sleepUntil(T0 + 5000, aborted.signal);
    expect(clock.nextSleep).toBe(T0 + 1000);
    clock.set(T0 + 999);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.set(T0 + 1000);
    await sleeping;
    expect(woke).toBe(true);
    aborted.abort();
    await other;
    expect(clock.nextSleep).toBeUndefined();
    expect(() => clock.set(T0)).toThrow(ClockBackwardsError);
    expect(clock.now()).toBe(T0 + 1000);
    expect(moves).toEqual([T0 + 999, T0 + 1000]);
  });
});

describe('TimeSkipping', () => {
  /** Timer rows that an engine stand-in fires (removes) when swept; a fired wait may set the next one. */
  function rig(timers: TimerRecord[], onFire: (t: TimerRecord, now: number) => TimerRecord[] = () => []) {
    const clock = new VirtualClock(T0);
    const rows = {
      dueTimers: async (now: number, limit: number) =>
        timers
          .filter((t) => t.fireAt <= now)
          .sort((a, b) => a.fireAt - b.fireAt)
          .slice(0, limit),
      nextTimerAt: async () => (timers.length ? Math.min(...timers.map((t) => t.fireAt)) : undefined),
    };
    const engine = {
      quiet: true,
      sweepTimers: async () => {
        const due = timers.filter((t) => t.fireAt <= clock.now());
        timers = timers.filter((t) => t.fireAt > clock.now());
        for (const t of due) timers.push(...onFire(t, clock.now()));
      },
    };
    return { clock, skipping: new TimeSkipping(clock, engine, rows, { settleMs: 200 }) };
  }

  it('fires each timer on the way at its own time, a timer set by a fired one included', async () => {
    const { clock, skipping } = rig([{ executionArn: 'e', timerId: 'w1', fireAt: T0 + 3600_000 }], (t, now) =>
      t.timerId === 'w1' ? [{ executionArn: 'e', timerId: 'w2', fireAt: now + 3600_000 }] : [],
    );
    const result = await skipping.advanceTo(T0 + 3 * 3600_000);
    expect(result.fired.map((f) => (f.kind === 'timer' ? [f.timerId, f.fireAt - T0] : []))).toEqual([
      ['w1', 3600_000],
      ['w2', 7200_000],
    ]);
    expect(clock.now()).toBe(T0 + 3 * 3600_000);
    await expect(skipping.advanceTo(T0)).rejects.toThrow(ClockBackwardsError);
  });

  it('runNextTimer moves to the next timer only, and does nothing when there is none', async () => {
    const { clock, skipping } = rig([
      { executionArn: 'e', timerId: 'a', fireAt: T0 + 10_000 },
      { executionArn: 'e', timerId: 'b', fireAt: T0 + 20_000 },
    ]);
    expect((await skipping.runNextTimer()).fired).toEqual([
      { kind: 'timer', executionArn: 'e', timerId: 'a', fireAt: T0 + 10_000 },
    ]);
    expect(clock.now()).toBe(T0 + 10_000);
    await skipping.runNextTimer();
    expect(await skipping.runNextTimer()).toEqual({ now: T0 + 20_000, fired: [] });
  });
});

describe('advanceTarget', () => {
  it('reads seconds, milliseconds or a time, and refuses the rest', () => {
    expect(advanceTarget('{"seconds": 1.5}', T0)).toBe(T0 + 1500);
    expect(advanceTarget({ milliseconds: 20 }, T0)).toBe(T0 + 20);
    expect(advanceTarget('{"to": "2030-01-02T00:00:00Z"}', T0)).toBe(T0 + 86_400_000);
    for (const bad of [
      '{"seconds": -1}',
      '{"seconds": 1, "to": "2031-01-01T00:00:00Z"}',
      '[]',
      '{"to": 5}',
      '{"seconds": 1e300}',
    ])
      expect(() => advanceTarget(bad, T0), bad).toThrow();
    expect(() => advanceTarget('{"to": "2029-01-01T00:00:00Z"}', T0)).toThrow(/cannot go back/);
  });
});

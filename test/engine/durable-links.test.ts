/**
 * History links (previousEventId) of a durable execution whose Map iterations wait across an engine
 * restart: each iteration's frame is stored with the event it last wrote, so after the restart its
 * events still follow its own, not whichever event the list holds last.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/vocabulary/history-events.js';
import { Rig, standingClock, startRequest, stateMachine } from './support.js';

const T0 = Date.UTC(2026, 0, 1);
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.dispose();
});

/** The iteration index of the MapIterationStarted that `event`'s chain goes back to. */
function iterationOf(events: readonly HistoryEvent[], event: HistoryEvent): number | undefined {
  const byId = new Map(events.map((e) => [e.id, e]));
  for (let e: HistoryEvent | undefined = event; e; e = byId.get(e.previousEventId)) {
    if (e.type === 'MapIterationStarted') return e.mapIterationStartedEventDetails?.index;
  }
  return undefined;
}

describe('history links of a durable execution', () => {
  it('Map iterations waiting across a restart keep their own chains', async () => {
    const clock = standingClock(T0);
    const r = new Rig();
    rigs.push(r);
    await r.open({ clock });
    const machine = stateMachine('map-waits', {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          End: true,
          ItemProcessor: {
            StartAt: 'W',
            States: {
              W: { Type: 'Wait', SecondsPath: '$.s', Next: 'P' },
              P: { Type: 'Pass', End: true },
            },
          },
        },
      },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'run', [{ s: 20 }, { s: 10 }]));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect((await r.history(started.executionArn)).map((e) => e.type)).toContain('WaitStateEntered');

    clock.set(T0 + 60_000);
    await r.restart({ clock });
    await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    const events = await r.history(started.executionArn);
    const entered = events.filter((e) => e.type === 'WaitStateEntered');
    const exited = events.filter((e) => e.type === 'WaitStateExited');
    expect(entered).toHaveLength(2);
    // Both iterations entered their Wait before the restart; each exit follows its own Entered.
    expect(Math.max(...entered.map((e) => e.id))).toBeLessThan(Math.min(...exited.map((e) => e.id)));
    for (const exit of exited) {
      const own = entered.find((e) => e.id === exit.previousEventId);
      expect(own?.stateEnteredEventDetails?.input).toBe(exit.stateExitedEventDetails?.output);
    }
    for (const done of events.filter((e) => e.type === 'MapIterationSucceeded')) {
      expect(iterationOf(events, done)).toBe(done.mapIterationSucceededEventDetails?.index);
    }
    const lastDone = events.filter((e) => e.type === 'MapIterationSucceeded').at(-1)?.id;
    expect(events.find((e) => e.type === 'MapStateExited')?.previousEventId).toBe(lastDone);
    expect(events.find((e) => e.type === 'ExecutionSucceeded')?.previousEventId).toBe(
      events.find((e) => e.type === 'MapStateExited')?.id,
    );
  });
});

/**
 * The in-memory runner with several things outstanding at once: tasks of Parallel branches and
 * Map iterations that settle together, and tasks racing timers under the fake clock.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';
import { INVOKE, T0 } from './support.js';

const taskBranch = (name: string): Json => ({
  StartAt: name,
  States: { [name]: { Type: 'Task', Resource: INVOKE, Parameters: { branch: name }, End: true } },
});

describe('the in-memory runner with concurrent work', () => {
  it('delivers every result when several tasks settle at the same time', async () => {
    const r = await execute(
      {
        StartAt: 'P',
        States: { P: { Type: 'Parallel', End: true, Branches: [taskBranch('A'), taskBranch('B'), taskBranch('C')] } },
      },
      {},
      { clock: fakeClock(), handlers: { [INVOKE]: (input) => input } },
    );
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: [{ branch: 'A' }, { branch: 'B' }, { branch: 'C' }] });
  });

  it('runs a Map of asynchronous handlers to the end, in item order', async () => {
    const r = await execute(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            MaxConcurrency: 2,
            End: true,
            ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: INVOKE, End: true } } },
          },
        },
      },
      [1, 2, 3, 4, 5],
      { clock: fakeClock(), handlers: { [INVOKE]: async (x) => (await Promise.resolve(), (x as number) * 10) } },
    );
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: [10, 20, 30, 40, 50] });
  });

  it('a prompt task does not lose a Wait running beside it, nor move the fake clock early', async () => {
    const clock = fakeClock(T0);
    const seen: number[] = [];
    const r = await execute(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            End: true,
            Branches: [{ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } }, taskBranch('T')],
          },
        },
      },
      {},
      { clock, handlers: { [INVOKE]: (x) => (seen.push(clock.now()), x) } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(seen).toEqual([T0]);
    expect(clock.now()).toBe(T0 + 10_000);
    const taskDone = r.history.find((e) => e.type === 'TaskSucceeded');
    expect(taskDone?.timestamp).toBe(T0);
  });

  it('a prompt task with a TimeoutSeconds finishes at the time it settled, not at its timeout', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: INVOKE, TimeoutSeconds: 300, Next: 'After' },
          After: { Type: 'Pass', End: true },
        },
      },
      {},
      { clock, handlers: { [INVOKE]: () => 'ok' } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(T0);
    expect(r.history.at(-1)?.timestamp).toBe(T0);
  });
});

/**
 * previousEventId as AWS links it: each event follows the one before it in its own thread (the
 * top level, a Parallel branch, a Map iteration), so concurrent iterations and branches keep
 * separate chains, and the links survive the execution state being stored and read back.
 */
import { describe, expect, it } from 'vitest';
import { execute, fakeClock, TaskFailure } from '../../src/index.js';
import type { HistoryEvent } from '../../src/vocabulary/history-events.js';
import { Driver, INVOKE, LAMBDA_ARN } from './support.js';

/** The events `event` follows, back to the first of its thread, oldest first (itself last). */
function chain(events: readonly HistoryEvent[], event: HistoryEvent): HistoryEvent[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const out: HistoryEvent[] = [];
  for (let e: HistoryEvent | undefined = event; e; e = byId.get(e.previousEventId)) out.unshift(e);
  return out;
}

const links = (events: readonly HistoryEvent[]) => events.map((e) => [e.id, e.previousEventId, e.type]);

describe('history links', () => {
  it('a one-state machine: the state follows event 0, as ExecutionStarted does', async () => {
    const r = await execute({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {});
    expect(links(r.history)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'ExecutionSucceeded'],
    ]);
  });

  it('a retried Task chains its attempts; a caught error goes on from the failed attempt', async () => {
    let calls = 0;
    const r = await execute(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: INVOKE,
            Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      {},
      {
        clock: fakeClock(),
        handlers: {
          [INVOKE]: () => {
            throw new TaskFailure(++calls === 1 ? 'Flaky' : 'Broken', 'no');
          },
        },
      },
    );
    expect(links(r.history)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskFailed'],
      [6, 5, 'TaskScheduled'],
      [7, 6, 'TaskStarted'],
      [8, 7, 'TaskFailed'],
      [9, 8, 'TaskStateExited'],
      [10, 9, 'PassStateEntered'],
      [11, 10, 'PassStateExited'],
      [12, 11, 'ExecutionSucceeded'],
    ]);
  });

  it('Parallel branches each follow ParallelStateStarted; the state goes on from the branch that ended last', async () => {
    const r = await execute(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
            ],
          },
        },
      },
      {},
    );
    expect(links(r.history)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 3, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'ParallelStateSucceeded'],
      [9, 7, 'ParallelStateExited'],
      [10, 9, 'ExecutionSucceeded'],
    ]);
  });

  it('an EvaluationFailed follows what its state’s Entered followed (a Wait’s: the Entered)', async () => {
    const pass = await execute(
      { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $nothing %}', End: true } } },
      {},
    );
    expect(links(pass.history)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 0, 'EvaluationFailed'],
      [4, 3, 'ExecutionFailed'],
    ]);
    const wait = await execute(
      { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% "no" %}', End: true } } },
      {},
    );
    expect(links(wait.history).slice(1, 3)).toEqual([
      [2, 0, 'WaitStateEntered'],
      [3, 2, 'EvaluationFailed'],
    ]);
  });

  it('an iteration stopped by another’s failure: its abort events follow its own; MapStateFailed follows the failure', async () => {
    const d = await Driver.start(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            End: true,
            ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
          },
        },
      },
      ['a', 'b'],
    );
    const [, b] = d.invocations();
    await d.send({ kind: 'taskFailed', taskId: b?.taskId as string, error: 'Broken', cause: 'b' });
    expect(d.state.status).toBe('FAILED');
    const byId = new Map(d.events.map((e) => [e.id, e]));
    const follows = (type: string) => {
      const event = d.events.find((e) => e.type === type) as HistoryEvent;
      return byId.get(event.previousEventId)?.type;
    };
    expect(follows('MapIterationFailed')).toBe('LambdaFunctionFailed');
    expect(follows('TaskStateAborted')).toBe('LambdaFunctionStarted');
    expect(follows('MapIterationAborted')).toBe('TaskStateAborted');
    expect(follows('MapStateFailed')).toBe('LambdaFunctionFailed');
    expect(follows('ExecutionFailed')).toBe('MapStateFailed');
    const aborted = d.events.find((e) => e.type === 'TaskStateAborted') as HistoryEvent;
    expect(
      chain(d.events, aborted).find((e) => e.type === 'MapIterationStarted')?.mapIterationStartedEventDetails?.index,
    ).toBe(0);
  });

  it('a frame stored before frames carried their last event goes on linking each event to the one before', async () => {
    const d = await Driver.start({
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, Next: 'P' }, P: { Type: 'Pass', End: true } },
    });
    const root = d.state.frames.root as unknown as Record<string, unknown>;
    delete root.lastEventId;
    delete root.enteredAfterEventId;
    await d.send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'ok' });
    expect(links(d.events).slice(4)).toEqual([
      [5, 4, 'LambdaFunctionSucceeded'],
      [6, 5, 'TaskStateExited'],
      [7, 6, 'PassStateEntered'],
      [8, 7, 'PassStateExited'],
      [9, 8, 'ExecutionSucceeded'],
    ]);
  });

  it('a redriven execution goes on from its ExecutionRedriven', async () => {
    const d = await Driver.start({
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true } },
    });
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'Broken', cause: 'once' });
    await d.send({ kind: 'redrive' });
    await d.send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'ok' });
    expect(links(d.events).slice(5)).toEqual([
      [6, 5, 'ExecutionFailed'],
      [7, 6, 'ExecutionRedriven'],
      [8, 7, 'TaskStateEntered'],
      [9, 8, 'LambdaFunctionScheduled'],
      [10, 9, 'LambdaFunctionStarted'],
      [11, 10, 'LambdaFunctionSucceeded'],
      [12, 11, 'TaskStateExited'],
      [13, 12, 'ExecutionSucceeded'],
    ]);
  });

  it('interleaved Map iterations keep their own chains, across a retry and a stored-and-reloaded state', async () => {
    const d = await Driver.start(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            MaxConcurrency: 2,
            End: true,
            ItemProcessor: {
              StartAt: 'Work',
              States: {
                Work: {
                  Type: 'Task',
                  Resource: LAMBDA_ARN,
                  Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 1 }],
                  End: true,
                },
              },
            },
          },
        },
      },
      ['a', 'b', 'c'],
    );
    // Between steps the state goes through JSON, as the durable engine stores it.
    const send = async (signal: Parameters<Driver['send']>[0]) => {
      d.state = JSON.parse(JSON.stringify(d.state)) as Driver['state'];
      await d.send(signal);
    };
    const [a, b] = d.invocations();
    await send({ kind: 'taskFailed', taskId: a?.taskId as string, error: 'Flaky', cause: 'once' });
    await send({ kind: 'taskSucceeded', taskId: b?.taskId as string, output: 'B' });
    await d.fire(d.timers()[0] as NonNullable<ReturnType<Driver['timers']>[0]>);
    const [, , c, aAgain] = d.invocations();
    await send({ kind: 'taskFailed', taskId: aAgain?.taskId as string, error: 'Flaky', cause: 'twice' });
    await send({ kind: 'taskSucceeded', taskId: c?.taskId as string, output: 'C' });
    await d.fire(d.timers()[1] as NonNullable<ReturnType<Driver['timers']>[0]>);
    await send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'A' });
    expect(d.state.status).toBe('SUCCEEDED');

    const events = d.events;
    // The events are interleaved in the list...
    const iterationOf = (e: HistoryEvent) => e.mapIterationStartedEventDetails?.index;
    expect(events.filter((e) => e.type === 'MapIterationStarted').map(iterationOf)).toEqual([0, 1, 2]);
    expect(
      events.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.mapIterationSucceededEventDetails?.index),
    ).toEqual([1, 2, 0]);
    // ...but each MapIterationSucceeded's chain is its own iteration's, back to its MapIterationStarted.
    for (const done of events.filter((e) => e.type === 'MapIterationSucceeded')) {
      const index = done.mapIterationSucceededEventDetails?.index;
      const own = chain(events, done);
      const started = own.find((e) => e.type === 'MapIterationStarted' && iterationOf(e) === index);
      expect(started).toBeDefined();
      const thread = own.slice(own.indexOf(started as HistoryEvent));
      const input = thread.find((e) => e.type === 'TaskStateEntered')?.stateEnteredEventDetails?.input;
      const output = thread.find((e) => e.type === 'TaskStateExited')?.stateExitedEventDetails?.output;
      expect([index, input, output]).toEqual([
        index,
        JSON.stringify(['a', 'b', 'c'][index as number]),
        JSON.stringify(['A', 'B', 'C'][index as number]),
      ]);
      expect(thread.filter((e) => e.type === 'LambdaFunctionFailed')).toHaveLength(index === 0 ? 2 : 0);
      expect(thread.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(index === 0 ? 3 : 1);
    }
    // Iteration 2 took the slot iteration 1 left: it follows iteration 1's last state event.
    const byId = new Map(events.map((e) => [e.id, e]));
    const third = events.find((e) => e.type === 'MapIterationStarted' && iterationOf(e) === 2) as HistoryEvent;
    const before = byId.get(third.previousEventId);
    expect([
      before?.type,
      chain(events, before as HistoryEvent).find((e) => e.type === 'MapIterationStarted')
        ?.mapIterationStartedEventDetails?.index,
    ]).toEqual(['TaskStateExited', 1]);
    // MapStateSucceeded and MapStateExited follow the last MapIterationSucceeded.
    const lastDone = events.filter((e) => e.type === 'MapIterationSucceeded').at(-1)?.id;
    expect(
      events.filter((e) => e.type === 'MapStateSucceeded' || e.type === 'MapStateExited').map((e) => e.previousEventId),
    ).toEqual([lastDone, lastDone]);
  });
});

/**
 * The history an execution writes: ids, links and timestamps, and the event sequences of
 * retried tasks, Parallel and Map states.
 */
import { describe, expect, it } from 'vitest';
import { execute, fakeClock, TaskFailure } from '../../src/index.js';
import { INVOKE, LAMBDA_ARN, T0, types } from './support.js';

describe('history events', () => {
  it('ids run from 1 without gaps; each event follows the one before in its thread, the first state event 0', async () => {
    const r = await execute(
      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'W' }, W: { Type: 'Wait', Seconds: 3, End: true } } },
      {},
      { clock: fakeClock(T0) },
    );
    expect(r.history.map((e) => e.id)).toEqual(r.history.map((_, i) => i + 1));
    // AWS: ExecutionStarted and the first state's Entered both follow event 0 (see links.ts).
    expect(r.history.map((e) => e.previousEventId)).toEqual([0, 0, 2, 3, 4, 5]);
  });

  it('timestamps come from the clock: events after a Wait carry the later time', async () => {
    const r = await execute(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3, End: true } } },
      {},
      { clock: fakeClock(T0) },
    );
    expect(r.history.map((e) => [e.type, e.timestamp - T0])).toEqual([
      ['ExecutionStarted', 0],
      ['WaitStateEntered', 0],
      ['WaitStateExited', 3_000],
      ['ExecutionSucceeded', 3_000],
    ]);
  });

  it('a retried task writes a new Scheduled/Started pair per attempt inside one TaskStateEntered', async () => {
    let calls = 0;
    const r = await execute(
      {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: INVOKE, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }], End: true },
        },
      },
      {},
      {
        clock: fakeClock(),
        handlers: {
          [INVOKE]: () => {
            if (++calls === 1) throw new TaskFailure('Flaky', 'first');
            return 'ok';
          },
        },
      },
    );
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(r.history.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'Flaky',
      cause: 'first',
    });
  });

  it('a Parallel state writes Entered, Started, the branches’ events, Succeeded, Exited', async () => {
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
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('an inline Map writes MapIterationStarted/Succeeded per item around the iteration’s states', async () => {
    const r = await execute(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            MaxConcurrency: 1,
            End: true,
            ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
          },
        },
      },
      ['a', 'b'],
      { clock: fakeClock(), handlers: { [LAMBDA_ARN]: (x) => x } },
    );
    const iteration = [
      'MapIterationStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'MapIterationSucceeded',
    ];
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      ...iteration,
      ...iteration,
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(r.output).toEqual(['a', 'b']);
  });

  it('ExecutionStarted records the input and ExecutionSucceeded the output, as JSON text', async () => {
    const r = await execute(
      { StartAt: 'P', States: { P: { Type: 'Pass', Result: { out: true }, End: true } } },
      { in: 1 },
    );
    expect(r.history[0]?.executionStartedEventDetails).toMatchObject({
      input: '{"in":1}',
      inputDetails: { truncated: false },
    });
    expect(r.history.at(-1)?.executionSucceededEventDetails).toEqual({
      output: '{"out":true}',
      outputDetails: { truncated: false },
    });
  });
});

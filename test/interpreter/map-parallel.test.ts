/**
 * Map and Parallel: concurrency, result order, item selection, and how a failing child fails the
 * state and stops its siblings.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock, TaskFailure } from '../../src/index.js';
import { Driver, eventsOf, INVOKE, LAMBDA_ARN, types } from './support.js';

const taskProcessor = { StartAt: 'T', States: { T: { Type: 'Task', Resource: INVOKE, End: true } } };

function mapOf(fields: Record<string, Json>, processor: Json = taskProcessor): Json {
  return { StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: processor, ...fields } } };
}

describe('Map', () => {
  it('MaxConcurrency limits how many iterations are in flight', async () => {
    const d = await Driver.start(mapOf({ MaxConcurrency: 2 }), [1, 2, 3, 4, 5]);
    expect(d.invocations().map((c) => c.parameters)).toEqual([1, 2]);
    await d.send({ kind: 'taskSucceeded', taskId: d.invocations()[0]?.taskId as string, output: 'r1' });
    // One finished: exactly one more starts.
    expect(d.last.commands.filter((c) => c.kind === 'invokeTask')).toMatchObject([{ parameters: 3 }]);
  });

  it('MaxConcurrency 0 (the default) starts every iteration at once', async () => {
    const d = await Driver.start(mapOf({}), [1, 2, 3, 4, 5]);
    expect(d.invocations()).toHaveLength(5);
  });

  it('results keep item order whatever order the iterations finish in', async () => {
    const d = await Driver.start(mapOf({}), ['a', 'b', 'c']);
    const [a, b, c] = d.invocations();
    await d.send({ kind: 'taskSucceeded', taskId: c?.taskId as string, output: 'C' });
    await d.send({ kind: 'taskSucceeded', taskId: a?.taskId as string, output: 'A' });
    await d.send({ kind: 'taskSucceeded', taskId: b?.taskId as string, output: 'B' });
    expect(d.state).toMatchObject({ status: 'SUCCEEDED', output: ['A', 'B', 'C'] });
  });

  it('ItemSelector builds each iteration’s input with $$.Map.Item.Index and $$.Map.Item.Value', async () => {
    const r = await execute(
      mapOf(
        {
          ItemsPath: '$.items',
          ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'shared.$': '$.shared' },
        },
        { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ),
      { items: ['x', 'y'], shared: 's' },
    );
    expect(r.output).toEqual([
      { index: 0, value: 'x', shared: 's' },
      { index: 1, value: 'y', shared: 's' },
    ]);
  });

  it('JSONata ItemSelector reads $states.context.Map.Item', async () => {
    const r = await execute(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            End: true,
            Items: '{% $states.input.items %}',
            ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}' },
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          },
        },
      },
      { items: [10, 20] },
    );
    expect(r.output).toEqual([
      { i: 0, v: 10 },
      { i: 1, v: 20 },
    ]);
  });

  it('an empty item list succeeds at once with an empty array', async () => {
    const r = await execute(mapOf({}), []);
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: [] });
  });

  it('one failing iteration fails the Map with that iteration’s error and aborts the running ones', async () => {
    const d = await Driver.start(mapOf({}), [1, 2, 3]);
    const [first, second, third] = d.invocations();
    await d.send({ kind: 'taskSucceeded', taskId: first?.taskId as string, output: 'ok' });
    await d.send({ kind: 'taskFailed', taskId: second?.taskId as string, error: 'Item.Error', cause: 'bad item' });
    expect(d.state).toMatchObject({ status: 'FAILED', error: 'Item.Error', cause: 'bad item' });
    expect(types(d.last.events)).toEqual([
      'TaskFailed',
      'MapIterationFailed',
      'TaskStateAborted',
      'MapIterationAborted',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
    expect(eventsOf(d.last.events, 'MapIterationFailed')[0]?.mapIterationFailedEventDetails).toEqual({
      name: 'M',
      index: 1,
    });
    expect(eventsOf(d.last.events, 'MapIterationAborted')[0]?.mapIterationAbortedEventDetails).toEqual({
      name: 'M',
      index: 2,
    });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTask', taskId: third?.taskId });
  });

  it('a failed Map can be caught, its error output carrying the iteration’s error', async () => {
    const r = await execute(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: taskProcessor,
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught', ResultPath: '$.err' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      { items: [1] },
      {
        clock: fakeClock(),
        handlers: {
          [INVOKE]: () => {
            throw new TaskFailure('Item.Error', 'bad');
          },
        },
      },
    );
    expect(r).toMatchObject({
      status: 'SUCCEEDED',
      output: { items: [1], err: { Error: 'Item.Error', Cause: 'bad' } },
    });
  });

  it('a Map whose items are not an array fails with States.Runtime, which States.ALL does not catch', async () => {
    const r = await execute(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: taskProcessor,
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      { items: [] },
      { clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('iteration successes and failures are recorded per index for an inline Map', async () => {
    const r = await execute(mapOf({}), [1, 2], { clock: fakeClock(), handlers: { [INVOKE]: (x) => x } });
    expect(eventsOf(r.history, 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails)).toEqual([
      { name: 'M', index: 0 },
      { name: 'M', index: 1 },
    ]);
    expect(eventsOf(r.history, 'MapIterationSucceeded')).toHaveLength(2);
    expect(eventsOf(r.history, 'MapStateStarted')[0]?.mapStateStartedEventDetails).toEqual({ length: 2 });
  });
});

describe('distributed Map failure tolerance', () => {
  function distributed(fields: Record<string, Json>): Json {
    return mapOf(fields, { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...taskProcessor });
  }
  const failOdd = (x: Json) => {
    if (typeof x === 'number' && x % 2 === 1) throw new TaskFailure('Odd', `item ${x}`);
    return x;
  };

  it('without a tolerance, one failed item fails the Map with States.ExceedToleratedFailureThreshold', async () => {
    const r = await execute(distributed({}), [2, 3, 4], { clock: fakeClock(), handlers: { [INVOKE]: failOdd } });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    expect(types(r.history)).toContain('MapRunFailed');
  });

  it('ToleratedFailureCount lets that many failures through', async () => {
    const r = await execute(distributed({ ToleratedFailureCount: 2 }), [1, 2, 3, 4], {
      clock: fakeClock(),
      handlers: { [INVOKE]: failOdd },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(types(r.history)).toContain('MapRunSucceeded');
  });

  it('one failure more than ToleratedFailureCount fails the Map with States.ExceedToleratedFailureThreshold', async () => {
    const r = await execute(distributed({ ToleratedFailureCount: 1 }), [1, 2, 3, 4], {
      clock: fakeClock(),
      handlers: { [INVOKE]: failOdd },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  it('ToleratedFailurePercentage lets failures through up to that share of the items', async () => {
    const ok = await execute(distributed({ ToleratedFailurePercentage: 50 }), [1, 2, 3, 4], {
      clock: fakeClock(),
      handlers: { [INVOKE]: failOdd },
    });
    expect(ok.status).toBe('SUCCEEDED');
    const over = await execute(distributed({ ToleratedFailurePercentage: 49 }), [1, 2, 3, 4], {
      clock: fakeClock(),
      handlers: { [INVOKE]: failOdd },
    });
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  it('a distributed Map writes no per-iteration events in the parent history', async () => {
    const r = await execute(distributed({}), [2, 4], { clock: fakeClock(), handlers: { [INVOKE]: (x) => x } });
    expect(r.output).toEqual([2, 4]);
    expect(types(r.history).filter((t) => t.startsWith('MapIteration') || t.startsWith('Task'))).toEqual([]);
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('Parallel', () => {
  function parallel(branches: Json[], fields: Record<string, Json> = {}): Json {
    return { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: branches, ...fields } } };
  }
  const taskBranch = (name: string): Json => ({
    StartAt: name,
    States: { [name]: { Type: 'Task', Resource: INVOKE, Parameters: { branch: name }, End: true } },
  });

  it('outputs the branch results in branch order, whatever order they finish in', async () => {
    const d = await Driver.start(parallel([taskBranch('A'), taskBranch('B'), taskBranch('C')]));
    const [a, b, c] = d.invocations();
    await d.send({ kind: 'taskSucceeded', taskId: b?.taskId as string, output: 'B' });
    await d.send({ kind: 'taskSucceeded', taskId: c?.taskId as string, output: 'C' });
    expect(d.state.status).toBe('RUNNING');
    await d.send({ kind: 'taskSucceeded', taskId: a?.taskId as string, output: 'A' });
    expect(d.state).toMatchObject({ status: 'SUCCEEDED', output: ['A', 'B', 'C'] });
  });

  it('every branch receives the Parallel state’s effective input', async () => {
    const r = await execute(
      parallel(
        [
          { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Result: 'b', ResultPath: '$.b', End: true } } },
        ],
        { InputPath: '$.in' },
      ),
      { in: { v: 1 } },
    );
    expect(r.output).toEqual([{ v: 1 }, { v: 1, b: 'b' }]);
  });

  it('one failing branch fails the state with its error and cancels the other branches’ tasks', async () => {
    const d = await Driver.start(parallel([taskBranch('A'), taskBranch('B'), taskBranch('C')]));
    const [a, b, c] = d.invocations();
    await d.send({ kind: 'taskFailed', taskId: b?.taskId as string, error: 'Branch.Error', cause: 'b broke' });
    expect(d.state).toMatchObject({ status: 'FAILED', error: 'Branch.Error', cause: 'b broke' });
    const cancelled = d.last.commands
      .filter((x) => x.kind === 'cancelTask')
      .map((x) => (x as { taskId: string }).taskId);
    expect(cancelled.sort()).toEqual([a?.taskId, c?.taskId].sort());
    expect(types(d.last.events)).toEqual([
      'TaskFailed',
      'TaskStateAborted',
      'TaskStateAborted',
      'ParallelStateFailed',
      'ExecutionFailed',
    ]);
  });

  it('a failing branch can be caught on the Parallel state', async () => {
    const r = await execute(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Next: 'Done',
            Catch: [{ ErrorEquals: ['Branch.Failed'], Next: 'Caught' }],
            Branches: [
              { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
              { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Branch.Failed', Cause: 'why' } } },
            ],
          },
          Caught: { Type: 'Pass', End: true },
          Done: { Type: 'Succeed' },
        },
      },
      {},
      { clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Branch.Failed', Cause: 'why' } });
    expect(types(r.history)).toContain('WaitStateAborted');
  });

  it('a Parallel state can be retried as a whole', async () => {
    let calls = 0;
    const r = await execute(
      parallel([taskBranch('A')], { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }] }),
      {},
      {
        clock: fakeClock(),
        handlers: {
          [INVOKE]: () => {
            if (++calls === 1) throw new TaskFailure('Once');
            return 'ok';
          },
        },
      },
    );
    expect(calls).toBe(2);
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: ['ok'] });
  });

  it('a Task inside a Parallel branch uses a legacy Lambda ARN as usual', async () => {
    const r = await execute(
      parallel([{ StartAt: 'L', States: { L: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } }]),
      { x: 1 },
      { clock: fakeClock(), handlers: { [LAMBDA_ARN]: (x) => x } },
    );
    expect(r.output).toEqual([{ x: 1 }]);
    expect(types(r.history)).toContain('LambdaFunctionSucceeded');
  });
});

/**
 * Workflow variables: when an Assign takes effect and which scopes can see it.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';
import { firstEvent, LAMBDA_ARN } from './support.js';

async function run(definition: Json, input: Json = {}) {
  return execute(definition, input, { clock: fakeClock(), handlers: { [LAMBDA_ARN]: (x) => x } });
}

describe('when an Assign takes effect', () => {
  it('a variable assigned by a state is visible in the next state (JSONPath)', async () => {
    const r = await run({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'x.$': '$x' }, End: true },
      },
    });
    expect(r.output).toEqual({ x: 1 });
  });

  it('within the assigning state, references read the value from before the state (JSONPath Assign)', async () => {
    const r = await run({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2, 'old.$': '$x' }, Next: 'C' },
        C: { Type: 'Pass', Parameters: { 'x.$': '$x', 'old.$': '$old' }, End: true },
      },
    });
    expect(r.output).toEqual({ x: 2, old: 1 });
  });

  it('within the assigning state, Output reads the value from before the state (JSONata)', async () => {
    const r = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2 }, Output: { seen: '{% $x %}' }, Next: 'C' },
        C: { Type: 'Pass', Output: { seen: '{% $states.input.seen %}', now: '{% $x %}' }, End: true },
      },
    });
    expect(r.output).toEqual({ seen: 1, now: 2 });
  });

  it('a Task’s JSONata Assign reads the result at $states.result', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: LAMBDA_ARN,
            Arguments: { v: 5 },
            Assign: { got: '{% $states.result.v %}' },
            Next: 'P',
          },
          P: { Type: 'Pass', Output: '{% $got %}', End: true },
        },
      },
      {},
    );
    expect(r.output).toBe(5);
  });

  it('the Exited event lists the assigned variables as JSON text', async () => {
    const r = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: { a: 1 }, s: 'v' }, End: true } } });
    expect(firstEvent(r.history, 'PassStateExited').stateExitedEventDetails).toMatchObject({
      assignedVariables: { x: '{"a":1}', s: '"v"' },
      assignedVariablesDetails: { truncated: false },
    });
  });
});

describe('variable scopes', () => {
  it('a Parallel branch reads variables of the enclosing scope', async () => {
    const r = await run({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { outer: 'o' }, Next: 'P' },
        P: {
          Type: 'Parallel',
          End: true,
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Parameters: { 'v.$': '$outer' }, End: true } } }],
        },
      },
    });
    expect(r.output).toEqual([{ v: 'o' }]);
  });

  it('a Parallel branch’s own assignments do not leak to the enclosing scope', async () => {
    const r = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Next: 'After',
          Branches: [
            {
              StartAt: 'B1',
              States: {
                B1: { Type: 'Pass', Assign: { inner: 'i' }, Next: 'B2' },
                B2: { Type: 'Pass', Output: '{% $inner %}', End: true },
              },
            },
          ],
        },
        After: { Type: 'Pass', Output: { branch: '{% $states.input %}', leaked: '{% $exists($inner) %}' }, End: true },
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ branch: ['i'], leaked: false });
  });

  it('sibling branches do not see each other’s variables', async () => {
    const r = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'A',
              States: {
                A: { Type: 'Pass', Assign: { mine: 'a' }, Next: 'A2' },
                A2: { Type: 'Pass', Output: '{% $exists($mine) %}', End: true },
              },
            },
            {
              StartAt: 'B',
              States: {
                B: { Type: 'Wait', Seconds: 1, Next: 'B2' },
                B2: { Type: 'Pass', Output: '{% $exists($mine) %}', End: true },
              },
            },
          ],
        },
      },
    });
    expect(r.output).toEqual([true, false]);
  });

  it('a Map iteration reads outer variables, and its assignments stay in the iteration', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { factor: 10 }, Next: 'M' },
          M: {
            Type: 'Map',
            Next: 'After',
            ItemProcessor: {
              StartAt: 'I1',
              States: {
                I1: { Type: 'Pass', Assign: { scaled: '{% $states.input * $factor %}' }, Next: 'I2' },
                I2: { Type: 'Pass', Output: '{% $scaled %}', End: true },
              },
            },
          },
          After: {
            Type: 'Pass',
            Output: { results: '{% $states.input %}', leaked: '{% $exists($scaled) %}' },
            End: true,
          },
        },
      },
      [1, 2, 3],
    );
    expect(r.output).toEqual({ results: [10, 20, 30], leaked: false });
  });

  /** Assigns $outer, then maps [1, 2] to whether each iteration sees it. */
  const mapSeeingOuter = (processorConfig: Json | undefined) =>
    run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { outer: 'o' }, Next: 'M' },
          M: {
            Type: 'Map',
            End: true,
            ItemProcessor: {
              ...(processorConfig !== undefined ? { ProcessorConfig: processorConfig } : {}),
              StartAt: 'I',
              States: { I: { Type: 'Pass', Output: '{% $exists($outer) %}', End: true } },
            },
          },
        },
      },
      [1, 2],
    );

  it('a distributed Map’s iterations do not see outer variables', async () => {
    const r = await mapSeeingOuter({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(r.output).toEqual([false, false]);
  });

  it('an inline Map’s iterations do see outer variables', async () => {
    const r = await mapSeeingOuter(undefined);
    expect(r.output).toEqual([true, true]);
  });

  it('a Map state’s own Assign can pass iteration results to the outer scope', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            Assign: { total: '{% $sum($states.result) %}' },
            Next: 'After',
            ItemProcessor: {
              StartAt: 'I',
              States: { I: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } },
            },
          },
          After: { Type: 'Pass', Output: '{% $total %}', End: true },
        },
      },
      [1, 2, 3],
    );
    expect(r.output).toBe(12);
  });
});

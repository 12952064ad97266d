/** Definitions the graph tests and the layout benchmark share. */
import type { JsonObject } from '../../src/json.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';

/**
 * A state machine of exactly `count` states (counting those inside branches and processors): a chain
 * of Tasks with Retry, a Choice every tenth state, a Parallel (two branches) or a Map every
 * twenty-fifth, and one Fail handler. `catches: 'every'` makes every Task and Parallel/Map catch into
 * that one handler (the worst case for a layered layout); `'some'`, every tenth.
 */
export function largeMachine(count: number, catches: 'every' | 'some' = 'every'): JsonObject {
  const names: string[] = [];
  const nested = (index: number) => ((index + 1) % 25 === 0 ? 2 : 0);
  let total = 2; // Failed and Done
  for (let index = 0; total + 1 + nested(index) <= count; index++) {
    names.push(`Step ${index} process the order item`);
    total += 1 + nested(index);
  }
  const states: JsonObject = {};
  names.forEach((name, index) => {
    const next = names[index + 1] ?? 'Done';
    const catcher: JsonObject =
      catches === 'every' || index % 10 === 3
        ? { Catch: [{ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], Next: 'Failed' }] }
        : {};
    if (nested(index) > 0 && index % 2 === 0) {
      states[name] = {
        Type: 'Parallel',
        Branches: [0, 1].map((b) => ({
          StartAt: `${name} b${b} work`,
          States: { [`${name} b${b} work`]: { Type: 'Task', Resource: LAMBDA, End: true } },
        })),
        Next: next,
        ...catcher,
      };
    } else if (nested(index) > 0) {
      states[name] = {
        Type: 'Map',
        ItemProcessor: {
          StartAt: `${name} item`,
          States: {
            [`${name} item`]: { Type: 'Task', Resource: LAMBDA, Next: `${name} item done` },
            [`${name} item done`]: { Type: 'Pass', End: true },
          },
        },
        Next: next,
        ...catcher,
      };
    } else if ((index + 1) % 10 === 0) {
      states[name] = {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: index, Next: next }],
        Default: names[index + 2] ?? 'Done',
      };
    } else {
      states[name] = {
        Type: 'Task',
        Resource: LAMBDA,
        Next: next,
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        ...catcher,
      };
    }
  });
  states.Failed = { Type: 'Fail', Error: 'Failed' };
  states.Done = { Type: 'Succeed' };
  return { StartAt: names[0] as string, States: states };
}

/** Parallel, Map (with a Parallel inside), Choice with rules and a Default, Catch. */
export const showcase: JsonObject = {
  Comment: 'Parallel, Map, Choice and Catch',
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.n', NumericGreaterThan: 3, Next: 'Fan' },
        { And: [{ Variable: '$.s', StringEquals: 'x' }, { Not: { Variable: '$.t', IsPresent: true } }], Next: 'Each' },
      ],
      Default: 'Done',
    },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 1, Next: 'C' }, C: { Type: 'Succeed' } } },
      ],
      Next: 'Done',
      Catch: [{ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], Next: 'Oops' }],
    },
    Each: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Work',
        States: {
          Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Inner' },
          Inner: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'Deep', States: { Deep: { Type: 'Pass', End: true } } }],
            End: true,
          },
        },
      },
      Next: 'Done',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
    },
    Oops: { Type: 'Fail', Error: 'Broken', Cause: 'a branch failed' },
    Done: { Type: 'Succeed' },
  },
};

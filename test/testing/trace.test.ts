/** The trace read from history: Parallel branches and Map iterations kept apart, and coverage of them. */
import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/testing/coverage.js';
import { runWorkflow, type Json } from '../../src/testing/index.js';

const fanOut = {
  StartAt: 'Split',
  States: {
    Split: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'l', End: true } } },
        {
          StartAt: 'Right',
          States: {
            Right: {
              Type: 'Task',
              Resource: 'arn:aws:lambda:us-east-1:123456789012:function:right',
              Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 30, MaxAttempts: 3 }],
              End: true,
            },
          },
        },
      ],
      ResultSelector: { 'items.$': '$[1].items' },
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'n.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        StartAt: 'Sort',
        States: {
          Sort: {
            Type: 'Choice',
            Choices: [
              { Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' },
              { Variable: '$.n', NumericEquals: 0, Next: 'Zero' },
            ],
            Default: 'Small',
          },
          Big: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true },
          Small: { Type: 'Pass', End: true },
          Zero: { Type: 'Succeed' },
        },
      },
      End: true,
    },
  },
};

describe('traceExecution', () => {
  it('follows Parallel branches and Map iterations through interleaved events', async () => {
    const run = await runWorkflow(fanOut, {
      type: 'EXPRESS',
      mocks: {
        Right: [{ throw: { error: 'Flaky' } }, { return: { items: [1, 5, 7] } }],
        Big: { return: { MessageId: 'm' } },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['Split', 'Each']);
    expect(run.state('Right')).toMatchObject({ entered: 1, attempts: 2 });
    expect(run.state('Right').visits[0]?.retries).toEqual([0]);
    expect(run.state('Right').visits[0]?.parent?.name).toBe('Split');
    const sorts = run.state('Sort').visits;
    expect(sorts.map((v) => [v.iteration, v.input, v.next])).toEqual([
      [0, { n: 1 }, 'Small'],
      [1, { n: 5 }, 'Big'],
      [2, { n: 7 }, 'Big'],
    ]);
    expect(run.callsTo('arn:aws:states:::sqs:sendMessage').map((c) => c.parameters)).toEqual([{ n: 5 }, { n: 7 }]);
    // An hour of backoff per retry would show in the fake clock, never in real time.
    expect(run.history.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('counts coverage of branches, Map processors, Choice rules and Defaults', async () => {
    const run = await runWorkflow(fanOut, {
      mocks: { Right: { return: { items: [0, 1] } }, Big: { return: {} } },
    });
    const coverage = computeCoverage('fan-out', fanOut as unknown as Json, [run]);
    const hit = (label: string) => coverage.items.find((i) => i.label === label)?.hits;
    expect(hit('Split branch #0')).toBe(1);
    expect(hit('Split branch #1')).toBe(1);
    expect(hit('Each item processor')).toBe(2);
    expect(hit('Sort rule #0 ($.n > 1) → Big')).toBe(0);
    expect(hit('Sort rule #1 ($.n == 0) → Zero')).toBe(1);
    expect(hit('Sort Default → Small')).toBe(1);
    expect(hit('Right Retry #0 [Flaky]')).toBe(0);
    expect(hit('Task Big')).toBe(0);
    expect(coverage.byKind.choice).toEqual({ covered: 1, total: 2, percent: 50 });
    expect(coverage).toMatchObject({ covered: 12, total: 15, percent: 80 });
  });

  it('tells apart Choice rules that lead to the same state by evaluating them again', async () => {
    const definition = {
      StartAt: 'Size',
      States: {
        Size: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' },
            { Variable: '$.n', NumericEquals: 5, Next: 'Big' },
          ],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Small: { Type: 'Succeed' },
      },
    };
    const run = await runWorkflow(definition, { input: { n: 5 } });
    const coverage = computeCoverage('sizes', definition as unknown as Json, [run]);
    expect(coverage.items.filter((i) => i.kind !== 'state').map((i) => [i.label, i.hits])).toEqual([
      ['Size rule #0 ($.n > 10) → Big', 0],
      ['Size rule #1 ($.n == 5) → Big', 1],
      ['Size Default → Small', 0],
    ]);
  });
});

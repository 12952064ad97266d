import { describe, expect, it } from 'vitest';
import { buildGraph, choiceRuleText, nodeIdFor, type StateGraph } from '../../src/asl/graph.js';
import type { Json } from '../../src/json.js';
import { showcase } from './machines.js';

const edge = (graph: StateGraph, source: string, target: string) =>
  graph.edges.filter((e) => e.source === source && e.target === target);
const node = (graph: StateGraph, id: string) => graph.nodes.find((n) => n.id === id);

describe('graph model', () => {
  const graph = buildGraph(showcase);

  it('a start marker leads to StartAt and every terminal state leads to the end marker', () => {
    expect(node(graph, 'start')).toMatchObject({ kind: 'Start', name: 'Start' });
    expect(node(graph, 'end')).toMatchObject({ kind: 'End', name: 'End' });
    expect(edge(graph, 'start', 'Check')).toMatchObject([{ kind: 'start' }]);
    expect(edge(graph, 'Oops', 'end')).toMatchObject([{ kind: 'end' }]);
    expect(edge(graph, 'Done', 'end')).toMatchObject([{ kind: 'end' }]);
    expect(node(graph, 'Done')?.end).toBe(true);
  });

  it('Choice rules become labelled choice edges and the Default edge is labelled Default', () => {
    expect(edge(graph, 'Check', 'Fan')).toMatchObject([{ kind: 'choice', label: '$.n > 3' }]);
    expect(edge(graph, 'Check', 'Each')).toMatchObject([
      { kind: 'choice', label: 'And($.s == "x", Not($.t is present))' },
    ]);
    expect(edge(graph, 'Check', 'Done')).toMatchObject([{ kind: 'default', label: 'Default' }]);
  });

  it('Catch edges are labelled with the error names joined by commas', () => {
    expect(edge(graph, 'Fan', 'Oops')).toMatchObject([{ kind: 'catch', label: 'States.TaskFailed, States.Timeout' }]);
    expect(edge(graph, 'Each', 'Oops')).toMatchObject([{ kind: 'catch', label: 'States.ALL' }]);
  });

  it('Parallel branches are groups inside the Parallel node, each with its own markers', () => {
    expect(node(graph, 'Fan/branch/1')).toMatchObject({
      kind: 'Parallel',
      parentId: 'Fan',
      group: { kind: 'branch', index: 1 },
    });
    expect(node(graph, 'Fan/branch/1/B')).toMatchObject({ name: 'B', kind: 'Wait', parentId: 'Fan/branch/1' });
    expect(edge(graph, 'Fan/branch/1/start', 'Fan/branch/1/B')).toMatchObject([{ kind: 'start' }]);
    expect(edge(graph, 'Fan/branch/1/C', 'Fan/branch/1/end')).toMatchObject([{ kind: 'end' }]);
    expect(edge(graph, 'Fan', 'Done')).toMatchObject([{ kind: 'next' }]);
  });

  it('a Parallel nested in a Map processor nests its groups one level deeper', () => {
    expect(node(graph, 'Each/processor')).toMatchObject({
      kind: 'Map',
      parentId: 'Each',
      group: { kind: 'processor' },
    });
    expect(node(graph, 'Each/processor/Work')).toMatchObject({
      kind: 'Task',
      resource: 'arn:aws:states:::lambda:invoke',
    });
    expect(node(graph, 'Each/processor/Inner/branch/0/Deep')).toMatchObject({
      parentId: 'Each/processor/Inner/branch/0',
    });
    expect(node(graph, 'Each/processor/Inner/branch/0')).toMatchObject({ parentId: 'Each/processor/Inner' });
  });

  it('lists containers before the nodes inside them', () => {
    const seen = new Set<string>();
    for (const n of graph.nodes) {
      if (n.parentId !== undefined) expect(seen.has(n.parentId)).toBe(true);
      seen.add(n.id);
    }
  });

  it('nodeIdFor finds a history event state by name inside its enclosing Map or Parallel', () => {
    expect(nodeIdFor(graph, 'Check')).toBe('Check');
    expect(nodeIdFor(graph, 'B', 'Fan')).toBe('Fan/branch/1/B');
    expect(nodeIdFor(graph, 'Deep', 'Each/processor/Inner')).toBe('Each/processor/Inner/branch/0/Deep');
    expect(nodeIdFor(graph, 'Nope')).toBeUndefined();
  });

  it('nodeIdFor tells same-named states in different scopes apart', () => {
    const twins = buildGraph({
      StartAt: 'Work',
      States: {
        Work: { Type: 'Pass', Next: 'Each' },
        Each: { Type: 'Map', Iterator: { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } }, End: true },
      },
    });
    expect(nodeIdFor(twins, 'Work')).toBe('Work');
    expect(nodeIdFor(twins, 'Work', 'Each')).toBe('Each/processor/Work');
  });

  it('a state named like a marker keeps its name as id and the marker moves aside', () => {
    const odd = buildGraph({
      StartAt: 'start',
      States: { start: { Type: 'Pass', Next: 'end' }, end: { Type: 'Succeed' } },
    });
    expect(node(odd, 'start')).toMatchObject({ kind: 'Pass' });
    expect(node(odd, 'start~2')).toMatchObject({ kind: 'Start' });
    expect(edge(odd, 'start~2', 'start')).toHaveLength(1);
    expect(edge(odd, 'end', 'end~2')).toMatchObject([{ kind: 'end' }]);
  });

  it('never throws on odd input', () => {
    const odds: Json[] = [
      null,
      3,
      'x',
      [],
      {},
      { StartAt: 'A', States: { A: 5 } },
      { States: { A: { Type: 'Parallel' } } },
    ];
    for (const odd of odds) {
      expect(() => buildGraph(odd)).not.toThrow();
    }
  });
});

describe('Choice rule text', () => {
  it.each<[Json, string]>([
    [{ Variable: '$.n', NumericLessThanEquals: 3 }, '$.n <= 3'],
    [{ Variable: '$.a', StringEqualsPath: '$.b' }, '$.a == $.b'],
    [{ Variable: '$.t', TimestampGreaterThan: '2024-01-01T00:00:00Z' }, '$.t > "2024-01-01T00:00:00Z"'],
    [{ Variable: '$.f', BooleanEquals: false }, '$.f == false'],
    [{ Variable: '$.x', IsNull: false }, '$.x is not null'],
    [{ Variable: '$.x', IsPresent: false }, '$.x is absent'],
    [{ Variable: '$.s', StringMatches: 'log-*' }, '$.s matches "log-*"'],
    [
      {
        Or: [
          { Variable: '$.a', NumericEquals: 1 },
          { Variable: '$.b', IsString: true },
        ],
      },
      'Or($.a == 1, $.b is a string)',
    ],
    [{ Condition: '{% $states.input.n > 3 %}' }, '$states.input.n > 3'],
  ])('%j reads as %s', (rule, text) => {
    expect(choiceRuleText(rule)).toBe(text);
  });

  it('a long rule is cut with an ellipsis and kept whole in fullLabel', () => {
    const long = {
      And: Array.from({ length: 6 }, (_, i) => ({ Variable: `$.field${i}`, StringEquals: 'some value' })),
    };
    const graph = buildGraph({
      StartAt: 'C',
      States: { C: { Type: 'Choice', Choices: [{ ...long, Next: 'D' }], Default: 'D' }, D: { Type: 'Succeed' } },
    });
    const [choice] = graph.edges.filter((e) => e.kind === 'choice');
    expect(choice?.label?.endsWith('…')).toBe(true);
    expect(choice?.fullLabel).toBe(choiceRuleText(long));
  });
});

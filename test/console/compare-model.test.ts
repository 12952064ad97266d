import { describe, expect, it } from 'vitest';
import { parseRunFromComment, runFromComment } from '../../src/asl/graph/run-from.js';
import { alignPaths, jsonDiff } from '../../console/src/compare-model.js';

const step = (name: string, output?: unknown) => ({
  name,
  ...(output !== undefined ? { output: JSON.stringify(output) } : {}),
});

describe('aligning two executions’ paths', () => {
  it('pairs the states both entered, in order, and puts the others on one side', () => {
    const rows = alignPaths(
      [step('A', 1), step('Check', 1), step('Small', 's'), step('End', 1)],
      [step('A', 1), step('Check', 2), step('Big', 'b'), step('End', 1)],
    );
    expect(rows.map((r) => [r.a?.name ?? null, r.b?.name ?? null, r.outputsDiffer])).toEqual([
      ['A', 'A', false],
      ['Check', 'Check', true],
      ['Small', null, false],
      [null, 'Big', false],
      ['End', 'End', false],
    ]);
  });

  it('keeps a loop’s repeated entries apart', () => {
    const rows = alignPaths([step('L'), step('L'), step('L')], [step('L')]);
    expect(rows.map((r) => [r.a?.name ?? null, r.b?.name ?? null])).toEqual([
      ['L', 'L'],
      ['L', null],
      ['L', null],
    ]);
  });
});

describe('where two JSON values differ', () => {
  it('names each differing path, and what only one side has', () => {
    expect(jsonDiff('{"a":1,"b":{"c":[1,2]},"d":"x"}', '{"a":1,"b":{"c":[1,3,4]},"e":true}')).toEqual([
      { path: '$.b.c[1]', a: 2, b: 3, kind: 'changed' },
      { path: '$.b.c[2]', b: 4, kind: 'only-b' },
      { path: '$.d', a: 'x', kind: 'only-a' },
      { path: '$.e', b: true, kind: 'only-b' },
    ]);
    expect(jsonDiff('{"odd key":1}', '{"odd key":2}')[0]?.path).toBe('$["odd key"]');
    expect(jsonDiff('[1]', '[1]')).toEqual([]);
    expect(jsonDiff(undefined, undefined)).toEqual([]);
    expect(jsonDiff('1', '"1"')).toEqual([{ path: '$', a: 1, b: '1', kind: 'changed' }]);
  });

  it('stops at the limit', () => {
    const a = JSON.stringify(Array.from({ length: 100 }, (_, i) => i));
    const b = JSON.stringify(Array.from({ length: 100 }, (_, i) => -i - 1));
    expect(jsonDiff(a, b, 10)).toHaveLength(10);
  });
});

describe('a re-run state machine’s Comment', () => {
  it('names the execution and state it came from, both ways', () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
    expect(parseRunFromComment(runFromComment(arn, 'Charge card', 'console'))).toEqual({
      executionArn: arn,
      state: 'Charge card',
    });
    expect(parseRunFromComment('An ordinary comment')).toBeUndefined();
    expect(parseRunFromComment(undefined)).toBeUndefined();
  });
});

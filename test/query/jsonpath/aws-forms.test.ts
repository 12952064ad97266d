/**
 * Path forms AWS accepts in deployed state machines though they are off the beaten JSONPath track:
 * a dot before a bracket, trailing whitespace, and unquoted words in filters.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/json.js';
import { compileIntrinsic } from '../../../src/query/intrinsics/index.js';
import { compilePath, compileReferencePath, PathSyntaxError } from '../../../src/query/jsonpath/index.js';
import type { EvalScope } from '../../../src/query/scope.js';
import { fakeRuntime } from '../intrinsics/corpus.js';

const scope = (input: Json, context: Json = {}): EvalScope => ({
  input,
  context,
  variables: { lookup: () => undefined },
  runtime: fakeRuntime,
});
const select = (path: string, input: Json, context: Json = {}) => compilePath(path).evaluate(scope(input, context));

describe('JSONPath forms AWS accepts', () => {
  it('a dot before a bracket is the bracket alone: $.[0], $.Snapshots.[0].State', () => {
    expect(select('$.[0]', ['a', 'b'])).toBe('a');
    expect(select('$.Snapshots.[0].State', { Snapshots: [{ State: 'available' }] })).toBe('available');
    expect(select("$.a.['b c']", { a: { 'b c': 1 } })).toBe(1);
  });

  it('a dot before a bracket works inside an intrinsic function', () => {
    const intrinsic = compileIntrinsic('States.StringToJson($.[0].body)');
    expect(intrinsic.evaluate(scope([{ body: '{"ok":true}' }]))).toEqual({ ok: true });
  });

  it('trailing whitespace ends the path', () => {
    expect(select('$$.Execution.Name ', {}, { Execution: { Name: 'run-1' } })).toBe('run-1');
    expect(select('$.a \t', { a: 2 })).toBe(2);
    expect(compileReferencePath('$.x ').assign({}, 1)).toEqual({ x: 1 });
  });

  it('an unquoted word in a filter compares as a string; true, false and null stay keywords', () => {
    const items = [
      { TargetLanguageCode: 'es', n: 1 },
      { TargetLanguageCode: 'fr', n: 2 },
      { TargetLanguageCode: 'true', n: 3 },
      { TargetLanguageCode: true, n: 4 },
    ];
    expect(select('$[?(@.TargetLanguageCode==es)].n', items)).toEqual([1]);
    expect(select('$[?(@.TargetLanguageCode == pt-BR)].n', [{ TargetLanguageCode: 'pt-BR', n: 5 }])).toEqual([5]);
    expect(select('$[?(@.TargetLanguageCode==true)].n', items)).toEqual([4]);
  });

  it('still refuses what is not a path', () => {
    for (const bad of ['$.', '$..', '$.[', '$.a b', '$[?(@.a==)]', '$[?(@.a==#)]'])
      expect(() => compilePath(bad), bad).toThrow(PathSyntaxError);
  });
});

import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { compileReferencePath, PathSyntaxError } from '../../../src/query/jsonpath/index.js';

describe('reference paths (ResultPath)', () => {
  it('"$" replaces the whole document', () => {
    expect(compileReferencePath('$').assign({ a: 1 }, 'x')).toBe('x');
  });

  it('places the value at a member and keeps the other members', () => {
    expect(compileReferencePath('$.result').assign({ input: 1 }, { ok: true })).toEqual({
      input: 1,
      result: { ok: true },
    });
  });

  it('creates missing intermediate objects', () => {
    expect(compileReferencePath('$.a.b.c').assign({}, 1)).toEqual({ a: { b: { c: 1 } } });
  });

  it('replaces an array element by index', () => {
    expect(compileReferencePath("$.list[1]['v']").assign({ list: [{}, { v: 0, w: 2 }] }, 9)).toEqual({
      list: [{}, { v: 9, w: 2 }],
    });
  });

  it('does not mutate the document it is given', () => {
    const document = { a: { b: 1 } };
    compileReferencePath('$.a.c').assign(document, 2);
    expect(document).toEqual({ a: { b: 1 } });
  });

  it('fails with States.Runtime when the parent is not an object', () => {
    const assign = (): unknown => compileReferencePath('$.partitioned').assign('{"min":1}', 1);
    expect(assign).toThrow(StatesError);
    expect(assign).toThrow('Unable to apply ReferencePath $.partitioned to input "{\\"min\\":1}"');
  });

  it('accepts only members and indexes rooted at $', () => {
    for (const bad of ['$.a[*]', '$..a', '$.a[1:2]', '$.a[?(@.b)]', '$$.Execution', '$var.a', '$.a.length()']) {
      expect(() => compileReferencePath(bad), bad).toThrow(PathSyntaxError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/json.js';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { compileIntrinsic, IntrinsicSyntaxError, isIntrinsicCall } from '../../../src/query/intrinsics/index.js';
import type { EvalScope, QueryRuntime } from '../../../src/query/scope.js';
import { fakeRuntime } from './corpus.js';

function call(
  text: string,
  input: Json = {},
  runtime: QueryRuntime = fakeRuntime,
  variables: Record<string, Json> = {},
): Json {
  const scope: EvalScope = {
    input,
    context: { Execution: { Name: 'exec' } },
    variables: { lookup: (name) => variables[name] },
    runtime,
  };
  return compileIntrinsic(text).evaluate(scope);
}

function failure(text: string, input: Json = {}): StatesError {
  try {
    call(text, input);
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error(`${text} did not fail`);
}

describe('intrinsic call syntax', () => {
  it('recognises calls by their States. prefix and parentheses', () => {
    expect(isIntrinsicCall("States.Format('{}', $.a)")).toBe(true);
    expect(isIntrinsicCall('States.UUID()')).toBe(true);
    expect(isIntrinsicCall('$.States')).toBe(false);
    expect(isIntrinsicCall('States.UUID')).toBe(false);
  });

  it("string literals accept the escapes \\' \\{ \\} \\\\", () => {
    expect(call("States.Format('it\\'s \\{\\} {} \\\\', 'x')")).toBe("it's {} x \\");
  });

  it('an illegal escape in a string literal is a compile error', () => {
    expect(() => compileIntrinsic('States.Format(\'say \\"hi\\"\')')).toThrow(IntrinsicSyntaxError);
    expect(() => compileIntrinsic("States.StringSplit('a\\nb', ',')")).toThrow(IntrinsicSyntaxError);
  });

  it('unknown functions and wrong argument counts are compile errors', () => {
    expect(() => compileIntrinsic('States.Nope()')).toThrow(IntrinsicSyntaxError);
    expect(() => compileIntrinsic('States.UUID(1)')).toThrow(IntrinsicSyntaxError);
    expect(() => compileIntrinsic('States.ArrayLength()')).toThrow(IntrinsicSyntaxError);
    expect(() => compileIntrinsic('States.MathRandom(1, 2, 3, 4)')).toThrow(IntrinsicSyntaxError);
    expect(() => compileIntrinsic('States.Format()')).toThrow(IntrinsicSyntaxError);
  });

  it('malformed calls are compile errors', () => {
    for (const bad of [
      'States.Array(',
      "States.Array('a'",
      'States.Array(1,)',
      'States.Array(1) x',
      "States.Array('x)",
      'States.Array($.a[)',
    ]) {
      expect(() => compileIntrinsic(bad), bad).toThrow(IntrinsicSyntaxError);
    }
  });

  it('arguments may be literals, $ $$ and $var paths, and nested calls', () => {
    expect(
      call(
        "States.Array('s', 1, -2.5, true, false, null, $.a, $$.Execution.Name, $v, States.ArrayLength($.list))",
        { a: 'A', list: [1, 2] },
        fakeRuntime,
        { v: 'V' },
      ),
    ).toEqual(['s', 1, -2.5, true, false, null, 'A', 'exec', 'V', 2]);
  });

  it('path arguments may contain brackets, quotes, commas and filters', () => {
    expect(
      call("States.Array($['a,b'], $.xs[?(@.v > 1)].v, $.xs.length())", { 'a,b': 1, xs: [{ v: 1 }, { v: 2 }] }),
    ).toEqual([1, [2], 2]);
  });

  it('allows 10 nested calls but not 11', () => {
    const nest = (depth: number): string => (depth === 0 ? '1' : `States.Array(${nest(depth - 1)})`);
    expect(() => compileIntrinsic(nest(10))).not.toThrow();
    expect(() => compileIntrinsic(nest(11))).toThrow(IntrinsicSyntaxError);
  });

  it('a path argument that finds nothing fails with States.Runtime', () => {
    expect(failure('States.Array($.missing)').error).toBe('States.Runtime');
  });
});

describe('States.Format', () => {
  it('replaces each {} with the positional argument', () => {
    expect(call("States.Format('Hello {}, welcome to {}!', $.name, $.place)", { name: 'John', place: 'Lisbon' })).toBe(
      'Hello John, welcome to Lisbon!',
    );
  });

  it('prints objects and arrays the way AWS does (Java map and list text)', () => {
    expect(call("States.Format('{} {}', $.o, $.l)", { o: { Arg1: 1, Arg2: [] }, l: ['a', 1, null] })).toBe(
      '{Arg1=1, Arg2=[]} [a, 1, null]',
    );
  });

  it('takes its template from a path too', () => {
    expect(call('States.Format($.t, $.v)', { t: "It's {}!", v: 'Pikachu' })).toBe("It's Pikachu!");
  });

  it('fails when placeholders and arguments do not match in number', () => {
    expect(failure("States.Format('{} and {}', 'one')").error).toBe('States.IntrinsicFailure');
  });
});

describe('array functions', () => {
  it('ArrayPartition splits into chunks, the last one shorter', () => {
    expect(call('States.ArrayPartition($.a, 2)', { a: [1, 2, 3, 4, 5] })).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('ArrayPartition rejects a chunk size that is not a positive integer', () => {
    expect(failure('States.ArrayPartition($.a, 0)', { a: [1] }).error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayPartition($.a, 1.5)', { a: [1] }).error).toBe('States.IntrinsicFailure');
  });

  it('ArrayContains compares values structurally', () => {
    expect(call('States.ArrayContains($.a, $.v)', { a: [{ x: [1] }], v: { x: [1] } })).toBe(true);
    expect(call('States.ArrayContains($.a, 3)', { a: [1, 2] })).toBe(false);
  });

  it('ArrayRange includes the end when the step lands on it', () => {
    expect(call('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(call('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(call('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  it('ArrayRange rejects ranges of more than 1000 items', () => {
    expect(call('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expect(failure('States.ArrayRange(0, 1000, 1)').error).toBe('States.IntrinsicFailure');
  });

  it('ArrayRange rejects a zero step and non-integer arguments', () => {
    expect(failure('States.ArrayRange(1, 5, 0)').error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayRange(1.5, 5, 1)').error).toBe('States.IntrinsicFailure');
  });

  it('ArrayGetItem returns the element at a zero-based index and rejects out-of-bounds indexes', () => {
    expect(call('States.ArrayGetItem($.a, 1)', { a: ['x', 'y'] })).toBe('y');
    expect(failure('States.ArrayGetItem($.a, 2)', { a: ['x', 'y'] }).error).toBe('States.IntrinsicFailure');
  });

  it('ArrayLength and ArrayUnique require an array', () => {
    expect(call('States.ArrayUnique($.a)', { a: [1, 1, { b: 1 }, { b: 1 }, '1'] })).toEqual([1, { b: 1 }, '1']);
    expect(failure("States.ArrayLength('abc')").error).toBe('States.IntrinsicFailure');
  });
});

describe('encoding, hashing and JSON functions', () => {
  it('Base64Encode and Base64Decode round-trip UTF-8 text', () => {
    expect(call("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(call("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).toBe('Data to encode');
    expect(call('States.Base64Decode(States.Base64Encode($.s))', { s: 'héllo ✓' })).toBe('héllo ✓');
  });

  it('Base64Decode rejects data that is not Base64', () => {
    expect(failure("States.Base64Decode('not base64!')").error).toBe('States.IntrinsicFailure');
  });

  it('Base64Encode rejects strings longer than 10000 characters', () => {
    expect(failure('States.Base64Encode($.s)', { s: 'x'.repeat(10_001) }).error).toBe('States.IntrinsicFailure');
  });

  it('Hash supports the five documented algorithms and nothing else', () => {
    expect(call("States.Hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(failure("States.Hash('input data', 'SHA-224')").error).toBe('States.IntrinsicFailure');
  });

  it('StringToJson parses JSON text and turns blank text into null', () => {
    expect(call('States.StringToJson(\'{"a": [1]}\')')).toEqual({ a: [1] });
    expect(call("States.StringToJson(' ')")).toBeNull();
    expect(failure("States.StringToJson('{oops')").error).toBe('States.IntrinsicFailure');
  });

  it('JsonToString writes compact JSON', () => {
    expect(call('States.JsonToString($.o)', { o: { a: 1, b: [true, null] } })).toBe('{"a":1,"b":[true,null]}');
  });

  it('JsonMerge merges shallowly, the second object winning', () => {
    expect(call('States.JsonMerge($.a, $.b, false)', { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } })).toEqual({
      x: { q: 2 },
      y: 1,
    });
  });

  it('JsonMerge rejects deep merging', () => {
    expect(failure('States.JsonMerge($.a, $.a, true)', { a: {} }).error).toBe('States.IntrinsicFailure');
  });
});

describe('math, string and UUID functions', () => {
  it('MathAdd rounds each argument half up before adding (as recorded on AWS)', () => {
    expect(call('States.MathAdd(1.5, 1.51)')).toBe(4);
    expect(call('States.MathAdd(-2.5, 0)')).toBe(-2);
    expect(Object.is(call('States.MathAdd(-0.5, 0)'), 0)).toBe(true);
  });

  it('MathAdd rejects values outside the 32-bit integer range and non-numbers', () => {
    expect(failure('States.MathAdd(2147483648, 0)').error).toBe('States.IntrinsicFailure');
    expect(failure("States.MathAdd('1', 0)").error).toBe('States.IntrinsicFailure');
  });

  it('MathRandom draws from the runtime between start (inclusive) and end (exclusive)', () => {
    expect(call('States.MathRandom(0, 10)', {}, { ...fakeRuntime, random: () => 0.5 })).toBe(5);
    expect(call('States.MathRandom(0, 10)', {}, { ...fakeRuntime, random: () => 0.999 })).toBe(9);
  });

  it('MathRandom with a seed gives the same number every time', () => {
    const first = call('States.MathRandom(0, 999, 3)', {}, { ...fakeRuntime, random: () => 0.1 });
    const second = call('States.MathRandom(0, 999, 3)', {}, { ...fakeRuntime, random: () => 0.9 });
    expect(first).toBe(second);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(999);
  });

  it('StringSplit splits on every delimiter character and drops empty pieces', () => {
    expect(call("States.StringSplit('This.is+a,test=string', '.+,=')")).toEqual(['This', 'is', 'a', 'test', 'string']);
    expect(call("States.StringSplit(',,a,,', ',')")).toEqual(['a']);
  });

  it('UUID comes from the runtime', () => {
    expect(call('States.UUID()')).toBe('00000000-0000-4000-8000-000000000000');
  });
});

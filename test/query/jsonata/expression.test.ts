import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { JsonataSyntaxError, compileJsonata, isJsonataExpression } from '../../../src/query/jsonata/index.js';
import { bindings, fakeRuntime } from './fixtures.js';

async function evaluate(
  expression: string,
  input: Parameters<typeof bindings>[0] = {},
  variables: Parameters<typeof bindings>[1] = {},
) {
  return compileJsonata(expression).evaluate(bindings(input, variables), 'Output');
}

async function failure(expression: string, input: Parameters<typeof bindings>[0] = {}): Promise<StatesError> {
  const error: unknown = await evaluate(expression, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StatesError)) throw new Error(`expected a StatesError, got ${String(error)}`);
  return error;
}

describe('isJsonataExpression', () => {
  it('accepts a string wrapped in {% and %}', () => {
    expect(isJsonataExpression('{% $states.input %}')).toBe(true);
    expect(isJsonataExpression('{%1%}')).toBe(true);
  });

  it('rejects whitespace outside the delimiters, plain strings and non-strings', () => {
    expect(isJsonataExpression(' {% states.input %} ')).toBe(false);
    expect(isJsonataExpression('$states.input')).toBe(false);
    expect(isJsonataExpression('{%}')).toBe(false);
    expect(isJsonataExpression(42)).toBe(false);
  });
});

describe('compileJsonata', () => {
  it('keeps the trimmed expression text as its source', () => {
    expect(compileJsonata(' $states.input ').source).toBe('$states.input');
  });

  it('throws JsonataSyntaxError with the position for an expression that does not parse', () => {
    expect(() => compileJsonata('$states.input.(')).toThrow(JsonataSyntaxError);
    try {
      compileJsonata('1 +');
    } catch (error) {
      expect(error).toBeInstanceOf(JsonataSyntaxError);
      expect((error as JsonataSyntaxError).expression).toBe('1 +');
      expect((error as JsonataSyntaxError).message).toMatch(/^S0\d{3}: /);
    }
  });
});

describe('bindings', () => {
  it('$states exposes input and context, plus result and errorOutput when given', async () => {
    const compiled = compileJsonata(
      '[$states.input.a, $states.context.Execution.Name, $states.result, $states.errorOutput]',
    );
    const b = bindings({ a: 1 });
    expect(await compiled.evaluate(b)).toEqual([1, 'exec']);
    expect(
      await compiled.evaluate({ ...b, states: { ...b.states, result: 'r', errorOutput: { Error: 'E' } } }),
    ).toEqual([1, 'exec', 'r', { Error: 'E' }]);
  });

  it('workflow variables are visible as $name', async () => {
    expect(await evaluate('$sum($states.input.values) + $offset', { values: [1, 2, 3] }, { offset: 1 })).toBe(7);
  });

  it('only the variables an expression mentions are looked up', async () => {
    const looked: string[] = [];
    const b = bindings();
    await compileJsonata('$a & $b').evaluate({ ...b, variables: { lookup: (n) => (looked.push(n), n) } });
    expect(looked.sort()).toEqual(['a', 'b']);
  });

  it('a local binding shadows nothing it should not', async () => {
    expect(await evaluate('($x := 2; $x * $y)', {}, { x: 100, y: 3 })).toBe(6);
  });

  it('an undefined variable evaluates to nothing', async () => {
    expect(await evaluate('$doesNotExist')).toBeUndefined();
  });
});

describe('results', () => {
  it('a one-item sequence collapses to its item, and explicit arrays stay arrays', async () => {
    expect(await evaluate('$states.input.items[0]', { items: [[1], [2]] })).toEqual([1]);
    expect(await evaluate('$states.input.items.v', { items: [{ v: 1 }] })).toBe(1);
    expect(await evaluate('[$states.input.items.v]', { items: [{ v: 1 }] })).toEqual([1]);
  });

  it('results are plain JSON arrays without jsonata markers', async () => {
    const result = await evaluate('$states.input.items.v', { items: [{ v: 1 }, { v: 2 }] });
    expect(Array.isArray(result)).toBe(true);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
  });

  it('negative zero becomes zero', async () => {
    expect(Object.is(await evaluate('-0'), 0)).toBe(true);
  });

  it('input values come back without being copied', async () => {
    const input = { deep: { list: [1, 2, 3] } };
    expect(await evaluate('$states.input.deep', input)).toBe(input.deep);
  });
});

describe('evaluation errors (States.QueryEvaluationError)', () => {
  it('a failing expression reports the JSONata error code and message', async () => {
    const error = await failure('$randomSeeded($states.input.FunctionInput.fst)', { FunctionInput: 'fst' });
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.cause).toBe(
      "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });

  it('a function result is an unsupported result type', async () => {
    const error = await failure('$fn := function($x){$x}');
    expect(error.cause).toBe(
      "The JSONata expression '$fn := function($x){$x}' specified for the field 'Output' returned an unsupported result type.",
    );
  });

  it('a function nested in an object is an unsupported result type too', async () => {
    expect((await failure('{"f": $uppercase}')).cause).toMatch(/returned an unsupported result type\.$/);
  });

  it('a non-finite number is an unsupported result type', async () => {
    expect((await failure('1 / 0')).cause).toMatch(/returned an unsupported result type\.$/);
  });

  it('without a field the cause leaves the field out', async () => {
    const error = await compileJsonata('$eval("1")')
      .evaluate(bindings())
      .catch((e: unknown) => e);
    expect((error as StatesError).cause).toBe(
      'The JSONata expression \'$eval("1")\' threw an error during evaluation. T1006: Attempted to invoke a non-function',
    );
  });
});

describe('Step Functions functions', () => {
  it('$partition splits an array into chunks, the last one shorter', async () => {
    expect(await evaluate('$partition([1,2,3,4,5], 2)')).toEqual([[1, 2], [3, 4], [5]]);
    expect(await evaluate('$partition([0], 1)')).toEqual([[0]]);
  });

  it('$partition rejects a chunk size that is not a positive integer', async () => {
    expect((await failure('$partition([1,2], 0)')).cause).toMatch(/threw an error during evaluation/);
  });

  it('$range counts from start to end inclusive by step', async () => {
    expect(await evaluate('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await evaluate('$range(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  it('$range with a single item returns the item itself, as AWS does', async () => {
    expect(await evaluate('$range(1, 9, 9)')).toBe(1);
  });

  it('$hash returns the hex digest for each supported algorithm', async () => {
    expect(await evaluate("$hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(await evaluate("$hash('a', 'MD5')")).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect((await failure("$hash('a', 'SHA-3')")).cause).toMatch(/not supported/);
  });

  it('$parse turns a JSON string into a value', async () => {
    expect(await evaluate('$parse(\'{"a": [1, true]}\')')).toEqual({ a: [1, true] });
    expect((await failure("$parse('{')")).cause).toMatch(/not valid JSON/);
  });

  it('$eval is not available', async () => {
    expect((await failure("$eval('1')")).cause).toMatch(/T1006: Attempted to invoke a non-function$/);
  });

  it('$random() and $uuid() come from the injected runtime', async () => {
    expect(await evaluate('[$random(), $random(), $uuid()]')).toEqual([
      0.25,
      0.5,
      '00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('$random(seed) is repeatable for the same seed and in [0, 1)', async () => {
    const first = await evaluate('$random(42)');
    expect(first).toBe(await evaluate('$random(42)'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(1);
    expect(await evaluate('$random(1)')).not.toBe(first);
  });

  it('$now() and $millis() read the injected clock, once per evaluation', async () => {
    const runtime = fakeRuntime(Date.UTC(2020, 0, 2, 3, 4, 5, 6));
    const compiled = compileJsonata("[$now(), $millis(), $now('[Y0001]-[M01]')]");
    expect(await compiled.evaluate(bindings({}, {}, runtime))).toEqual([
      '2020-01-02T03:04:05.006Z',
      Date.UTC(2020, 0, 2, 3, 4, 5, 6),
      '2020-01',
    ]);
    expect(runtime.calls).toEqual(['now']);
  });

  it('regular expressions work as in JSONata', async () => {
    expect(await evaluate("$contains('hello$world', /^hello\\$/)")).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { compileJsonata } from '../../../src/query/jsonata/index.js';
import type { ExpressionLimits } from '../../../src/query/jsonata/budget.js';
import { EXPRESSION_LIMITS } from '../../../src/vocabulary/limits.js';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { bindings } from './fixtures.js';

const small: ExpressionLimits = {
  ...EXPRESSION_LIMITS,
  maxSteps: 20_000,

  maxDepth: 200,
};

async function outcome(expression: string, limits: ExpressionLimits = small): Promise<unknown> {
  return compileJsonata(expression, limits)
    .evaluate(bindings({ s: `${'a'.repeat(60)}b` }), 'Output')
    .then(
      (value) => ({ value }),
      (error: unknown) =>
        error instanceof StatesError ? { error: error.error, cause: error.cause } : { thrown: String(error) },
    );
}

describe('a JSONata evaluation is bounded', () => {
  it('fails endless recursion with States.Runtime once it has taken its steps', async () => {
    expect(await outcome('($f := function($n){ $f($n+1) }; $f(0))')).toEqual({
      error: 'States.Runtime',
      cause:
        "The JSONata expression '($f := function($n){ $f($n+1) }; $f(0))' specified for the field 'Output' exceeded the limit of 20000 evaluation steps.",
    });
  });

  it('fails recursion that is not in tail position at the depth limit', async () => {
    expect(await outcome('($f := function($n){ 1 + $f($n+1) }; $f(0))')).toMatchObject({
      error: 'States.Runtime',
      cause: expect.stringContaining('exceeded the maximum evaluation depth of 200.') as unknown,
    });
  });

  it('fails an evaluation that makes the heap grow past the memory limit by what it builds and keeps', async () => {
    const limits = { ...EXPRESSION_LIMITS, maxHeapGrowthBytes: 8 * 2 ** 20 };
    expect(await outcome('$count($map([1..50000], function($v){ [1..100] }))', limits)).toMatchObject({
      error: 'States.Runtime',
      cause: expect.stringContaining('exceeded the memory limit of 8 MiB.') as unknown,
    });
    expect(await outcome('$count($map([1..100], function($v){ [1..100] }))', limits)).toEqual({ value: 100 });
  });

  it('fails a sequence longer than 1,000,000 items at once, before it is built', async () => {
    expect(await outcome('$count([1..2000000])', EXPRESSION_LIMITS)).toMatchObject({
      error: 'States.Runtime',
      cause: expect.stringContaining('exceeded the maximum sequence length of 1000000.') as unknown,
    });
    expect(await outcome('$count([1..1000000])', EXPRESSION_LIMITS)).toEqual({ value: 1_000_000 });
  });

  it('fails a result nested deeper than 512 levels, which JSON text could not carry back', async () => {
    expect(await outcome('$reduce([1..600], function($acc, $v){ {"a": $acc} }, {})', EXPRESSION_LIMITS)).toMatchObject({
      error: 'States.Runtime',
      cause: expect.stringContaining('exceeded the maximum result nesting depth of 512.') as unknown,
    });
  });

  it('stops at the time limit, counting only the time it works', async () => {
    const limits = { ...EXPRESSION_LIMITS, maxActiveMs: 50 };
    expect(await outcome('($f := function($n){ $f($n+1) }; $f(0))', limits)).toMatchObject({
      error: 'States.Runtime',
      cause: expect.stringContaining('exceeded the evaluation time limit of 50 ms.') as unknown,
    });
  });

  it('yields to the event loop while it works, so a timer set before it fires before it ends', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let firedBeforeEnd = false;
    const limits = { ...EXPRESSION_LIMITS, maxActiveMs: 300 };
    const evaluation = outcome('($f := function($n){ $f($n+1) }; $f(0))', limits);
    await evaluation.then(() => (firedBeforeEnd = fired));
    expect(firedBeforeEnd).toBe(true);
  });
});

describe('JSONata regular expressions run in linear time', () => {
  it('answers a pattern that backtracks exponentially, on 60 characters, with the right result', async () => {
    expect(await outcome('$contains($states.input.s, /^(a|aa)+$/)', EXPRESSION_LIMITS)).toEqual({ value: false });
    expect(await outcome('$contains("aaaa", /^(a|aa)+$/)', EXPRESSION_LIMITS)).toEqual({ value: true });
  });

  it('keeps $match, $replace, $split and the i flag as jsonata has them', async () => {
    expect(
      await outcome(
        '[$match("ab12cd345", /[0-9]+/).match, $match("x=1", /(\\w)=(\\d)/).groups, $replace("a-b-c", /-/, "+"), $split("a1b22c", /[0-9]+/), $contains("Hello", /hello/i)]',
        EXPRESSION_LIMITS,
      ),
    ).toEqual({ value: ['12', '345', 'x', '1', 'a+b+c', 'a', 'b', 'c', true] });
  });

  it('refuses a backreference with a cause that says why', async () => {
    expect(await outcome('$contains("aa", /(a)\\1/)', EXPRESSION_LIMITS)).toMatchObject({
      error: 'States.QueryEvaluationError',
      cause: expect.stringContaining(
        'is not supported (patterns run in linear time, without backreferences or lookaround)',
      ) as unknown,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import type { Json } from '../../../src/json.js';
import { JsonataSyntaxError, compileJsonataTemplate } from '../../../src/query/jsonata/index.js';
import { bindings, fakeRuntime } from './fixtures.js';

async function causeOf(template: Json, field: string, input: Json = {}): Promise<string> {
  const error: unknown = await compileJsonataTemplate(template)
    .evaluate(bindings(input), field)
    .catch((e: unknown) => e);
  if (!(error instanceof StatesError)) throw new Error('expected a StatesError');
  return error.cause;
}

describe('compileJsonataTemplate', () => {
  it('a "{% %}" string evaluates to the expression result', async () => {
    expect(await compileJsonataTemplate('{% $states.input.a %}').evaluate(bindings({ a: [1] }), 'Output')).toEqual([1]);
  });

  it('exposes the expression text when the whole value is one expression', () => {
    expect(compileJsonataTemplate('{% $states.input %}').source).toBe('$states.input');
    expect(compileJsonataTemplate({ a: '{% 1 %}' }).source).toBeUndefined();
  });

  it('literals of every type stay literals, including strings that only look like queries', async () => {
    const literal: Json = [
      null,
      0,
      0.1,
      true,
      'string',
      [],
      '$states.input',
      '$.path',
      ' {% states.input %} ',
      { 'key.$': '$' },
    ];
    expect(await compileJsonataTemplate(literal).evaluate(bindings(), 'Output')).toEqual(literal);
  });

  it('expressions nested in objects and arrays are evaluated in place', async () => {
    const template: Json = { a: '{% $states.input.x %}', list: [1, '{% $number("2") %}', { b: '{% true %}' }], c: 'c' };
    expect(await compileJsonataTemplate(template).evaluate(bindings({ x: 'X' }), 'Output')).toEqual({
      a: 'X',
      list: [1, 2, { b: true }],
      c: 'c',
    });
  });

  it('literal parts are shared, frozen copies of the definition', async () => {
    const definition = { nested: { n: 1 } };
    const compiled = compileJsonataTemplate(definition);
    const first = await compiled.evaluate(bindings(), 'Output');
    expect(first).toEqual(definition);
    expect(first).not.toBe(definition);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await compiled.evaluate(bindings(), 'Output')).toBe(first);
  });

  it('members are evaluated in definition order', async () => {
    const runtime = fakeRuntime();
    const result = await compileJsonataTemplate({
      a: '{% $uuid() %}',
      b: ['{% $uuid() %}'],
      c: '{% $uuid() %}',
    }).evaluate(bindings({}, {}, runtime), 'Output');
    expect(result).toEqual({
      a: '00000000-0000-4000-8000-000000000001',
      b: ['00000000-0000-4000-8000-000000000002'],
      c: '00000000-0000-4000-8000-000000000003',
    });
  });

  it('an expression that returns nothing fails with the field path joined by "/"', async () => {
    expect(await causeOf('{% $doesNotExist %}', 'Output')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).",
    );
    expect(await causeOf({ result: '{% $doesNotExist %}' }, 'Output')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).",
    );
    expect(await causeOf({ result: '{% $doesNotExist %}' }, 'Assign')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Assign/result' returned nothing (undefined).",
    );
  });

  it('errors inside nested members name the nested field', async () => {
    expect(await causeOf({ FunctionResult: '{% $randomSeeded(1) %}' }, 'Output')).toBe(
      "The JSONata expression '$randomSeeded(1)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });

  it('a syntax error is reported when the template is compiled', () => {
    expect(() => compileJsonataTemplate({ a: ['{% 1 + %}'] })).toThrow(JsonataSyntaxError);
  });
});

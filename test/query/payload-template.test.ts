import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { StatesError } from '../../src/vocabulary/states-errors.js';
import { compilePayloadTemplate, TemplateError } from '../../src/query/payload-template.js';
import type { EvalScope } from '../../src/query/scope.js';
import { conformanceAvailable } from '../support/corpus-dir.js';
import { contextObject, fakeRuntime, loadGroup, matchesExpected } from './intrinsics/corpus.js';

function scope(input: Json, variables: Record<string, Json> = {}): EvalScope {
  return {
    input,
    context: contextObject(input),
    variables: { lookup: (name) => variables[name] },
    runtime: fakeRuntime,
  };
}

function templateError(template: Json): TemplateError {
  try {
    compilePayloadTemplate(template);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('no TemplateError');
}

describe('payload templates', () => {
  it('a key ending in .$ takes the value of its path and loses the suffix', () => {
    expect(compilePayloadTemplate({ 'value.$': '$.a', constant: 1 }).evaluate(scope({ a: 'A' }))).toEqual({
      value: 'A',
      constant: 1,
    });
  });

  it('walks nested objects and arrays', () => {
    const template = { outer: { 'x.$': '$.x', list: [{ 'y.$': '$$.Execution.Input.x' }, 'plain'] } };
    expect(compilePayloadTemplate(template).evaluate(scope({ x: 1 }))).toEqual({
      outer: { x: 1, list: [{ y: 1 }, 'plain'] },
    });
  });

  it('values of keys without .$ are literals, even when they look like paths or calls', () => {
    const template = { path: '$.a', call: 'States.UUID()', variable: '$result' };
    expect(compilePayloadTemplate(template).evaluate(scope({ a: 1 }))).toEqual(template);
  });

  it('returns a template without dynamic fields as it is, without copying', () => {
    const template = { a: [1, { b: 2 }] };
    expect(compilePayloadTemplate(template).evaluate(scope({}))).toBe(template);
  });

  it('evaluates intrinsic calls and variable paths', () => {
    const template = { 'id.$': 'States.UUID()', 'v.$': '$answer', 'f.$': "States.Format('{}!', $answer)" };
    expect(compilePayloadTemplate(template).evaluate(scope({}, { answer: 42 }))).toEqual({
      id: '00000000-0000-4000-8000-000000000000',
      v: 42,
      f: '42!',
    });
  });

  it('a path that finds nothing fails with States.Runtime in AWS wording', () => {
    const evaluate = (): Json =>
      compilePayloadTemplate({ 'value.$': '$.no_such_jsonpath' }).evaluate(scope({ 'int-literal': 0 }));
    expect(evaluate).toThrow(StatesError);
    expect(evaluate).toThrow(
      `The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'`,
    );
  });

  it('a $$ path that finds nothing quotes the context object', () => {
    try {
      compilePayloadTemplate({ 'value.$': '$$.Execution.Input.nope' }).evaluate(scope({ a: 1 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StatesError);
      expect((error as StatesError).cause).toContain(`in the input '${JSON.stringify(contextObject({ a: 1 }))}'`);
    }
  });

  it('an invalid .$ value is a TemplateError naming the field', () => {
    for (const bad of ['not a path', 'States.Nope()', "States.Format('\\x')", '$.a[', 1, null, { a: 1 }] as Json[]) {
      const error = templateError({ nested: { 'parsed.$': bad } });
      expect(error.fieldName).toBe('parsed.$');
      expect(error.message).toBe(
        "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call",
      );
    }
  });

  it.skipIf(!conformanceAvailable)('evaluates the recorded variables case BASE_REFERENCE_IN_INTRINSIC_FUNCTION', () => {
    const testCase = loadGroup('variables').find(
      (c) => c.name === 'reference_assign_BASE_REFERENCE_IN_INTRINSIC_FUNCTION',
    );
    if (testCase === undefined) throw new Error('case missing');
    const states = testCase.definition.States as Record<string, Record<string, Json>>;
    const variables = compilePayloadTemplate(states.State0.Assign).evaluate(scope({})) as Record<string, Json>;
    const output = compilePayloadTemplate(states.State1.Parameters).evaluate(scope({}, variables));
    expect(matchesExpected(testCase.expect.output ?? null, output), JSON.stringify(output)).toBe(true);
  });
});

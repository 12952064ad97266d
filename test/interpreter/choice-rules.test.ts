import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileChoiceRule } from '../../src/interpreter/choice-rules.js';
import { StatesError } from '../../src/vocabulary/states-errors.js';
import { isJsonObject, type Json, type JsonObject } from '../../src/json.js';
import type { EvalScope } from '../../src/query/scope.js';
import { conformanceAvailable, corpusGroupFiles } from '../support/corpus-dir.js';

function scope(input: Json, variables: Record<string, Json> = {}, context: Json = {}): EvalScope {
  return {
    input,
    context,
    variables: {
      lookup: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    },
    runtime: { now: () => 0, random: () => 0, uuid: () => '00000000-0000-4000-8000-000000000000' },
  };
}

function holds(rule: JsonObject, input: Json, variables: Record<string, Json> = {}): boolean {
  return compileChoiceRule(rule).evaluate(scope(input, variables));
}

function failure(rule: JsonObject, input: Json): StatesError {
  try {
    compileChoiceRule(rule).evaluate(scope(input));
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected the rule to fail');
}

describe('data-test rules', () => {
  it('a comparison against a value of another type is false, not an error', () => {
    expect(holds({ Variable: '$.v', NumericEquals: 1 }, { v: '1' })).toBe(false);
    expect(holds({ Variable: '$.v', StringEquals: '1' }, { v: 1 })).toBe(false);
    expect(holds({ Variable: '$.v', BooleanEquals: true }, { v: 'true' })).toBe(false);
    expect(holds({ Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: 0 })).toBe(false);
  });

  it('a missing Variable is a States.Runtime error with AWS wording', () => {
    const error = failure({ Variable: '$.missing', NumericEquals: 1 }, {});
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    );
  });

  it('a missing ...Path operand is a States.Runtime error naming that path', () => {
    expect(failure({ Variable: '$.left', NumericEqualsPath: '$.right' }, { left: 8 }).cause).toBe(
      "Invalid path '$.right': The choice state's condition path references an invalid value.",
    );
  });

  it('IsPresent is false, not an error, for a missing path, and true for null', () => {
    expect(holds({ Variable: '$.missing', IsPresent: false }, {})).toBe(true);
    expect(holds({ Variable: '$.missing', IsPresent: true }, {})).toBe(false);
    expect(holds({ Variable: '$.v', IsPresent: true }, { v: null })).toBe(true);
  });

  it('IsNull, IsNumeric, IsString, IsBoolean compare the type test with their operand', () => {
    expect(holds({ Variable: '$.v', IsNull: true }, { v: null })).toBe(true);
    expect(holds({ Variable: '$.v', IsNumeric: false }, { v: 'x' })).toBe(true);
    expect(holds({ Variable: '$.v', IsString: true }, { v: 'x' })).toBe(true);
    expect(holds({ Variable: '$.v', IsBoolean: true }, { v: 0 })).toBe(false);
  });

  it('IsTimestamp accepts ISO-8601 offset date-times only', () => {
    expect(holds({ Variable: '$.v', IsTimestamp: true }, { v: '2012-10-09T19:00:55Z' })).toBe(true);
    expect(holds({ Variable: '$.v', IsTimestamp: true }, { v: '2012-10-09T19:00:55.123456+01:00' })).toBe(true);
    expect(holds({ Variable: '$.v', IsTimestamp: true }, { v: '2012-10-09T19:00:55' })).toBe(false);
    expect(holds({ Variable: '$.v', IsTimestamp: true }, { v: '2023-02-30T00:00:00Z' })).toBe(false);
    expect(holds({ Variable: '$.v', IsTimestamp: false }, { v: 5 })).toBe(true);
  });

  it('timestamps compare as instants, across offsets and to the nanosecond', () => {
    expect(
      holds({ Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: '2012-10-09T20:00:55+01:00' }),
    ).toBe(true);
    expect(
      holds(
        { Variable: '$.v', TimestampLessThan: '2012-10-09T19:00:55.000000002Z' },
        { v: '2012-10-09T19:00:55.000000001Z' },
      ),
    ).toBe(true);
    expect(
      holds(
        { Variable: '$.v', TimestampGreaterThanEqualsPath: '$.w' },
        { v: '2012-10-09T19:00:55.5Z', w: '2012-10-09T19:00:55.499Z' },
      ),
    ).toBe(true);
  });

  it('strings compare by code unit, numbers by value', () => {
    expect(holds({ Variable: '$.v', StringLessThan: 'b' }, { v: 'B' })).toBe(true);
    expect(holds({ Variable: '$.v', NumericEquals: 1 }, { v: 1.0 })).toBe(true);
    expect(holds({ Variable: '$.v', NumericLessThanEqualsPath: '$.w' }, { v: -1.5, w: -1.5 })).toBe(true);
  });

  it('StringMatches takes at most text length × pattern length steps: many stars on a long text that fails', () => {
    const text = 'a'.repeat(20_000);
    expect(holds({ Variable: '$.v', StringMatches: '*a*a*a*a*a*a*a*a*b' }, { v: text })).toBe(false);
    expect(holds({ Variable: '$.v', StringMatches: '*a*a*a*a*a*a*a*a*' }, { v: text })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: 'a*\\*' }, { v: 'abc*' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '' }, { v: '' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '**' }, { v: '' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '😀*' }, { v: '😀x' })).toBe(true);
  });

  it('StringMatches treats * as a wildcard and \\* as a literal star', () => {
    expect(holds({ Variable: '$.v', StringMatches: 'log-*.txt' }, { v: 'log-2024-01.txt' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '*.log' }, { v: 'x.txt' })).toBe(false);
    expect(holds({ Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'a*b' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'axxb' })).toBe(false);
    expect(holds({ Variable: '$.v', StringMatches: 'a\\\\*' }, { v: 'a\\anything' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '(a).[b]+?' }, { v: '(a).[b]+?' })).toBe(true);
    expect(holds({ Variable: '$.v', StringMatches: '*' }, { v: 1 })).toBe(false);
  });

  it('Variable may read the context object and workflow variables', () => {
    expect(
      compileChoiceRule({ Variable: '$$.Execution.Name', StringEquals: 'e' }).evaluate(
        scope({}, {}, { Execution: { Name: 'e' } }),
      ),
    ).toBe(true);
    expect(holds({ Variable: '$limit', NumericGreaterThan: 5 }, {}, { limit: 6 })).toBe(true);
    expect(holds({ Variable: '$.v', NumericEqualsPath: '$limit' }, { v: 6 }, { limit: 6 })).toBe(true);
    expect(failure({ Variable: '$undefinedVariable', StringEquals: 'x' }, {}).cause).toBe(
      "Invalid path '$undefinedVariable': The choice state's condition path references an invalid value.",
    );
  });
});

describe('boolean rules', () => {
  const twenties: JsonObject = {
    And: [
      { Variable: '$.value', NumericGreaterThanEquals: 20 },
      { Variable: '$.value', NumericLessThan: 30 },
    ],
  };

  it('And holds when every rule holds', () => {
    expect(holds(twenties, { value: 22 })).toBe(true);
    expect(holds(twenties, { value: 30 })).toBe(false);
  });

  it('Or holds when any rule holds', () => {
    const rule = {
      Or: [
        { Variable: '$.v', StringEquals: 'a' },
        { Variable: '$.v', StringEquals: 'b' },
      ],
    };
    expect(holds(rule, { v: 'b' })).toBe(true);
    expect(holds(rule, { v: 'c' })).toBe(false);
  });

  it('Not negates its rule', () => {
    expect(holds({ Not: { Variable: '$.type', StringEquals: 'Private' } }, { type: 'Public' })).toBe(true);
  });

  it('And and Or stop at the first deciding rule, so later missing paths do not fail', () => {
    expect(
      holds(
        {
          And: [
            { Variable: '$.v', IsPresent: true },
            { Variable: '$.v', NumericEquals: 1 },
          ],
        },
        {},
      ),
    ).toBe(false);
    expect(
      holds(
        {
          Or: [
            { Variable: '$.v', IsPresent: false },
            { Variable: '$.v', NumericEquals: 1 },
          ],
        },
        {},
      ),
    ).toBe(true);
  });
});

/** conformance/cases/choice_operators: one rule per case; output names the branch AWS took. */

interface OperatorCase {
  name: string;
  definition: { States: Record<string, JsonObject> };
  input: Json;
  expect: { output: { 'TestResult.$': string } };
}

const cases = corpusGroupFiles('choice_operators').map(
  (file) => JSON.parse(readFileSync(file, 'utf8')) as OperatorCase,
);

function onlyRule(c: OperatorCase): JsonObject {
  const choice = Object.values(c.definition.States).find((state) => state.Type === 'Choice');
  const choices = choice?.Choices;
  if (!Array.isArray(choices) || choices.length !== 1 || !isJsonObject(choices[0]))
    throw new Error(`${c.name}: expected one Choice rule`);
  const { Next: _next, ...rule } = choices[0];
  return rule;
}

describe.skipIf(!conformanceAvailable)('conformance: choice_operators', () => {
  it('has all 472 recorded cases', () => {
    expect(cases).toHaveLength(472);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = c.expect.output['TestResult.$'] === 'ConditionTrue';
    expect(compileChoiceRule(onlyRule(c)).evaluate(scope(c.input))).toBe(expected);
  });
});

/**
 * conformance/cases/choice: whole executions. Where the Choice state has no Default, or its Default
 * fails, a succeeding execution means one of its JSONPath rules matched the input.
 */

interface ExecutionCase {
  name: string;
  definition: { QueryLanguage?: string; States: Record<string, JsonObject> };
  input: Json;
  expect: { output?: Json };
}

const choiceCases = corpusGroupFiles('choice')
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as ExecutionCase)
  .filter((c) => {
    const states = c.definition.States;
    return Object.values(states).some((state) => {
      const language = state.QueryLanguage ?? c.definition.QueryLanguage;
      if (state.Type !== 'Choice' || language === 'JSONata') return false;
      const fallback = typeof state.Default === 'string' ? states[state.Default] : undefined;
      return fallback === undefined || fallback.Type === 'Fail';
    });
  });

describe.skipIf(!conformanceAvailable)('conformance: choice (succeeding executions matched a rule)', () => {
  it.each(choiceCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.expect.output).toBeDefined();
    const choice = Object.values(c.definition.States).find((state) => state.Type === 'Choice') as JsonObject;
    const rules = (choice.Choices as JsonObject[]).map(({ Next: _next, ...rule }) => compileChoiceRule(rule));
    expect(rules.some((rule) => rule.evaluate(scope(c.input)))).toBe(true);
  });
});

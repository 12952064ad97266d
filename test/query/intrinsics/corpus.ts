/**
 * Runs the conformance cases that only need the JSONPath query layer: a definition with one Pass state
 * (InputPath → Parameters/Result → ResultPath → OutputPath). Everything else is reported as skipped with
 * the reason, so the interpreter's own conformance run covers it.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject, type Json, type JsonObject } from '../../../src/json.js';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { compilePath, compileReferencePath, noResultsCause } from '../../../src/query/jsonpath/index.js';
import { compilePayloadTemplate } from '../../../src/query/payload-template.js';
import { NO_VARIABLES, type EvalScope, type QueryRuntime } from '../../../src/query/scope.js';
import { CONFORMANCE_CASES_DIR, corpusGroupFiles } from '../../support/corpus-dir.js';

export const CASES_DIR = CONFORMANCE_CASES_DIR;

export interface ConformanceCase {
  name: string;
  definition: JsonObject;
  input?: Json;
  expect: { output?: Json; error?: string | null; cause?: string; invalidDefinition?: JsonObject };
  flags?: string[];
}

/** One group's cases; none without the corpus (its tests are then skipped). */
export function loadGroup(group: string): ConformanceCase[] {
  return corpusGroupFiles(group).map((file) => JSON.parse(readFileSync(file, 'utf8')) as ConformanceCase);
}

export const fakeRuntime: QueryRuntime = {
  now: () => 0,
  random: () => 0.5,
  uuid: () => '00000000-0000-4000-8000-000000000000',
};

const STATE_MACHINE_NAME = 'conformance-machine';
const EXECUTION_NAME = '11111111-2222-4333-8444-555555555555';

export function contextObject(input: Json): JsonObject {
  const stateMachineArn = `arn:aws:states:us-east-1:123456789012:stateMachine:${STATE_MACHINE_NAME}`;
  return {
    Execution: {
      Id: `arn:aws:states:us-east-1:123456789012:execution:${STATE_MACHINE_NAME}:${EXECUTION_NAME}`,
      Input: input,
      Name: EXECUTION_NAME,
      RoleArn: 'arn:aws:iam::123456789012:role/conformance',
      StartTime: '2024-01-01T00:00:00.000Z',
      RedriveCount: 0,
    },
    State: { EnteredTime: '2024-01-01T00:00:00.000Z', Name: 'State_0', RetryCount: 0 },
    StateMachine: { Id: stateMachineArn, Name: STATE_MACHINE_NAME },
    Task: {},
  };
}

export type PassOutcome = { output: Json } | { error: string; cause: string };

const SUPPORTED_FIELDS = new Set([
  'Type',
  'End',
  'Comment',
  'InputPath',
  'Parameters',
  'Result',
  'ResultPath',
  'OutputPath',
]);

/** Why a case needs more than the query layer, or undefined when runSinglePass can run it. */
export function whyNotSinglePass(testCase: ConformanceCase): string | undefined {
  if (testCase.expect.invalidDefinition !== undefined) return 'definition validation';
  const states = testCase.definition.States;
  if (!isJsonObject(states) || Object.keys(states).length !== 1) return 'more than one state';
  const state = Object.values(states)[0];
  if (!isJsonObject(state) || state.Type !== 'Pass') return 'not a Pass state';
  const extra = Object.keys(state).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (extra.length > 0) return `uses ${extra.join(', ')}`;
  if (testCase.definition.QueryLanguage === 'JSONata') return 'JSONata';
  return undefined;
}

/** The JSONPath I/O pipeline of one Pass state, built from the query layer's public API only. */
export function runSinglePass(testCase: ConformanceCase, runtime: QueryRuntime = fakeRuntime): PassOutcome {
  const state = Object.values(testCase.definition.States as JsonObject)[0] as JsonObject;
  const input = testCase.input ?? null;
  const scope = (document: Json): EvalScope => ({
    input: document,
    context: contextObject(input),
    variables: NO_VARIABLES,
    runtime,
  });
  const select = (path: Json | undefined, document: Json): Json => {
    if (path === undefined) return document;
    if (path === null) return {};
    const compiled = compilePath(path as string);
    const value = compiled.evaluate(scope(document));
    if (value === undefined) throw new StatesError('States.Runtime', noResultsCause(compiled));
    return value;
  };
  try {
    const effectiveInput = select(state.InputPath, input);
    const result =
      state.Parameters !== undefined
        ? compilePayloadTemplate(state.Parameters).evaluate(scope(effectiveInput))
        : (state.Result ?? effectiveInput);
    const withResult =
      state.ResultPath === undefined
        ? result
        : state.ResultPath === null
          ? input
          : compileReferencePath(state.ResultPath as string).assign(input, result);
    return { output: select(state.OutputPath, withResult) };
  } catch (error) {
    if (error instanceof StatesError) return { error: error.error, cause: error.cause };
    throw error;
  }
}

/** AWS's cause prefix, which the interpreter adds; the query layer produces the detail after it. */
export function causeDetail(cause: string): string {
  return cause.replace(/^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. /, '');
}

const TOKEN_PATTERNS: Readonly<Record<string, string>> = {
  '<uuid>': '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  '<timestamp>': '.+?',
  '<json>': '.+?',
  '<partition>': '.+?',
  '<region>': '.+?',
  '<account>': '.+?',
  '<stateMachineName>': '.+?',
  '<executionName>': '.+?',
  '<roleArn>': '.+?',
};
const TOKEN = /<(uuid|timestamp|json|partition|region|account|stateMachineName|executionName|roleArn)>/;

/** Structural comparison with the corpus README's placeholder rules. */
export function matchesExpected(expected: Json, actual: Json | undefined): boolean {
  if (actual === undefined) return false;
  if (expected === '<number>') return typeof actual === 'number';
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false;
    if (!TOKEN.test(expected)) return expected === actual;
    const pattern = expected
      .split(TOKEN)
      .map((part, i) => (i % 2 === 1 ? TOKEN_PATTERNS[`<${part}>`] : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${pattern}$`, 's').test(actual);
  }
  if (typeof expected === 'number') return typeof actual === 'number' && expected === actual;
  if (expected === null || typeof expected === 'boolean') return expected === actual;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesExpected(item, actual[i]))
    );
  }
  if (!isJsonObject(actual)) return false;
  const keys = Object.keys(expected);
  return (
    keys.length === Object.keys(actual).length &&
    keys.every(
      (key) => Object.prototype.hasOwnProperty.call(actual, key) && matchesExpected(expected[key], actual[key]),
    )
  );
}

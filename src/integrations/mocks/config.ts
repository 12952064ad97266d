/**
 * Step Functions Local's mock configuration file (MockConfigFile.json), read and checked once at
 * start-up so a bad file is a clear error rather than a surprise in the middle of a test run:
 *
 *   { "StateMachines":   { "<stateMachineName>": { "TestCases": { "<TestCase>": { "<StateName>": "<MockedResponseName>" } } } },
 *     "MockedResponses": { "<MockedResponseName>": { "0": { "Return": <json> }, "1-2": { "Throw": { "Error": "...", "Cause": "..." } } } } }
 *
 * The keys of a mocked response are invocation numbers of the state within one execution (retries
 * count), "n" or a range "a-b", consecutive from 0.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject, type Json, type JsonObject } from '../../json.js';

export type MockedStep = { kind: 'return'; output: Json } | { kind: 'throw'; error: string; cause?: string };

/** One mocked response: its steps by invocation number; later invocations repeat the last one. */
export interface MockedResponse {
  name: string;
  steps: { from: number; to: number; step: MockedStep }[];
}

export interface MockConfig {
  /** stateMachineName → testCase → stateName → mocked response. */
  stateMachines: Map<string, Map<string, Map<string, MockedResponse>>>;
}

export class MockConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockConfigError';
  }
}

export function loadMockConfig(file: string): MockConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MockConfigError(
      `Cannot read the mock configuration file '${file}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MockConfigError(
      `The mock configuration file '${file}' is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  try {
    return parseMockConfig(parsed as Json);
  } catch (e) {
    if (e instanceof MockConfigError)
      throw new MockConfigError(`Invalid mock configuration file '${file}': ${e.message}`);
    throw e;
  }
}

export function parseMockConfig(value: Json): MockConfig {
  const root = object(value, '$');
  const responses = new Map<string, MockedResponse>();
  for (const [name, definition] of Object.entries(object(root.MockedResponses ?? {}, '$.MockedResponses'))) {
    responses.set(name, mockedResponse(name, object(definition, `$.MockedResponses.${name}`)));
  }
  const stateMachines = new Map<string, Map<string, Map<string, MockedResponse>>>();
  for (const [machineName, machine] of Object.entries(object(root.StateMachines ?? {}, '$.StateMachines'))) {
    const path = `$.StateMachines.${machineName}`;
    const testCases = new Map<string, Map<string, MockedResponse>>();
    for (const [caseName, testCase] of Object.entries(
      object(object(machine, path).TestCases ?? {}, `${path}.TestCases`),
    )) {
      const casePath = `${path}.TestCases.${caseName}`;
      const states = new Map<string, MockedResponse>();
      for (const [stateName, responseName] of Object.entries(object(testCase, casePath))) {
        if (typeof responseName !== 'string')
          throw new MockConfigError(`${casePath}.${stateName} must be the name of a mocked response`);
        const response = responses.get(responseName);
        if (!response)
          throw new MockConfigError(
            `${casePath}.${stateName} names the mocked response '${responseName}', which MockedResponses does not define`,
          );
        states.set(stateName, response);
      }
      testCases.set(caseName, states);
    }
    stateMachines.set(machineName, testCases);
  }
  return { stateMachines };
}

function mockedResponse(name: string, definition: JsonObject): MockedResponse {
  const path = `$.MockedResponses.${name}`;
  const steps: MockedResponse['steps'] = [];
  for (const [key, value] of Object.entries(definition)) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(key);
    if (!range) throw new MockConfigError(`${path}: '${key}' is not an invocation number ("0") or range ("1-2")`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw new MockConfigError(`${path}: the range '${key}' ends before it starts`);
    steps.push({ from, to, step: mockedStep(`${path}.${key}`, object(value, `${path}.${key}`)) });
  }
  if (steps.length === 0) throw new MockConfigError(`${path} defines no responses`);
  steps.sort((a, b) => a.from - b.from);
  let next = 0;
  for (const s of steps) {
    if (s.from !== next) {
      throw new MockConfigError(
        `${path}: invocation ${next} has no response (responses must be numbered consecutively from 0; found ${s.from === s.to ? s.from : `${s.from}-${s.to}`})`,
      );
    }
    next = s.to + 1;
  }
  return { name, steps };
}

function mockedStep(path: string, value: JsonObject): MockedStep {
  const hasReturn = Object.prototype.hasOwnProperty.call(value, 'Return');
  const hasThrow = Object.prototype.hasOwnProperty.call(value, 'Throw');
  if (hasReturn === hasThrow) throw new MockConfigError(`${path} must have exactly one of 'Return' or 'Throw'`);
  if (hasReturn) return { kind: 'return', output: value.Return as Json };
  const thrown = object(value.Throw as Json, `${path}.Throw`);
  if (typeof thrown.Error !== 'string') throw new MockConfigError(`${path}.Throw.Error must be a string`);
  if (thrown.Cause !== undefined && typeof thrown.Cause !== 'string')
    throw new MockConfigError(`${path}.Throw.Cause must be a string`);
  return { kind: 'throw', error: thrown.Error, ...(typeof thrown.Cause === 'string' ? { cause: thrown.Cause } : {}) };
}

function object(value: Json, path: string): JsonObject {
  if (!isJsonObject(value)) throw new MockConfigError(`${path} must be an object`);
  return value;
}

/** The step for the n-th invocation (0-based); past the last range, the last step repeats. */
export function stepFor(response: MockedResponse, invocation: number): MockedStep {
  for (const s of response.steps) if (invocation >= s.from && invocation <= s.to) return s.step;
  return (response.steps.at(-1) as MockedResponse['steps'][number]).step;
}

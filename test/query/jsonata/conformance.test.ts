import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/vocabulary/states-errors.js';
import { isJsonObject, jsonEquals, type Json, type JsonObject } from '../../../src/json.js';
import { compileJsonataTemplate } from '../../../src/query/jsonata/index.js';
import { bindings } from './fixtures.js';
import { conformanceAvailable, corpusGroupFiles } from '../../support/corpus-dir.js';

/**
 * Every recorded case in conformance/cases/jsonata whose machine is a single JSONata Pass state with
 * an `Output`: evaluating the Output template with $states.input = the case input decides the result.
 */
const STATE_PREFIX = /^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. /;

interface Case {
  name: string;
  definition: JsonObject;
  input: Json;
  expect: { output?: Json; error?: string; cause?: string };
}

function singleJsonataPassOutput(c: Case): Json | undefined {
  const states = c.definition.States;
  if (!isJsonObject(states) || Object.keys(states).length !== 1) return undefined;
  const state = Object.values(states)[0];
  if (!isJsonObject(state) || state.Type !== 'Pass' || !('Output' in state)) return undefined;
  const language = state.QueryLanguage ?? c.definition.QueryLanguage;
  return language === 'JSONata' ? state.Output : undefined;
}

const cases = corpusGroupFiles('jsonata')
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Case)
  .filter((c) => singleJsonataPassOutput(c) !== undefined);

describe.skipIf(!conformanceAvailable)('JSONata conformance: single Pass state Output', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const template = compileJsonataTemplate(singleJsonataPassOutput(c) as Json);
    const outcome = await template.evaluate(bindings(c.input), 'Output').then(
      (output) => ({ output }),
      (error: unknown) => ({ error }),
    );
    if (c.expect.error !== undefined) {
      expect('error' in outcome && outcome.error).toBeInstanceOf(StatesError);
      const error = (outcome as { error: StatesError }).error;
      expect(error.error).toBe(c.expect.error);
      expect(error.cause).toBe(c.expect.cause?.replace(STATE_PREFIX, ''));
    } else {
      expect(outcome).toHaveProperty('output');
      const output = (outcome as { output: Json }).output;
      expect(jsonEquals(output, c.expect.output as Json), JSON.stringify(output)).toBe(true);
    }
  });
});

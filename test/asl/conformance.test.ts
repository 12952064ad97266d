import { describe, expect, it } from 'vitest';
import { invalidDefinitionMessage, validateDefinition } from '../../src/asl/validate.js';
import { conformanceAvailable } from '../support/corpus-dir.js';
import { loadCases } from './corpus.js';

const rejected = loadCases((group) => group === 'validation');
const accepted = loadCases((group) => group !== 'validation');

describe.skipIf(!conformanceAvailable)('definitions AWS rejected are rejected with its words', () => {
  it('the corpus holds 109 rejected definitions', () => expect(rejected).toHaveLength(109));

  it.each(rejected.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = c.definitionText as string;
    const expected = c.expect.invalidDefinition;
    const result = validateDefinition(text, { stateMachineType: c.stateMachineType });
    expect(result.result).toBe('FAIL');
    if (expected?.api === 'CreateStateMachine') {
      expect(invalidDefinitionMessage(result.diagnostics, text)).toBe(expected.message);
    } else {
      const actual = result.diagnostics.map(({ code, location, message, severity }) => ({
        code,
        location,
        message,
        severity,
      }));
      expect(actual).toEqual(expected?.diagnostics);
    }
  });
});

describe.skipIf(!conformanceAvailable)('definitions AWS accepted are accepted', () => {
  it('the corpus holds 867 accepted definitions', () => expect(accepted).toHaveLength(867));

  it.each(accepted.map((c) => [`${c.group}/${c.name}`, c] as const))('%s', (_name, c) => {
    const result = validateDefinition(c.definition, { stateMachineType: c.stateMachineType });
    expect(result.diagnostics).toEqual([]);
    expect(result.result).toBe('OK');
  });
});

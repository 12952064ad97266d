import { describe, expect, it } from 'vitest';
import { loadGroup, matchesExpected, runSinglePass, whyNotSinglePass } from './corpus.js';

const cases = loadGroup('intrinsic_functions');

describe('intrinsic_functions conformance cases (recorded on AWS)', () => {
  it('has all 130 recorded cases', () => {
    expect(cases).toHaveLength(130);
  });

  for (const testCase of cases) {
    const skip = whyNotSinglePass(testCase);
    it.skipIf(skip !== undefined)(
      `${testCase.name}${skip === undefined ? '' : ` (needs the interpreter: ${skip})`}`,
      () => {
        const outcome = runSinglePass(testCase);
        expect(outcome).toHaveProperty('output');
        const actual = 'output' in outcome ? outcome.output : undefined;
        expect(matchesExpected(testCase.expect.output ?? null, actual), JSON.stringify(actual)).toBe(true);
      },
    );
  }
});

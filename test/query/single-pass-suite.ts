/**
 * The recorded cases of one corpus group that a single Pass state decides, one test each: the
 * output AWS recorded, or its error and cause. The other cases are listed as skipped with the
 * reason (the interpreter's conformance run covers them).
 */
import { expect, it } from 'vitest';
import { conformanceAvailable } from '../support/corpus-dir.js';
import { causeDetail, loadGroup, matchesExpected, runSinglePass, whyNotSinglePass } from './intrinsics/corpus.js';

/** Registers the tests in the enclosing describe; `count` is how many cases the group must hold. */
export function singlePassCases(group: string, count: number): void {
  const cases = loadGroup(group);
  it.skipIf(!conformanceAvailable)(`has all ${count} recorded cases`, () => {
    expect(cases).toHaveLength(count);
  });

  for (const testCase of cases) {
    const skip = whyNotSinglePass(testCase);
    it.skipIf(skip !== undefined)(
      `${testCase.name}${skip === undefined ? '' : ` (needs the interpreter: ${skip})`}`,
      () => {
        const outcome = runSinglePass(testCase);
        if (testCase.expect.error !== undefined) {
          expect(outcome).toMatchObject({ error: testCase.expect.error });
          const cause = 'cause' in outcome ? outcome.cause : '';
          expect(matchesExpected(causeDetail(testCase.expect.cause ?? ''), cause), cause).toBe(true);
        } else {
          expect(outcome).toHaveProperty('output');
          const actual = 'output' in outcome ? outcome.output : undefined;
          expect(matchesExpected(testCase.expect.output ?? null, actual), JSON.stringify(outcome)).toBe(true);
        }
      },
    );
  }
}

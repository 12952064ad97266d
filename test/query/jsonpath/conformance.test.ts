import { describe, expect, it } from 'vitest';
import { causeDetail, loadGroup, matchesExpected, runSinglePass, whyNotSinglePass } from '../intrinsics/corpus.js';
import { compilePayloadTemplate, TemplateError } from '../../../src/query/payload-template.js';
import { isJsonObject, type Json } from '../../../src/json.js';

describe('jsonpath conformance cases (recorded on AWS)', () => {
  const cases = loadGroup('jsonpath');
  it('has all 24 recorded cases', () => {
    expect(cases).toHaveLength(24);
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
          const actual = 'output' in outcome ? outcome.output : undefined;
          expect(matchesExpected(testCase.expect.output ?? null, actual), JSON.stringify(outcome)).toBe(true);
        }
      },
    );
  }
});

describe('illegal escapes in intrinsic functions (validation cases recorded on AWS)', () => {
  const cases = loadGroup('validation').filter((c) => c.name.startsWith('illegal_escapes_'));
  it('finds both recorded cases', () => {
    expect(cases).toHaveLength(2);
  });

  for (const testCase of cases) {
    it(`${testCase.name} is rejected with AWS's message for the field`, () => {
      const state = Object.values(testCase.definition.States as Record<string, Json>)[0];
      const parameters = isJsonObject(state) ? state.Parameters : undefined;
      const message = String(testCase.expect.invalidDefinition?.message);
      let thrown: unknown;
      try {
        compilePayloadTemplate(parameters ?? null);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TemplateError);
      const error = thrown as TemplateError;
      expect(error.fieldName).toBe('parsed.$');
      expect(message).toContain(`SCHEMA_VALIDATION_FAILED: ${error.message} at /States/`);
    });
  }
});

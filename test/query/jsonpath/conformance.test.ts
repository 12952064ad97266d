import { describe, expect, it } from 'vitest';
import { loadGroup } from '../intrinsics/corpus.js';
import { conformanceAvailable } from '../../support/corpus-dir.js';
import { singlePassCases } from '../single-pass-suite.js';
import { compilePayloadTemplate, TemplateError } from '../../../src/query/payload-template.js';
import { isJsonObject, type Json } from '../../../src/json.js';

describe('jsonpath conformance cases (recorded on AWS)', () => {
  singlePassCases('jsonpath', 24);
});

describe.skipIf(!conformanceAvailable)(
  'illegal escapes in intrinsic functions (validation cases recorded on AWS)',
  () => {
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
  },
);

/** The JSON Schema editors use: the examples point at it, and it accepts them. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTestFile, TestFileError } from '../../src/testing/test-file.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examples = [
  'examples/document-validation/document-validation.sfn-test.yaml',
  'examples/file-pipeline/file-pipeline.sfn-test.yaml',
];

describe('schemas/sfn-test.schema.json', () => {
  it.each(examples)('%s names the schema on its first line and follows it', (file) => {
    const path = resolve(root, file);
    const text = readFileSync(path, 'utf8');
    const match = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text.split('\n')[0] ?? '');
    expect(match).not.toBeNull();
    expect(resolve(dirname(path), match![1]!)).toBe(resolve(root, 'schemas/sfn-test.schema.json'));
    expect(parseTestFile(text, file).tests.length).toBeGreaterThan(0);
  });

  it('says where a test is missing its name, and what a mock must look like', () => {
    const missing = () => parseTestFile('stateMachine: m.asl.json\ntests:\n  - input: {}\n', 't.sfn-test.yaml');
    expect(missing).toThrow(TestFileError);
    expect(missing).toThrow("t.sfn-test.yaml:3:5: tests[0]: 'name' is required");
    const badMock = () =>
      parseTestFile('stateMachine: m.asl.json\nmocks:\n  A: { retrun: 1 }\ntests:\n  - name: x\n', 't.sfn-test.yaml');
    expect(badMock).toThrow(/^t\.sfn-test\.yaml:3:8: mocks\.A: unknown field 'retrun'$/);
    const badPattern = () =>
      parseTestFile(
        'stateMachine: m\ntests:\n  - name: x\n    expect:\n      error: { pattern: "(" }\n',
        't.sfn-test.yaml',
      );
    expect(badPattern).toThrow(
      /^t\.sfn-test\.yaml:5:25: tests\[0\]\.expect\.error\.pattern: not a valid regular expression/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/asl/parse.js';
import { validateDefinition } from '../../src/asl/validate.js';

const yaml = `Comment: a YAML machine
StartAt: First
States:
  First:
    Type: Pass
    Next: Nowhere
  Done:
    Type: Wait
    Timestamp: "2016-13-05T21:29:29Z"
    End: true
`;

describe('parseDefinition', () => {
  it('reads YAML and locates a pointer at its key', () => {
    const parsed = parseDefinition(yaml);
    if (!parsed.ok) throw new Error('expected YAML to parse');
    expect(parsed.locate('/States/First/Next')).toEqual({ line: 6, column: 5 });
    expect(parsed.locate('/')).toEqual({ line: 1, column: 1 });
  });

  it('gives YAML diagnostics their line and column', () => {
    const { diagnostics } = validateDefinition(yaml);
    expect(diagnostics.map(({ location, line, column }) => ({ location, line, column }))).toEqual([
      { location: '/States/First/Next', line: 6, column: 5 },
      { location: '/States/Done', line: 7, column: 3 },
      { location: '/States/Done/Timestamp', line: 9, column: 5 },
    ]);
  });

  it('locates array items written AWS style, and state names holding a slash', () => {
    const text =
      '{"StartAt": "a/b", "States": {"a/b": {"Type": "Choice", "Choices": [\n {"Variable": "$.x", "IsNull": true, "Next": "a/b"}]}}}';
    const parsed = parseDefinition(text);
    if (!parsed.ok) throw new Error('expected JSON to parse');
    expect(parsed.locate('/States/a/b/Choices[0]/Next')).toEqual({ line: 2, column: 38 });
  });

  it('reports invalid JSON with a line and column', () => {
    const parsed = parseDefinition('{\n  "StartAt": }');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON_DESCRIPTION', line: 2, column: 14 });
  });

  it('keeps JSON semantics: the last duplicate key wins and "\\/" is a slash', () => {
    const parsed = parseDefinition('{"a": 1, "a": "x\\/y"}');
    expect(parsed.ok && parsed.definition).toEqual({ a: 'x/y' });
  });

  it('accepts an already-parsed object without positions', () => {
    const parsed = parseDefinition({ StartAt: 'A' });
    expect(parsed.ok && parsed.locate('/StartAt')).toBeUndefined();
  });
});

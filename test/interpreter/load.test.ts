import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../src/asl/validate.js';
import { loadDefinition } from '../../src/interpreter/load.js';

const json = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', End: true } } });
const yaml = `StartAt: P
States:
  P:
    Type: Pass
    Result: done
    End: true
`;

describe('loadDefinition', () => {
  it('loads JSON text, YAML text and a value into the same machine', () => {
    for (const source of [json, yaml, JSON.parse(json)]) {
      const loaded = loadDefinition(source);
      if (!loaded.ok) throw new Error(loaded.message);
      expect(loaded.definition).toEqual(JSON.parse(json));
      expect(loaded.machine.root.startAt).toBe('P');
      expect([...loaded.machine.root.states.keys()]).toEqual(['P']);
      expect(loaded.diagnostics).toEqual([]);
    }
  });

  it('reads text starting with { as JSON strictly: a trailing comma is INVALID_JSON_DESCRIPTION, not YAML', () => {
    const text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}},}';
    const loaded = loadDefinition(text);
    if (loaded.ok) throw new Error('expected a parse failure');
    expect(loaded.stage).toBe('parse');
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['INVALID_JSON_DESCRIPTION']);
    expect(loaded.diagnostics).toEqual(validateDefinition(text).diagnostics);
    expect(loaded.message).toMatch(/^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /);
  });

  it('reports a YAML syntax error as the validator does', () => {
    const text = 'StartAt: P\nStates: [\n';
    const loaded = loadDefinition(text);
    if (loaded.ok) throw new Error('expected a parse failure');
    expect(loaded.stage).toBe('parse');
    expect(loaded.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON_DESCRIPTION', severity: 'ERROR' });
    expect(loaded.diagnostics).toEqual(validateDefinition(text).diagnostics);
  });

  it("a rule violation fails with the validator's diagnostics, located in the text, and AWS's message", () => {
    const text = yaml.replace('End: true', 'Next: Nowhere');
    const loaded = loadDefinition(text);
    if (loaded.ok) throw new Error('expected a validation failure');
    expect(loaded.stage).toBe('validate');
    expect(loaded.diagnostics).toEqual(validateDefinition(text).diagnostics);
    expect(loaded.diagnostics[0]).toMatchObject({ code: 'MISSING_TRANSITION_TARGET', line: 6, column: 5 });
    expect(loaded.message).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/P/Next, " +
        "MISSING_END_STATE: Workflow has no terminal state at null'",
    );
  });

  it('applies the rules of the state machine type', () => {
    const sync = JSON.stringify({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', End: true } },
    });
    expect(loadDefinition(sync, { stateMachineType: 'STANDARD' }).ok).toBe(true);
    const express = loadDefinition(sync, { stateMachineType: 'EXPRESS' });
    expect(express.ok).toBe(false);
    expect(express.ok ? undefined : express.message).toContain("Express state machine does not support '.sync'");
  });

  it('prepare makes the value validated and compiled; its diagnostics have no position', () => {
    const wrap = (state: unknown) => ({ StartAt: 'X', States: { X: state } }) as never;
    const loaded = loadDefinition('Type: Pass\nEnd: true\n', { prepare: wrap });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.definition).toEqual({ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } });

    const failed = loadDefinition('Type: Pass\nNext: Nowhere\n', { prepare: wrap });
    if (failed.ok) throw new Error('expected a validation failure');
    expect(failed.diagnostics[0]).toMatchObject({ code: 'MISSING_TRANSITION_TARGET', location: '/States/X/Next' });
    expect(failed.diagnostics[0].line).toBeUndefined();
  });

  it('trusted skips the rules; what does not compile fails at the compile stage, located', () => {
    const text = '{\n  "StartAt": "A",\n  "States": { "A": "not a state" }\n}';
    expect(loadDefinition(text).ok).toBe(false);
    const loaded = loadDefinition(text, { trusted: true });
    if (loaded.ok) throw new Error('expected a compile failure');
    expect(loaded.stage).toBe('compile');
    expect(loaded.message).toBe('A state must be an object at /States/A');
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: 'A state must be an object',
        location: '/States/A',
        line: 3,
        column: 15,
      },
    ]);
  });
});

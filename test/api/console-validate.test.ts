/** The editor's live validation endpoint, through real HTTP: the server's validator, with line and column. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('memory');
});
afterAll(async () => {
  await h.close();
});

async function validate(body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${h.url}/console/api/validate`, { method: 'POST', body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('POST /console/api/validate', () => {
  it('answers OK with no diagnostics for a valid definition', async () => {
    const definition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    expect(await validate(JSON.stringify({ definition }))).toEqual({
      status: 200,
      json: { result: 'OK', diagnostics: [] },
    });
  });

  it("places a diagnostic at the line and column of the text, YAML included, with AWS's code and message", async () => {
    const definition = [
      'StartAt: A',
      'States:',
      '  A:',
      '    Type: Pass',
      '    Next: Nowhere',
      '  B:',
      '    Type: Succeed',
    ].join('\n');
    const { status, json } = await validate(JSON.stringify({ definition }));
    expect(status).toBe(200);
    expect(json.result).toBe('FAIL');
    expect(json.diagnostics).toEqual([
      expect.objectContaining({
        code: 'MISSING_TRANSITION_TARGET',
        location: '/States/A/Next',
        line: 5,
        message: "Missing 'Next' target: Nowhere",
      }),
      expect.objectContaining({ location: '/States/B', line: 6, column: 3, message: 'State "B" is not reachable.' }),
    ]);
  });

  it('checks the rules of the given type: .sync is refused for EXPRESS only', async () => {
    const definition = JSON.stringify({
      StartAt: 'Run',
      States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', End: true } },
    });
    const standard = await validate(JSON.stringify({ definition, type: 'STANDARD' }));
    const express = await validate(JSON.stringify({ definition, type: 'EXPRESS' }));
    expect(standard.json.result).toBe('OK');
    expect(express.json.result).toBe('FAIL');
  });

  it.each([
    ['not JSON', '{', 'The request body must be a JSON object'],
    ['no definition', '{}', "The request body must be a JSON object with a string 'definition'"],
    ['an unknown type', JSON.stringify({ definition: '{}', type: 'BATCH' }), "'type' must be STANDARD or EXPRESS"],
  ])('answers a body with %s with a 400 ValidationException', async (_what, body, message) => {
    expect(await validate(body)).toEqual({ status: 400, json: { __type: 'ValidationException', message } });
  });
});

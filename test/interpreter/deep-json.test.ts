/**
 * JSON nested deeper than MAX_JSON_DEPTH inside an execution: States.StringToJson fails the state
 * with States.Runtime naming the limit, and the history's ids stay contiguous.
 */
import { describe, expect, it } from 'vitest';
import { execute, fakeClock } from '../../src/index.js';
import { MAX_JSON_DEPTH } from '../../src/vocabulary/limits.js';
import type { Json } from '../../src/json.js';
import { LAMBDA_ARN, task } from './support.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const machine = {
  StartAt: 'Parse',
  States: { Parse: { Type: 'Pass', Parameters: { 'v.$': 'States.StringToJson($.text)' }, End: true } },
};

describe('deep JSON inside an execution', () => {
  it('States.StringToJson of text nested 20,000 deep fails with States.Runtime naming the limit', async () => {
    const r = await execute(machine, { text: nested(20_000) }, { clock: fakeClock() });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    const ids = r.history.map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    for (const e of r.history.slice(1)) expect(e.previousEventId).toBe(e.id - 1);
  });

  it('a task result nested 20,000 deep fails the task with States.Runtime naming the limit', async () => {
    let deep: Json = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const r = await execute(task({}), {}, { handlers: { [LAMBDA_ARN]: () => deep }, clock: fakeClock() });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    const ids = r.history.map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });

  it('text nested to the limit still parses', async () => {
    const r = await execute(machine, { text: nested(MAX_JSON_DEPTH - 1) }, { clock: fakeClock() });
    expect(r.status).toBe('SUCCEEDED');
  });

  it('JSONata $parse of deep text fails the state with a cause naming the limit', async () => {
    const r = await execute(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% $parse($states.input.text) %}', End: true } },
      },
      { text: nested(20_000) },
      { clock: fakeClock() },
    );
    expect(r.status).toBe('FAILED');
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    const ids = r.history.map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });
});

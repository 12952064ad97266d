/** Deep JSON inside an execution: States.Runtime naming the limit, and a history numbered 1..n. */
import { describe, expect, it } from 'vitest';
import { DefinitionError, execute, fakeClock } from '../../src/index.js';
import type { Json } from '../../src/json.js';
import { MAX_JSON_DEPTH } from '../../src/vocabulary/limits.js';
import { LAMBDA_ARN, task } from './support.js';

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function contiguous(history: { id: number; previousEventId?: number }[]): boolean {
  return history.every((e, i) => e.id === i + 1 && (e.previousEventId ?? 0) < e.id);
}

describe('nesting depth inside an execution', () => {
  it('a task result nested 20,000 deep fails the task with States.Runtime naming the limit, before any event holds it', async () => {
    let result: Json = 1;
    for (let i = 0; i < 20_000; i++) result = [result];
    const r = await execute(task({}), {}, { handlers: { [LAMBDA_ARN]: () => result }, clock: fakeClock() });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(contiguous(r.history)).toBe(true);
  });

  it('States.StringToJson of text deeper than the limit fails with States.Runtime, ids contiguous', async () => {
    const r = await execute(
      {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Parameters: { 'x.$': 'States.StringToJson($.text)' }, End: true } },
      },
      { text: deep(20_000) },
      { clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(contiguous(r.history)).toBe(true);
    const failed = r.history.at(-1)!;
    expect(failed.type).toBe('ExecutionFailed');
    expect(failed.previousEventId).toBe(r.history.length - 1);
  });

  it('States.StringToJson within the limit still parses', async () => {
    const r = await execute(
      {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Parameters: { 'x.$': 'States.StringToJson($.text)' }, End: true } },
      },
      { text: deep(100) },
      { clock: fakeClock() },
    );
    expect(r.status).toBe('SUCCEEDED');
  });

  it("JSONata's $parse of too deep text fails the state, naming the limit", async () => {
    const r = await execute(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% $parse($states.input.text) %}', End: true } },
      },
      { text: deep(20_000) },
      { clock: fakeClock() },
    );
    expect(r.status).toBe('FAILED');
    expect(r.cause).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(contiguous(r.history)).toBe(true);
  });

  it('a definition nested 20,000 levels deep is an invalid definition, not a crash', async () => {
    const definition = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":${deep(20_000)},"End":true}}}`;
    await expect(execute(definition, {}, { clock: fakeClock() })).rejects.toBeInstanceOf(DefinitionError);
    const yaml = `StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result: ${deep(20_000)}\n    End: true\n`;
    await expect(execute(yaml, {}, { clock: fakeClock() })).rejects.toBeInstanceOf(DefinitionError);
  });

  it('a JSONata result too deep for the recursive printers fails with States.Runtime, history ids contiguous', async () => {
    const r = await execute(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: {
          P: { Type: 'Pass', Output: '{% $reduce([1..20000], function($acc, $v){ {"a": $acc} }, {}) %}', Next: 'Q' },
          Q: { Type: 'Pass', End: true },
        },
      },
      {},
      { clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });

    expect(contiguous(r.history)).toBe(true);
    expect(r.history.at(-1)!.previousEventId).toBe(r.history.length - 1);
  });

  it('an event whose details cannot be built takes no id: the history still starts at 1', async () => {
    let input: Json = {};
    for (let i = 0; i < 20_000; i++) input = { a: input };
    const r = await execute({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, input, {
      clock: fakeClock(),
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(r.history.map((e) => [e.id, e.previousEventId])).toEqual([[1, 0]]);
  });
});

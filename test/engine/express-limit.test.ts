/**
 * Express executions run for at most five minutes: a timer ends them TIMED_OUT with States.Timeout
 * at the limit, whether they wait, sit in a long task, or loop; Standard ones are not limited.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';

const T0 = Date.UTC(2024, 0, 1);
const FN = 'arn:aws:states:::lambda:invoke';
const wait400: Json = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 400, End: true } } };
const never = () => new Promise<Json>(() => {});

describe('the Express five-minute limit', () => {
  it('an Express Wait of 400 s times out at five minutes', async () => {
    const clock = fakeClock(T0);
    const r = await execute(wait400, {}, { stateMachineType: 'EXPRESS', clock });
    expect(r).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'The execution reached its maximum duration.',
    });
    expect(clock.now()).toBe(T0 + 300_000);
    expect(r.history.at(-1)?.type).toBe('ExecutionTimedOut');
  });

  it('an Express task that takes 400 s times out at five minutes, and the task is cancelled', async () => {
    const clock = fakeClock(T0, { handlerGraceMs: 10 });
    const r = await execute(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN, TimeoutSeconds: 400, End: true } } },
      {},
      { stateMachineType: 'EXPRESS', clock, handlers: { [FN]: never } },
    );
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(clock.now()).toBe(T0 + 300_000);
  });

  it('the definition’s TimeoutSeconds still wins when it is sooner', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      { ...(wait400 as object), TimeoutSeconds: 100 },
      {},
      { stateMachineType: 'EXPRESS', clock },
    );
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out.' });
    expect(clock.now()).toBe(T0 + 100_000);
  });

  it('an Express execution that ends in time succeeds', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 299, End: true } } },
      {},
      { stateMachineType: 'EXPRESS', clock },
    );
    expect(r.status).toBe('SUCCEEDED');
  });

  it('a Standard Wait of 400 s succeeds', async () => {
    const clock = fakeClock(T0);
    const r = await execute(wait400, {}, { clock });
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(T0 + 400_000);
  });
});

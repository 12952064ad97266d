/**
 * The 256 KiB payload quota: States.DataLimitExceeded, a terminal error States.ALL cannot catch.
 * AWS reports it when a connector's output, a state's output, or a state's input after Parameters
 * exceeds the quota.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';
import { LAMBDA_ARN, payloadOfSize, task } from './support.js';

const KiB = 1024;
const big = payloadOfSize(257 * KiB);
const small = payloadOfSize(200 * KiB);

async function run(definition: Json, result: Json, input: Json = {}) {
  let calls = 0;
  const r = await execute(definition, input, {
    handlers: { [LAMBDA_ARN]: () => (calls++, result) },
    clock: fakeClock(),
  });
  return { ...r, calls };
}

describe('States.DataLimitExceeded', () => {
  it('a task result over 256 KiB fails the state with States.DataLimitExceeded', async () => {
    const r = await run(task({}), big);
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('a task result under 256 KiB is fine', async () => {
    const r = await run(task({}), small);
    expect(r.status).toBe('SUCCEEDED');
  });

  it('a connector output over the quota fails even when ResultSelector would keep only a little of it', async () => {
    const r = await run(task({ ResultSelector: { 'n.$': "States.StringToJson('1')" } }), big);
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('a connector output over the quota fails even when ResultPath null would discard it', async () => {
    const r = await run(task({ ResultPath: null }), big);
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('a state input over the quota after Parameters fails before the task is invoked', async () => {
    const r = await run(task({ Parameters: { 'a.$': '$.half', 'b.$': '$.half' } }), null, {
      half: payloadOfSize(150 * KiB),
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(r.calls).toBe(0);
  });

  it('a Pass state output over the quota fails', async () => {
    const r = await execute(
      { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, End: true } } },
      { half: payloadOfSize(150 * KiB) },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('States.ALL does not catch States.DataLimitExceeded', async () => {
    const r = await run(
      task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] }, { Caught: { Type: 'Succeed' } }),
      big,
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('States.ALL does not retry States.DataLimitExceeded', async () => {
    const r = await run(task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }] }), big);
    expect(r.calls).toBe(1);
    expect(r.error).toBe('States.DataLimitExceeded');
  });

  it('States.TaskFailed does not catch States.DataLimitExceeded', async () => {
    const r = await run(
      task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }] }, { Caught: { Type: 'Succeed' } }),
      big,
    );
    expect(r.error).toBe('States.DataLimitExceeded');
  });
});

/**
 * Retry and Catch on Task states: how many attempts, how long between them, which retrier or
 * catcher applies, and where the error output goes.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock, TaskFailure, type TaskHandler } from '../../src/index.js';
import { Driver, eventsOf, firstEvent, LAMBDA_ARN, T0, task, types } from './support.js';

/** A handler that fails `failures` times with `error`, then returns `result`; it records the clock at each call. */
function flaky(clock: { now(): number }, failures: number, error = 'Custom.Error', result: Json = 'ok') {
  const calls: { at: number; input: Json; attempt: number }[] = [];
  const handler: TaskHandler = (input, ctx) => {
    calls.push({ at: clock.now(), input, attempt: ctx.attempt });
    if (calls.length <= failures) throw new TaskFailure(error, `failure ${calls.length}`);
    return result;
  };
  return { calls, handler };
}

async function runFlaky(definition: Json, failures: number, error?: string, input: Json = {}) {
  const clock = fakeClock(T0);
  const { calls, handler } = flaky(clock, failures, error);
  const result = await execute(definition, input, { handlers: { [LAMBDA_ARN]: handler }, clock });
  return { result, calls, delays: calls.slice(1).map((c, i) => (c.at - (calls[i] as { at: number }).at) / 1000) };
}

describe('Retry: how many attempts', () => {
  it('MaxAttempts counts retries: MaxAttempts 2 means three invocations in all', async () => {
    const { result, calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }] }), 10);
    expect(calls).toHaveLength(3);
    expect(result).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'failure 3' });
  });

  it('MaxAttempts defaults to 3', async () => {
    const { calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['States.ALL'] }] }), 10);
    expect(calls).toHaveLength(4);
  });

  it('MaxAttempts 0 never retries', async () => {
    const { result, calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] }), 10);
    expect(calls).toHaveLength(1);
    expect(result.status).toBe('FAILED');
  });

  it('a retry that succeeds continues as if the first attempt had', async () => {
    const { result, calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['Custom.Error'], MaxAttempts: 3 }] }), 2);
    expect(calls).toHaveLength(3);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'ok' });
  });

  it('the handler sees the attempt number: 0 first, then 1, 2...', async () => {
    const { calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }] }), 10);
    expect(calls.map((c) => c.attempt)).toEqual([0, 1, 2]);
  });

  it('$$.State.RetryCount in Parameters counts the retries so far', async () => {
    const { calls } = await runFlaky(
      task({ Parameters: { 'n.$': '$$.State.RetryCount' }, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }] }),
      10,
    );
    expect(calls.map((c) => c.input)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('an error no retrier names is not retried', async () => {
    const { calls } = await runFlaky(task({ Retry: [{ ErrorEquals: ['Other.Error'], MaxAttempts: 5 }] }), 10);
    expect(calls).toHaveLength(1);
  });

  it('the first retrier whose ErrorEquals matches is used, even if a later one also matches', async () => {
    const { calls } = await runFlaky(
      task({
        Retry: [
          { ErrorEquals: ['Custom.Error'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      }),
      10,
    );
    expect(calls).toHaveLength(2);
  });

  it('a retrier naming several errors counts their retries together', async () => {
    const clock = fakeClock(T0);
    const errors = ['A', 'B', 'A'];
    let n = 0;
    const handler: TaskHandler = () => {
      const e = errors[n++];
      if (e) throw new TaskFailure(e, 'x');
      return 'done';
    };
    const r = await execute(
      task({ Retry: [{ ErrorEquals: ['A', 'B'], MaxAttempts: 2 }] }),
      {},
      { handlers: { [LAMBDA_ARN]: handler }, clock },
    );
    expect(n).toBe(3);
    expect(r).toMatchObject({ status: 'FAILED', error: 'A' });
  });

  it('$states.context.State.RetryCount counts the retries in JSONata Arguments', async () => {
    const { calls } = await runFlaky(
      task(
        {
          Arguments: { n: '{% $states.context.State.RetryCount %}' },
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }],
        },
        {},
        { QueryLanguage: 'JSONata' },
      ),
      10,
    );
    expect(calls.map((c) => c.input)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('each retrier keeps its own count of attempts', async () => {
    const clock = fakeClock(T0);
    const errors = ['A', 'B', 'A', 'B', 'A'];
    let n = 0;
    const handler: TaskHandler = () => {
      const e = errors[n++];
      if (e) throw new TaskFailure(e, 'x');
      return 'done';
    };
    const r = await execute(
      task({
        Retry: [
          { ErrorEquals: ['A'], MaxAttempts: 2 },
          { ErrorEquals: ['B'], MaxAttempts: 2 },
        ],
      }),
      {},
      { handlers: { [LAMBDA_ARN]: handler }, clock },
    );
    // A, B, A, B retried (two each); the third A exceeds A's retrier.
    expect(n).toBe(5);
    expect(r).toMatchObject({ status: 'FAILED', error: 'A' });
  });
});

describe('Retry: backoff', () => {
  it('waits IntervalSeconds × BackoffRate^n before retry n+1', async () => {
    const { delays } = await runFlaky(
      task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 4 }] }),
      10,
    );
    expect(delays).toEqual([3, 6, 12, 24]);
  });

  it('IntervalSeconds defaults to 1 and BackoffRate to 2', async () => {
    const { delays } = await runFlaky(task({ Retry: [{ ErrorEquals: ['States.ALL'] }] }), 10);
    expect(delays).toEqual([1, 2, 4]);
  });

  it('BackoffRate 1 retries at a fixed interval', async () => {
    const { delays } = await runFlaky(
      task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, BackoffRate: 1, MaxAttempts: 3 }] }),
      10,
    );
    expect(delays).toEqual([5, 5, 5]);
  });

  it('a fractional BackoffRate is applied exactly', async () => {
    const { delays } = await runFlaky(
      task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 1.5, MaxAttempts: 3 }] }),
      10,
    );
    expect(delays).toEqual([2, 3, 4.5]);
  });

  it('MaxDelaySeconds caps the delay', async () => {
    const { delays } = await runFlaky(
      task({
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 5, MaxDelaySeconds: 20 },
        ],
      }),
      10,
    );
    expect(delays).toEqual([2, 6, 18, 20, 20]);
  });

  it('JitterStrategy FULL scales the delay by runtime.random()', async () => {
    const d = await Driver.start(
      task({
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' },
        ],
      }),
      {},
      { random: 0.25 },
    );
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'E' });
    const [first] = d.last.commands.filter((c) => c.kind === 'startTimer');
    expect(first).toEqual({ kind: 'startTimer', timerId: expect.any(String), fireAt: T0 + 2_500, purpose: 'retry' });
    await d.fire(first as Extract<typeof first, { kind: 'startTimer' }>);
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'E' });
    const second = d.last.commands.find((c) => c.kind === 'startTimer');
    expect(second).toMatchObject({ fireAt: T0 + 2_500 + 5_000 });
  });

  it('JitterStrategy FULL delays are never longer than without jitter', async () => {
    const d = await Driver.start(
      task({
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 10,
            MaxAttempts: 1,
            MaxDelaySeconds: 15,
            JitterStrategy: 'FULL',
          },
        ],
      }),
      {},
      { random: 0.999 },
    );
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'E' });
    const timer = d.last.commands.find((c) => c.kind === 'startTimer');
    expect(timer).toMatchObject({ fireAt: T0 + 9_990 });
  });

  it('a retry is a timer, not a sleep: the step returns a startTimer and no invokeTask until it fires', async () => {
    const d = await Driver.start(task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 7 }] }));
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'E' });
    expect(d.last.commands.map((c) => c.kind)).toEqual(['startTimer']);
    expect(d.last.events.map((e) => e.type)).toEqual(['LambdaFunctionFailed']);
    const timer = d.last.commands[0] as Extract<(typeof d.last.commands)[number], { kind: 'startTimer' }>;
    expect(timer.fireAt).toBe(T0 + 7_000);
    await d.fire(timer);
    expect(d.last.commands).toMatchObject([{ kind: 'invokeTask', attempt: 1 }]);
    // No second TaskStateEntered: the retry stays inside the same state.
    expect(d.types().filter((t) => t === 'TaskStateEntered')).toHaveLength(1);
  });
});

describe('Retry and Catch: which errors match', () => {
  it('States.ALL does not retry States.Runtime', async () => {
    const clock = fakeClock();
    let calls = 0;
    const r = await execute(
      task({ OutputPath: '$.missing', Retry: [{ ErrorEquals: ['States.ALL'] }] }),
      {},
      { handlers: { [LAMBDA_ARN]: () => (calls++, { present: 1 }) }, clock },
    );
    expect(calls).toBe(1);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });

  /** A Task whose OutputPath fails with States.Runtime, with a Catch on `errorEquals`. */
  const runtimeErrorCaughtBy = (errorEquals: string[]) =>
    execute(
      task(
        { OutputPath: '$.missing', Catch: [{ ErrorEquals: errorEquals, Next: 'Caught' }] },
        { Caught: { Type: 'Succeed' } },
      ),
      {},
      { handlers: { [LAMBDA_ARN]: () => ({ present: 1 }) }, clock: fakeClock() },
    );

  it('States.ALL does not catch States.Runtime', async () => {
    const r = await runtimeErrorCaughtBy(['States.ALL']);
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('States.Runtime named explicitly is caught', async () => {
    const r = await runtimeErrorCaughtBy(['States.Runtime']);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ Error: 'States.Runtime' });
  });

  it('States.TaskFailed matches any task error but States.Timeout', async () => {
    const definition = task(
      { TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }] },
      { Caught: { Type: 'Succeed' } },
    );
    const failed = await execute(
      definition,
      {},
      {
        handlers: {
          [LAMBDA_ARN]: () => {
            throw new TaskFailure('Any.Error');
          },
        },
        clock: fakeClock(),
      },
    );
    expect(failed.status).toBe('SUCCEEDED');
    const timedOut = await execute(
      definition,
      {},
      { handlers: { [LAMBDA_ARN]: () => new Promise<Json>(() => {}) }, clock: fakeClock() },
    );
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('error names match exactly and case-sensitively', async () => {
    const { calls } = await runFlaky(
      task({ Retry: [{ ErrorEquals: ['custom.error'], MaxAttempts: 3 }] }),
      10,
      'Custom.Error',
    );
    expect(calls).toHaveLength(1);
  });
});

describe('Catch', () => {
  const failing = () => {
    throw new TaskFailure('Custom.Error', 'the cause');
  };

  async function caught(catcher: Record<string, Json>, input: Json = { keep: 1 }, top: Record<string, Json> = {}) {
    return execute(
      task(
        { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler', ...catcher }] },
        { Handler: { Type: 'Pass', End: true } },
        top,
      ),
      input,
      { handlers: { [LAMBDA_ARN]: failing }, clock: fakeClock() },
    );
  }

  it('without ResultPath the error output {Error, Cause} replaces the state input', async () => {
    const r = await caught({});
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Custom.Error', Cause: 'the cause' } });
  });

  it('ResultPath "$.err" adds the error output to the state input', async () => {
    const r = await caught({ ResultPath: '$.err' });
    expect(r.output).toEqual({ keep: 1, err: { Error: 'Custom.Error', Cause: 'the cause' } });
  });

  it('ResultPath null discards the error output and passes the state input on', async () => {
    const r = await caught({ ResultPath: null });
    expect(r.output).toEqual({ keep: 1 });
  });

  it('an error without a cause has no Cause in its error output', async () => {
    const r = await execute(
      task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }] }, { Handler: { Type: 'Pass', End: true } }),
      {},
      {
        handlers: {
          [LAMBDA_ARN]: () => {
            throw new TaskFailure('Only.Error');
          },
        },
        clock: fakeClock(),
      },
    );
    expect(r.output).toEqual({ Error: 'Only.Error' });
  });

  it('the first catcher whose ErrorEquals matches decides where execution goes', async () => {
    const r = await execute(
      task(
        {
          Catch: [
            { ErrorEquals: ['Other.Error'], Next: 'Wrong' },
            { ErrorEquals: ['Custom.Error'], Next: 'Right' },
            { ErrorEquals: ['States.ALL'], Next: 'Wrong' },
          ],
        },
        { Right: { Type: 'Pass', Result: 'right', End: true }, Wrong: { Type: 'Pass', Result: 'wrong', End: true } },
      ),
      {},
      { handlers: { [LAMBDA_ARN]: failing }, clock: fakeClock() },
    );
    expect(r.output).toBe('right');
  });

  it('JSONata Catch Output and Assign read $states.errorOutput', async () => {
    const r = await execute(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: LAMBDA_ARN,
            End: true,
            Catch: [
              {
                ErrorEquals: ['States.ALL'],
                Next: 'Handler',
                Output: {
                  message: '{% $states.errorOutput.Error & ": " & $states.errorOutput.Cause %}',
                  input: '{% $states.input %}',
                },
                Assign: { lastError: '{% $states.errorOutput.Error %}' },
              },
            ],
          },
          Handler: {
            Type: 'Pass',
            Output: { received: '{% $states.input %}', lastError: '{% $lastError %}' },
            End: true,
          },
        },
      },
      { keep: 1 },
      { handlers: { [LAMBDA_ARN]: failing }, clock: fakeClock() },
    );
    expect(r.output).toEqual({
      received: { message: 'Custom.Error: the cause', input: { keep: 1 } },
      lastError: 'Custom.Error',
    });
  });

  it('a JSONata catcher without Output passes the error output on', async () => {
    const r = await caught({}, {}, { QueryLanguage: 'JSONata' });
    expect(r.output).toEqual({ Error: 'Custom.Error', Cause: 'the cause' });
  });

  it('a catcher applies only once the retries are exhausted', async () => {
    const clock = fakeClock(T0);
    const { calls, handler } = flaky(clock, 10);
    const r = await execute(
      task(
        {
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }],
        },
        { Handler: { Type: 'Pass', End: true } },
      ),
      {},
      { handlers: { [LAMBDA_ARN]: handler }, clock },
    );
    expect(calls).toHaveLength(3);
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Custom.Error', Cause: 'failure 3' } });
  });

  it('a caught error writes TaskStateExited and enters the catcher’s Next', async () => {
    const r = await caught({});
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const exited = firstEvent(r.history, 'TaskStateExited');
    expect(JSON.parse(exited.stateExitedEventDetails?.output ?? 'null')).toEqual({
      Error: 'Custom.Error',
      Cause: 'the cause',
    });
  });

  it('an uncaught error writes no TaskStateExited and fails the execution', async () => {
    const r = await execute(task({}), {}, { handlers: { [LAMBDA_ARN]: failing }, clock: fakeClock() });
    expect(eventsOf(r.history, 'TaskStateExited')).toEqual([]);
    expect(r.history.at(-1)?.type).toBe('ExecutionFailed');
    expect(r.history.at(-1)?.executionFailedEventDetails).toEqual({ error: 'Custom.Error', cause: 'the cause' });
  });
});

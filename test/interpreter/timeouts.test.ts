/**
 * Time: Task TimeoutSeconds and HeartbeatSeconds, the execution's TimeoutSeconds, and Waits,
 * all under a fake clock so nothing really sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';
import {
  ACTIVITY_ARN,
  Driver,
  eventsOf,
  firstEvent,
  INVOKE,
  LAMBDA_ARN,
  T0,
  task,
  types,
  type StartTimer,
} from './support.js';

const never = () => new Promise<Json>(() => {});

describe('Task TimeoutSeconds', () => {
  it('a task that never settles fails with States.Timeout once TimeoutSeconds pass', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      task({ Resource: INVOKE, TimeoutSeconds: 30 }),
      {},
      { handlers: { [INVOKE]: never }, clock },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(clock.now()).toBe(T0 + 30_000);
    expect(firstEvent(r.history, 'TaskTimedOut').taskTimedOutEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'States.Timeout',
    });
  });

  it('a legacy Lambda ARN that times out writes LambdaFunctionTimedOut', async () => {
    const r = await execute(task({ TimeoutSeconds: 5 }), {}, { handlers: { [LAMBDA_ARN]: never }, clock: fakeClock() });
    expect(r.error).toBe('States.Timeout');
    expect(types(r.history)).toContain('LambdaFunctionTimedOut');
  });

  it('a task that settles before its timeout is not timed out', async () => {
    const r = await execute(
      task({ TimeoutSeconds: 5 }),
      {},
      { handlers: { [LAMBDA_ARN]: () => 'fast' }, clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: 'fast' });
  });

  it('States.Timeout can be retried, each attempt getting the full timeout again', async () => {
    const clock = fakeClock(T0);
    const starts: number[] = [];
    const r = await execute(
      task({ TimeoutSeconds: 10, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 2 }] }),
      {},
      { handlers: { [LAMBDA_ARN]: () => (starts.push(clock.now()), never()) }, clock },
    );
    expect(r.error).toBe('States.Timeout');
    expect(starts).toEqual([T0, T0 + 12_000]);
    expect(clock.now()).toBe(T0 + 22_000);
  });

  it('States.Timeout can be caught', async () => {
    const r = await execute(
      task(
        { TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }] },
        { Late: { Type: 'Pass', End: true } },
      ),
      { keep: 1 },
      { handlers: { [LAMBDA_ARN]: never }, clock: fakeClock() },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ Error: 'States.Timeout' });
  });

  it('the timeout timer is cancelled when the task settles in time', async () => {
    const d = await Driver.start(task({ TimeoutSeconds: 10 }));
    const timer = d.timers()[0] as StartTimer;
    await d.send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 1 });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId: timer.timerId });
  });

  it('timing out cancels the task', async () => {
    const d = await Driver.start(task({ TimeoutSeconds: 10 }));
    const taskId = d.lastInvocation().taskId;
    await d.fire(d.timers()[0] as StartTimer);
    expect(d.last.commands).toContainEqual({ kind: 'cancelTask', taskId });
    expect(d.state.status).toBe('FAILED');
  });

  it('TimeoutSeconds must be a positive integer when it comes from TimeoutSecondsPath', async () => {
    const r = await execute(
      task({ TimeoutSecondsPath: '$.t' }),
      { t: 0 },
      { handlers: { [LAMBDA_ARN]: () => 1 }, clock: fakeClock() },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('Task HeartbeatSeconds', () => {
  const activity = task({ Resource: ACTIVITY_ARN, TimeoutSeconds: 300, HeartbeatSeconds: 10 });

  it('a task with no heartbeat within HeartbeatSeconds fails with States.HeartbeatTimeout', async () => {
    const d = await Driver.start(activity);
    const taskId = d.lastInvocation().taskId;
    await d.send({ kind: 'taskStarted', taskId });
    const heartbeat = d.timers().find((t) => t.fireAt === T0 + 10_000) as StartTimer;
    await d.fire(heartbeat);
    expect(d.state).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(firstEvent(d.events, 'ActivityTimedOut').activityTimedOutEventDetails).toMatchObject({
      error: 'States.HeartbeatTimeout',
    });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTask', taskId });
  });

  it('each heartbeat restarts the heartbeat timer', async () => {
    const d = await Driver.start(activity);
    const taskId = d.lastInvocation().taskId;
    const first = d.timers().find((t) => t.fireAt === T0 + 10_000) as StartTimer;
    d.rt.at = T0 + 8_000;
    await d.send({ kind: 'taskHeartbeat', taskId });
    expect(d.last.commands).toEqual([
      { kind: 'cancelTimer', timerId: first.timerId },
      { kind: 'startTimer', timerId: expect.any(String), fireAt: T0 + 18_000, purpose: 'heartbeat' },
    ]);
    // The old timer firing late (it was cancelled) changes nothing.
    await d.send({ kind: 'timerFired', timerId: first.timerId });
    expect(d.last.events).toEqual([]);
    expect(d.state.status).toBe('RUNNING');
  });

  it('States.HeartbeatTimeout can be caught by name', async () => {
    const d = await Driver.start(
      task(
        {
          Resource: ACTIVITY_ARN,
          HeartbeatSeconds: 5,
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Done' }],
        },
        { Done: { Type: 'Succeed' } },
      ),
    );
    await d.fire(d.timers()[0] as StartTimer);
    expect(d.state.status).toBe('SUCCEEDED');
    expect(d.state.output).toMatchObject({ Error: 'States.HeartbeatTimeout' });
  });

  it('the service integration writes TaskTimedOut with States.HeartbeatTimeout', async () => {
    const arn = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
    const d = await Driver.start(task({ Resource: arn, HeartbeatSeconds: 5 }));
    await d.fire(d.timers()[0] as StartTimer);
    expect(firstEvent(d.events, 'TaskTimedOut').taskTimedOutEventDetails).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      error: 'States.HeartbeatTimeout',
    });
  });
});

describe('execution TimeoutSeconds', () => {
  it('an execution still running after its TimeoutSeconds ends TIMED_OUT with an ExecutionTimedOut event', async () => {
    const clock = fakeClock(T0);
    const r = await execute(task({}, {}, { TimeoutSeconds: 60 }), {}, { handlers: { [LAMBDA_ARN]: never }, clock });
    expect(r.status).toBe('TIMED_OUT');
    expect(clock.now()).toBe(T0 + 60_000);
    expect(r.history.at(-1)?.type).toBe('ExecutionTimedOut');
    expect(eventsOf(r.history, 'ExecutionFailed')).toEqual([]);
  });

  it('the execution timeout applies to Waits too', async () => {
    const clock = fakeClock(T0);
    const r = await execute(
      { TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } },
      {},
      { clock },
    );
    expect(r.status).toBe('TIMED_OUT');
    expect(clock.now()).toBe(T0 + 5_000);
  });

  it('an execution that finishes in time is not timed out, and its timeout timer is cancelled', async () => {
    const d = await Driver.start({
      TimeoutSeconds: 5,
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 1, End: true } },
    });
    const [executionTimer, waitTimer] = d.timers() as [StartTimer, StartTimer];
    expect(executionTimer.fireAt).toBe(T0 + 5_000);
    await d.fire(waitTimer);
    expect(d.state.status).toBe('SUCCEEDED');
    expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId: executionTimer.timerId });
  });

  it('timing out cancels every outstanding task and timer', async () => {
    const d = await Driver.start(task({ TimeoutSeconds: 100 }, {}, { TimeoutSeconds: 10 }));
    const [executionTimer, taskTimer] = d.timers() as [StartTimer, StartTimer];
    const taskId = d.lastInvocation().taskId;
    await d.fire(executionTimer);
    expect(d.state.status).toBe('TIMED_OUT');
    expect(d.last.commands).toEqual(
      expect.arrayContaining([
        { kind: 'cancelTask', taskId },
        { kind: 'cancelTimer', timerId: taskTimer.timerId },
      ]),
    );
    expect(types(d.last.events)).toEqual(['ExecutionTimedOut']);
  });

  it('the execution timeout runs from the execution start time', async () => {
    const d = await Driver.start({ TimeoutSeconds: 90, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(d.state.status).toBe('SUCCEEDED');
    expect(d.commands).toContainEqual({
      kind: 'startTimer',
      timerId: expect.any(String),
      fireAt: T0 + 90_000,
      purpose: 'executionTimeout',
    });
  });
});

describe('Wait under a fake clock', () => {
  it('a Wait of a year completes at once, and the clock shows the year passed', async () => {
    const clock = fakeClock(T0);
    const year = 365 * 24 * 3600;
    const started = performance.now();
    const r = await execute(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: year, End: true } } },
      { x: 1 },
      { clock },
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { x: 1 } });
    expect(clock.now()).toBe(T0 + year * 1000);
  });

  it('a Wait until a Timestamp fires at that instant', async () => {
    const clock = fakeClock(T0);
    await execute(
      { StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '2025-06-01T12:00:00Z', End: true } } },
      {},
      { clock },
    );
    expect(clock.now()).toBe(Date.UTC(2025, 5, 1, 12));
  });

  it('a Wait until a Timestamp already past continues without a timer', async () => {
    const d = await Driver.start({
      StartAt: 'W',
      States: { W: { Type: 'Wait', Timestamp: '2000-01-01T00:00:00Z', End: true } },
    });
    expect(d.timers()).toEqual([]);
    expect(d.state.status).toBe('SUCCEEDED');
  });

  it('a Wait is a timer: the step ends with a startTimer at now + Seconds, then the timer moves on', async () => {
    const d = await Driver.start({
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 30, Next: 'P' }, P: { Type: 'Pass', End: true } },
    });
    expect(d.last.commands).toEqual([
      { kind: 'startTimer', timerId: expect.any(String), fireAt: T0 + 30_000, purpose: 'wait' },
    ]);
    expect(d.state.status).toBe('RUNNING');
    await d.fire(d.timers()[0] as StartTimer);
    expect(types(d.last.events)).toEqual([
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

/**
 * StopExecution: a `stop` signal aborts the execution and cancels everything still outstanding.
 */
import { describe, expect, it } from 'vitest';
import { Driver, INVOKE, LAMBDA_ARN, T0, types, type StartTimer } from './support.js';

describe('stop', () => {
  it('aborts a running execution with ExecutionAborted and status ABORTED, keeping the error and cause', async () => {
    const d = await Driver.start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    await d.send({ kind: 'stop', error: 'User.Stop', cause: 'no longer needed' });
    expect(d.state).toMatchObject({ status: 'ABORTED', error: 'User.Stop', cause: 'no longer needed' });
    expect(types(d.last.events)).toEqual(['WaitStateAborted', 'ExecutionAborted']);
    expect(d.last.events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: 'User.Stop',
      cause: 'no longer needed',
    });
  });

  it('a stop without error or cause writes ExecutionAborted without them', async () => {
    const d = await Driver.start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    await d.send({ kind: 'stop' });
    expect(d.last.events.at(-1)).toMatchObject({ type: 'ExecutionAborted' });
    expect(d.last.events.at(-1)?.executionAbortedEventDetails ?? {}).toEqual({});
    expect(d.state.status).toBe('ABORTED');
    expect(d.state).not.toHaveProperty('error');
    expect(d.state).not.toHaveProperty('cause');
  });

  it('cancels the waiting timer', async () => {
    const d = await Driver.start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const timer = d.timers()[0] as StartTimer;
    await d.send({ kind: 'stop' });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId: timer.timerId });
  });

  it('cancels the running task, its timeout and heartbeat timers and the execution timeout', async () => {
    const d = await Driver.start({
      TimeoutSeconds: 600,
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: LAMBDA_ARN, TimeoutSeconds: 60, HeartbeatSeconds: 10, End: true } },
    });
    const taskId = d.lastInvocation().taskId;
    const timerIds = d.timers().map((t) => t.timerId);
    expect(timerIds).toHaveLength(3);
    await d.send({ kind: 'stop' });
    expect(types(d.last.events)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    expect(d.last.commands).toContainEqual({ kind: 'cancelTask', taskId });
    for (const timerId of timerIds) expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId });
  });

  it('cancels every task of every Parallel branch', async () => {
    const d = await Driver.start({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          End: true,
          Branches: [0, 1, 2].map((i) => ({
            StartAt: `T${i}`,
            States: { [`T${i}`]: { Type: 'Task', Resource: INVOKE, End: true } },
          })),
        },
      },
    });
    const taskIds = d.invocations().map((c) => c.taskId);
    expect(taskIds).toHaveLength(3);
    await d.send({ kind: 'stop' });
    const cancelled = d.last.commands
      .filter((c) => c.kind === 'cancelTask')
      .map((c) => (c as { taskId: string }).taskId);
    expect(cancelled.sort()).toEqual([...taskIds].sort());
    expect(types(d.last.events)).toEqual([
      'TaskStateAborted',
      'TaskStateAborted',
      'TaskStateAborted',
      'ParallelStateAborted',
      'ExecutionAborted',
    ]);
  });

  it('aborts nested children once each: a Map inside a Parallel branch', async () => {
    const d = await Driver.start(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            End: true,
            Branches: [
              {
                StartAt: 'M',
                States: {
                  M: {
                    Type: 'Map',
                    End: true,
                    ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: INVOKE, End: true } } },
                  },
                },
              },
            ],
          },
        },
      },
      [1, 2],
    );
    const taskIds = d.invocations().map((c) => c.taskId);
    expect(taskIds).toHaveLength(2);
    await d.send({ kind: 'stop' });
    const cancelled = d.last.commands
      .filter((c) => c.kind === 'cancelTask')
      .map((c) => (c as { taskId: string }).taskId);
    expect(cancelled.sort()).toEqual([...taskIds].sort());
    const count = (type: string) => types(d.last.events).filter((t) => t === type).length;
    expect([
      count('TaskStateAborted'),
      count('MapIterationAborted'),
      count('MapStateAborted'),
      count('ParallelStateAborted'),
      count('ExecutionAborted'),
    ]).toEqual([2, 2, 1, 1, 1]);
  });

  it('cancels the backoff timer of a pending retry', async () => {
    const d = await Driver.start({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA_ARN,
          End: true,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30 }],
        },
      },
    });
    await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'E' });
    const backoff = d.last.commands[0] as StartTimer;
    expect(backoff).toMatchObject({ kind: 'startTimer', fireAt: T0 + 30_000, purpose: 'retry' });
    await d.send({ kind: 'stop' });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId: backoff.timerId });
    expect(d.state.status).toBe('ABORTED');
  });

  it('signals after the execution ended change nothing', async () => {
    const d = await Driver.start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } });
    const taskId = d.lastInvocation().taskId;
    await d.send({ kind: 'stop' });
    const stopped = d.state;
    await d.send({ kind: 'taskSucceeded', taskId, output: 1 });
    expect(d.last).toEqual({ state: stopped, events: [], commands: [] });
    await d.send({ kind: 'stop' });
    expect(d.last.events).toEqual([]);
    expect(d.state.status).toBe('ABORTED');
  });
});

/**
 * A waiting Standard execution is its row and its timer, not an actor in memory: the signal that
 * ends its wait (the timer, a callback, StopExecution) loads it, and a restart loads only the
 * executions that had work in flight. It still counts against --max-executions-in-flight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../src/engine/task-invoker.js';
import { ExecutionLimitExceededError } from '../../src/engine/quotas.js';
import { Rig, standingClock, startRequest, stateMachine } from './support.js';

const T0 = Date.UTC(2026, 0, 1);
const WAIT_THEN_PASS = stateMachine('waits', {
  StartAt: 'W',
  States: {
    W: { Type: 'Wait', Seconds: 600, Next: 'P' },
    P: { Type: 'Pass', Result: 'woke', End: true },
  },
});

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.dispose();
});
async function rig(options: Parameters<Rig['open']>[0]): Promise<Rig> {
  const r = await new Rig().open(options);
  rigs.push(r);
  return r;
}

async function startWaiting(r: Rig, count: number): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < count; i++) {
    const started = await r.engine.startExecution(startRequest(WAIT_THEN_PASS, `w${i}`));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    arns.push(started.executionArn);
  }
  return arns;
}

describe('waiting Standard executions', () => {
  it('hold no actor while they wait, count as in flight, and all finish when their timers fire', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock });
    const arns = await startWaiting(r, 20);
    expect(r.engine.activeExecutions).toBe(0);
    expect(r.engine.executionsInFlight).toBe(20);

    clock.set(T0 + 601_000);
    await r.engine.resume();
    for (const arn of arns) expect((await r.waitForStatus(arn, 'SUCCEEDED')).output).toBe('"woke"');
    expect(r.engine.activeExecutions).toBe(0);
    expect(r.engine.executionsInFlight).toBe(0);
  });

  it('a restart loads none of them, keeps counting them, and their timers still resume them', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock });
    const arns = await startWaiting(r, 10);
    await r.restart({ clock });
    expect(r.engine.activeExecutions).toBe(0);
    expect(r.engine.executionsInFlight).toBe(10);

    clock.set(T0 + 601_000);
    await r.engine.resume();
    for (const arn of arns) await r.waitForStatus(arn, 'SUCCEEDED');
    expect(r.engine.executionsInFlight).toBe(0);
  });

  it('StopExecution loads a waiting execution to stop it, and the quota counts it no more', async () => {
    const r = await rig({ clock: standingClock(T0) });
    const [arn] = await startWaiting(r, 2);
    const stopped = await r.engine.stopExecution(arn as string, 'Halt', 'by the test');
    expect(stopped).toHaveProperty('stopDate');
    expect(await r.store.getExecution(arn as string)).toMatchObject({ status: 'ABORTED', error: 'Halt' });
    expect(await r.timers(arn)).toEqual([]);
    expect(r.engine.executionsInFlight).toBe(1);
    expect(r.engine.activeExecutions).toBe(0);
  });

  it('StartExecution beyond the quota is refused though the waiting executions are not in memory', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock, maxExecutionsInFlight: 3 });
    await startWaiting(r, 3);
    expect(r.engine.activeExecutions).toBe(0);
    await expect(r.engine.startExecution(startRequest(WAIT_THEN_PASS, 'one-more'))).rejects.toBeInstanceOf(
      ExecutionLimitExceededError,
    );
  });

  it('an execution waiting on a callback is let go while it waits, and its task token still finishes it', async () => {
    const SEND = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
    let token = '';
    const handlers: Record<string, TaskHandler> = {
      [SEND]: (_input, context) => {
        token = context.taskToken ?? '';
        return { MessageId: 'm-1' };
      },
    };
    const r = await rig({ clock: standingClock(T0), handlers });
    const machine = stateMachine('asks', {
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: SEND, End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'send'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await expect.poll(() => token).not.toBe('');
    await expect.poll(() => r.engine.activeExecutions).toBe(0);
    expect(r.engine.executionsInFlight).toBe(1);

    expect(await r.engine.sendTaskSuccess(token, { answer: 42 })).toBe('ok');
    expect((await r.waitForStatus(started.executionArn, 'SUCCEEDED')).output).toBe('{"answer":42}');
  });
});

/**
 * The step function is pure: same arguments, same result; the caller's state is never mutated;
 * stale signals are ignored; turning history off changes nothing but the events returned.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { execute, fakeClock } from '../../src/index.js';
import { newExecution, step } from '../../src/interpreter/step.js';
import type { ExecutionState, Signal, StepResult } from '../../src/interpreter/types.js';
import {
  compile,
  deepFreeze,
  Driver,
  executionInfo,
  fixedRuntime,
  INVOKE,
  LAMBDA_ARN,
  type StartTimer,
} from './support.js';

/** A machine that touches most of the interpreter: Map, Parallel, Task with retry, Wait, variables, UUIDs. */
const busy: Json = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Assign: { 'id.$': 'States.UUID()' }, Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Next: 'Each',
      Branches: [
        { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } },
        {
          StartAt: 'T',
          States: {
            T: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: { 'id.$': '$id' },
              TimeoutSeconds: 30,
              Retry: [{ ErrorEquals: ['States.ALL'], JitterStrategy: 'FULL' }],
              End: true,
            },
          },
        },
      ],
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$[1]',
      MaxConcurrency: 1,
      End: true,
      ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
    },
  },
};

/** Runs `busy` by hand, recording (state, signal) before every step. */
async function recordSteps(): Promise<{ before: ExecutionState; signal: Signal; now: number }[]> {
  const d = new Driver(compile(busy));
  const steps: { before: ExecutionState; signal: Signal; now: number }[] = [];
  const send = async (signal: Signal) => {
    steps.push({ before: d.state, signal, now: d.rt.at });
    return d.send(signal);
  };
  await send({ kind: 'start', input: { in: 1 } });
  const task = d.lastInvocation();
  await send({ kind: 'taskFailed', taskId: task.taskId, error: 'E', cause: 'c' });
  d.rt.at += 1_000;
  const backoff = d.last.commands.find((c) => c.kind === 'startTimer') as StartTimer;
  await send({ kind: 'timerFired', timerId: backoff.timerId });
  await send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: [1, 2] });
  d.rt.at += 5_000;
  const wait = d.timers()[0] as StartTimer;
  await send({ kind: 'timerFired', timerId: wait.timerId });
  await send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'one' });
  await send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'two' });
  expect(d.state).toMatchObject({ status: 'SUCCEEDED', output: ['one', 'two'] });
  return steps;
}

function stepAgain(
  before: ExecutionState,
  signal: Signal,
  now: number,
  options = { history: true },
): Promise<StepResult> {
  return step(compile(busy), before, signal, fixedRuntime({ now }), options);
}

describe('step is a deterministic function', () => {
  it('the same machine, state, signal and runtime give deep-equal results', async () => {
    for (const { before, signal, now } of await recordSteps()) {
      const a = await stepAgain(before, signal, now);
      const b = await stepAgain(before, signal, now);
      expect(a).toEqual(b);
    }
  });

  it('does not mutate the state passed in', async () => {
    for (const { before, signal, now } of await recordSteps()) {
      const snapshot = structuredClone(before);
      await stepAgain(before, signal, now);
      expect(before).toEqual(snapshot);
    }
  });

  it('works on a deep-frozen state and gives the same result as on a mutable copy', async () => {
    for (const { before, signal, now } of await recordSteps()) {
      const mutable = await stepAgain(structuredClone(before), signal, now);
      const frozen = await stepAgain(deepFreeze(structuredClone(before)), signal, now);
      expect(frozen).toEqual(mutable);
      expect(frozen.state.error).toBeUndefined();
    }
  });

  it('takes time, randomness and ids only from the runtime', async () => {
    const machine = compile({
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'u.$': 'States.UUID()', 't.$': '$$.State.EnteredTime' }, End: true } },
    });
    const run = () =>
      step(
        machine,
        newExecution(executionInfo(), {}),
        { kind: 'start', input: {} },
        fixedRuntime({ now: Date.UTC(2030, 0, 1) }),
      );
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.state.output).toEqual({ u: '00000000-0000-4000-8000-000000000001', t: '2030-01-01T00:00:00.000Z' });
  });
});

describe('stale and duplicate signals', () => {
  const oneTask = {
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: LAMBDA_ARN, TimeoutSeconds: 10, Next: 'W' },
      W: { Type: 'Wait', Seconds: 60, End: true },
    },
  };

  it('a second taskSucceeded for a task already finished is ignored, without events or commands', async () => {
    const d = await Driver.start(oneTask);
    const taskId = d.lastInvocation().taskId;
    await d.send({ kind: 'taskSucceeded', taskId, output: 1 });
    const after = d.state;
    await d.send({ kind: 'taskSucceeded', taskId, output: 2 });
    expect(d.last.events).toEqual([]);
    expect(d.last.commands).toEqual([]);
    expect(d.state).toEqual(after);
  });

  it('a taskFailed for a task already finished is ignored', async () => {
    const d = await Driver.start(oneTask);
    const taskId = d.lastInvocation().taskId;
    await d.send({ kind: 'taskSucceeded', taskId, output: 1 });
    await d.send({ kind: 'taskFailed', taskId, error: 'Late' });
    expect(d.last).toMatchObject({ events: [], commands: [] });
    expect(d.state.status).toBe('RUNNING');
  });

  it('a timer that was cancelled is ignored if it fires anyway', async () => {
    const d = await Driver.start(oneTask);
    const timeout = d.timers()[0] as StartTimer;
    await d.send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 1 });
    expect(d.last.commands).toContainEqual({ kind: 'cancelTimer', timerId: timeout.timerId });
    await d.fire(timeout);
    expect(d.last).toMatchObject({ events: [], commands: [] });
    expect(d.state.status).toBe('RUNNING');
  });

  it('signals for unknown tasks and timers are ignored', async () => {
    const d = await Driver.start(oneTask);
    const before = d.state;
    await d.send({ kind: 'taskSucceeded', taskId: 'task-999', output: 1 });
    await d.send({ kind: 'timerFired', timerId: 'timer-999' });
    await d.send({ kind: 'taskHeartbeat', taskId: 'task-999' });
    expect(d.events.length).toBeGreaterThan(0);
    expect(d.last).toMatchObject({ events: [], commands: [] });
    expect(d.state).toEqual(before);
  });

  it('a second start signal is ignored', async () => {
    const d = await Driver.start(oneTask, { a: 1 });
    const before = d.state;
    await d.send({ kind: 'start', input: { a: 2 } });
    expect(d.last).toMatchObject({ events: [], commands: [] });
    expect(d.state).toEqual(before);
  });

  it('the result of an earlier attempt arriving after a retry started is ignored', async () => {
    const d = await Driver.start({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: LAMBDA_ARN, Retry: [{ ErrorEquals: ['States.ALL'] }], End: true } },
    });
    const first = d.lastInvocation().taskId;
    await d.send({ kind: 'taskFailed', taskId: first, error: 'E' });
    await d.fire(d.last.commands[0] as StartTimer);
    const second = d.lastInvocation().taskId;
    expect(second).not.toBe(first);
    await d.send({ kind: 'taskSucceeded', taskId: first, output: 'stale' });
    expect(d.last).toMatchObject({ events: [], commands: [] });
    await d.send({ kind: 'taskSucceeded', taskId: second, output: 'fresh' });
    expect(d.state).toMatchObject({ status: 'SUCCEEDED', output: 'fresh' });
  });
});

describe('history off', () => {
  it('returns no events but still counts event ids', async () => {
    const on = await Driver.start(busy, {}, { history: true });
    const off = await Driver.start(busy, {}, { history: false });
    expect(off.events).toEqual([]);
    expect(off.state.lastEventId).toBe(on.state.lastEventId);
    expect(off.state.lastEventId).toBe(on.events.length);
    expect(off.commands).toEqual(on.commands);
  });

  it('causes still cite the event id the state was entered at', async () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', OutputPath: '$.missing', End: true } },
    };
    const on = await execute(definition, {}, { clock: fakeClock() });
    const off = await execute(definition, {}, { clock: fakeClock(), history: false });
    expect(on.cause).toContain("'B' (entered at the event id #4)");
    expect(off).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: on.cause, history: [] });
  });
});

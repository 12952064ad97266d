import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import Database from '../../src/store/sqlite/driver.js';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_QUOTA } from '../../src/engine/durable/durable-engine.js';
import type { TaskHandler } from '../../src/engine/task-invoker.js';
import { execute, fakeClock } from '../../src/index.js';
import { isJsonObject, type Json } from '../../src/json.js';
import { Rig, standingClock, startRequest, stateMachine } from './support.js';
import { eventually } from '../support/async.js';
import { startTestServer } from '../support/server.js';

const DOUBLE = 'arn:aws:lambda:us-east-1:123456789012:function:double';
const double: TaskHandler = (input) => ({ n: isJsonObject(input) && typeof input.n === 'number' ? input.n * 2 : 0 });

/** Pass → Wait 0 → Task → Choice → Pass. (A Wait of 0 seconds completes in the step that enters it.) */
const chain = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'W' },
    W: { Type: 'Wait', Seconds: 0, Next: 'T' },
    T: { Type: 'Task', Resource: DOUBLE, Next: 'C' },
    C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 5, Next: 'Big' }], Default: 'Small' },
    Big: { Type: 'Pass', Result: 'big', End: true },
    Small: { Type: 'Pass', Result: 'small', End: true },
  },
};

const rigs: Rig[] = [];
async function rig(options: Parameters<Rig['open']>[0] = {}): Promise<Rig> {
  const r = new Rig();
  rigs.push(r);
  return r.open(options);
}
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.dispose();
});

const T0 = Date.UTC(2026, 0, 1);

describe('DurableEngine on SQLite', () => {
  it('commits every step of a Standard execution: history ids 1..n in the interpreter order', async () => {
    let seenAtInvocation: string[] = [];
    const r = await rig({
      handlers: {
        [DOUBLE]: async (input, context) => {
          // The step that scheduled the task is committed before the task runs.
          const arn = `${stateMachine('chain', chain).arn.replace(':stateMachine:', ':execution:')}:run`;
          seenAtInvocation = (await r.history(arn)).map((e) => e.type);
          return double(input, context);
        },
      },
    });
    const machine = stateMachine('chain', chain);
    const started = await r.engine.startExecution(startRequest(machine, 'run', { n: 3 }));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    const done = await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    expect(done.output).toBe('"big"');

    const history = await r.history(started.executionArn);
    const reference = await execute(chain, { n: 3 }, { clock: fakeClock(), handlers: { [DOUBLE]: double } });
    expect(history.map((e) => e.type)).toEqual(reference.history.map((e) => e.type));
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.map((e) => e.previousEventId)).toEqual(reference.history.map((e) => e.previousEventId));
    expect(done.historyLength).toBe(history.length);
    expect(seenAtInvocation.at(-2)).toBe('LambdaFunctionScheduled');

    // One commit per signal (start, task result), versions 1..k, events contiguous across commits.
    const own = r.commits.filter((c) => c.execution.arn === started.executionArn);
    expect(own.map((c) => c.expectedVersion)).toEqual([0, 1]);
    expect(own.flatMap((c) => c.events.map((e) => e.id))).toEqual(history.map((e) => e.id));
    expect(own.map((c) => c.execution.status)).toEqual(['RUNNING', 'SUCCEEDED']);
  });

  it('StartExecution with the same name and input while running returns the same execution; another input is ExecutionAlreadyExists', async () => {
    const { server, client, createMachine, close } = await startTestServer({ store: 'sqlite' });
    try {
      const stateMachineArn = await createMachine('waits', {
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
      });
      const first = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"a":1}' }));
      const again = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"a":1}' }));
      expect(again.executionArn).toBe(first.executionArn);
      expect(again.startDate).toEqual(first.startDate);
      const other = client.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"a":2}' }));
      await expect(other).rejects.toBeInstanceOf(ExecutionAlreadyExists);
      expect((await server.store.getHistory(first.executionArn ?? '', { limit: 100 })).map((e) => e.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
      ]);
    } finally {
      await close();
    }
  });

  it('two concurrent starts of one name create one execution; the loser is told it exists', async () => {
    const r = await rig();
    const machine = stateMachine('waits', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const [a, b] = await Promise.all([
      r.engine.startExecution(startRequest(machine, 'twin', { a: 1 })),
      r.engine.startExecution(startRequest(machine, 'twin', { a: 1 })),
    ]);
    const created = [a, b].filter((x) => 'executionArn' in x);
    const existing = [a, b].filter((x) => 'alreadyExists' in x);
    expect(created).toHaveLength(1);
    expect(existing).toHaveLength(1);
    const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:twin`;
    expect((await r.history(arn)).map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered']);
  });

  it('a Wait timer survives closing the engine and the execution finishes after a restart', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock });
    const machine = stateMachine('sleepy', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 60, Next: 'P' }, P: { Type: 'Pass', Result: { woke: true }, End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'nap'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect(await r.timers(started.executionArn)).toEqual([expect.objectContaining({ fireAt: T0 + 60_000 })]);

    clock.set(T0 + 61_000);
    await r.restart({ clock });
    const done = await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    expect(done.output).toBe('{"woke":true}');
    expect((await r.history(started.executionArn)).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(await r.timers(started.executionArn)).toEqual([]);
  });

  it('an execution of a YAML definition resumes after a restart (the stored text is loaded, not JSON.parsed)', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock });
    const yaml =
      'StartAt: W\nStates:\n  W: { Type: Wait, Seconds: 60, Next: P }\n  P: { Type: Pass, Result: yaml, End: true }\n';
    const machine = { ...stateMachine('sleepy-yaml', {}), definition: yaml };
    const started = await r.engine.startExecution(startRequest(machine, 'nap'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');

    clock.set(T0 + 61_000);
    await r.restart({ clock });
    const done = await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    expect(done.output).toBe('"yaml"');
  });

  it('an outbox task whose result was not committed is invoked again after a restart', async () => {
    let calls = 0;
    const hangs: TaskHandler = () => {
      calls++;
      return new Promise<Json>(() => {});
    };
    const r = await rig({ handlers: { [DOUBLE]: hangs } });
    const machine = stateMachine('task', {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: DOUBLE, End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'job', { n: 21 }));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect(calls).toBe(1);

    await r.restart({
      handlers: {
        [DOUBLE]: (input, context) => {
          calls++;
          return double(input, context);
        },
      },
    });
    const done = await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    expect(calls).toBe(2);
    expect(done.output).toBe('{"n":42}');
    const types = (await r.history(started.executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === 'LambdaFunctionScheduled')).toHaveLength(1);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('WAIT_TIME_SCALE scales Wait and Retry timers, not task or execution timeouts, by the timer purpose', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock, waitTimeScale: 0.5, handlers: { [DOUBLE]: () => new Promise<Json>(() => {}) } });
    const waits = stateMachine('scaled-wait', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const times = stateMachine('unscaled-timeouts', {
      TimeoutSeconds: 600,
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: DOUBLE, TimeoutSeconds: 100, End: true } },
    });
    const waiting = await r.engine.startExecution(startRequest(waits, 'w'));
    const working = await r.engine.startExecution(startRequest(times, 't'));
    if (!('executionArn' in waiting) || !('executionArn' in working)) throw new Error('expected new executions');
    expect((await r.timers(waiting.executionArn)).map((t) => t.fireAt)).toEqual([T0 + 30_000]);
    expect((await r.timers(working.executionArn)).map((t) => t.fireAt).sort()).toEqual([T0 + 100_000, T0 + 600_000]);
  });

  it("a Retry backoff keeps its length when only Wait states are scaled (Step Functions Local's WAIT_TIME_SCALE)", async () => {
    const clock = standingClock(T0);
    const failing = async (): Promise<Json> => {
      throw new Error('boom');
    };
    const r = await rig({ clock, waitTimeScale: 0, retryTimeScale: 1, handlers: { [DOUBLE]: failing } });
    const waits = stateMachine('instant-wait', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const retries = stateMachine('unscaled-retry', {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: DOUBLE,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    const waiting = await r.engine.startExecution(startRequest(waits, 'w'));
    const retrying = await r.engine.startExecution(startRequest(retries, 'r'));
    if (!('executionArn' in waiting) || !('executionArn' in retrying)) throw new Error('expected new executions');
    await r.waitForStatus(waiting.executionArn, 'SUCCEEDED');
    const timers = await eventually(async () => {
      const rows = await r.timers(retrying.executionArn);
      return rows.length > 0 ? rows : undefined;
    }, 'the retry timer');
    expect(timers.map((t) => t.fireAt)).toEqual([T0 + 60_000]);
  });

  it('a stored timer row (when, not why: rows carry no purpose) fires at its stored time after a restart, not rescaled', async () => {
    const clock = standingClock(T0);
    const r = await rig({ clock, waitTimeScale: 0.5 });
    const machine = stateMachine('scaled-restart', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 60, Next: 'P' }, P: { Type: 'Pass', End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'nap'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect(await r.timers(started.executionArn)).toEqual([
      { executionArn: started.executionArn, timerId: expect.any(String), fireAt: T0 + 30_000 },
    ]);
    clock.set(T0 + 31_000);
    await r.restart({ clock, waitTimeScale: 0.5 });
    await r.waitForStatus(started.executionArn, 'SUCCEEDED');
  });

  it.each([
    ['an unknown shape', '"not a command"'],
    ['a malformed command', '{"kind":"invokeTask","taskId":"task-2","parameters":{}}'],
  ])('an outbox row of %s fails its task plainly after a restart; the engine keeps running', async (_, command) => {
    const r = await rig({ handlers: { [DOUBLE]: () => new Promise<Json>(() => {}) } });
    const machine = stateMachine('task', {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: DOUBLE, End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'job', { n: 21 }));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await r.close();
    const db = new Database(r.file);
    expect(
      db.prepare('UPDATE tasks SET command = ? WHERE execution_arn = ?').run(command, started.executionArn).changes,
    ).toBe(1);
    db.close();

    await r.open({ handlers: { [DOUBLE]: double } });
    const failed = await r.waitForStatus(started.executionArn, 'FAILED');
    expect(failed.error).toBe('States.Runtime');
    expect(failed.cause).toMatch(
      /^The stored task could not be read\. The outbox command is (not a JSON object|malformed \(resource is missing\))/,
    );
    const next = await r.engine.startExecution(startRequest(machine, 'next', { n: 2 }));
    if (!('executionArn' in next)) throw new Error('expected a new execution');
    expect((await r.waitForStatus(next.executionArn, 'SUCCEEDED')).output).toBe('{"n":4}');
  });

  it('many concurrent executions are committed in batches', async () => {
    const r = await rig({ handlers: { [DOUBLE]: double } });
    const machine = stateMachine('many', {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'T' },
        T: { Type: 'Task', Resource: DOUBLE, Next: 'B' },
        B: { Type: 'Pass', End: true },
      },
    });
    const count = 200;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) => r.engine.startExecution(startRequest(machine, `run-${i}`, { i }))),
    );
    const arns = results.map((x) => ('executionArn' in x ? x.executionArn : ''));
    for (const arn of arns) await r.waitForStatus(arn, 'SUCCEEDED');
    const stats = r.engine.commitStats;
    expect(stats.maxBatch).toBeGreaterThan(1);
    // Every execution commits twice (start, task result); batching needs far fewer transactions.
    expect(stats.batches).toBeLessThan(count);
  });

  it('StopExecution aborts a waiting execution and removes its timer', async () => {
    const r = await rig();
    const machine = stateMachine('waits', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const started = await r.engine.startExecution(startRequest(machine, 'stop-me'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect(await r.timers(started.executionArn)).toHaveLength(1);

    const stopped = await r.engine.stopExecution(started.executionArn, 'Halt', 'by the test');
    expect(stopped).toHaveProperty('stopDate');
    const record = await r.store.getExecution(started.executionArn);
    expect(record).toMatchObject({ status: 'ABORTED', error: 'Halt', cause: 'by the test' });
    expect((await r.history(started.executionArn)).at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Halt', cause: 'by the test' },
    });
    expect(await r.timers(started.executionArn)).toEqual([]);
    expect(await r.engine.stopExecution(started.executionArn)).toHaveProperty('notRunning');
  });

  describe('the 25,000-event history quota', () => {
    /** A Pass loop via Choice that would write about 4 × 7,000 events, all in one step. */
    const loop = (first: 'P' | 'T') => ({
      StartAt: first,
      States: {
        T: { Type: 'Task', Resource: DOUBLE, Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 7000, Next: 'P' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const cause = `The execution has reached the maximum number of history events (${HISTORY_QUOTA}).`;

    it('fails an execution whose loop runs past it after a task, writing no more than 25,000 events', async () => {
      const r = await rig({ handlers: { [DOUBLE]: double } });
      const started = await r.engine.startExecution(
        startRequest(stateMachine('loop-later', loop('T')), 'spin', { n: 0 }),
      );
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      const failed = await r.waitForStatus(started.executionArn, 'FAILED');
      expect(failed).toMatchObject({ error: 'States.Runtime', cause });
      const history = await r.history(started.executionArn);
      expect(history.length).toBeLessThanOrEqual(HISTORY_QUOTA);
      expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
      expect(history.at(-1)).toMatchObject({
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'States.Runtime', cause },
      });
      // AWS does not redrive an execution the quota failed (its history has no room left).
      expect(await r.engine.redriveExecution(started.executionArn)).toEqual({
        notRedrivable: `Execution has reached the maximum number of history events (${HISTORY_QUOTA}) and cannot be redriven`,
      });
    });

    it('fails an execution whose loop runs past it in its first step, writing no more than 25,000 events', async () => {
      const r = await rig();
      const started = await r.engine.startExecution(
        startRequest(stateMachine('loop-now', loop('P')), 'spin', { n: 0 }),
      );
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      const failed = await r.waitForStatus(started.executionArn, 'FAILED');
      expect(failed).toMatchObject({ error: 'States.Runtime', cause });
      const history = await r.history(started.executionArn);
      // The history fills up to the quota; its last event is the failure.
      expect(history).toHaveLength(HISTORY_QUOTA);
      expect(history[0]?.type).toBe('ExecutionStarted');
      expect(history.at(-1)).toMatchObject({
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'States.Runtime', cause },
      });
      expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    });

    it('fails an unbounded Pass loop at the quota without blocking the event loop meanwhile', async () => {
      const r = await rig();
      const forever = {
        StartAt: 'P',
        States: {
          P: { Type: 'Pass', Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'P' },
          Done: { Type: 'Succeed' },
        },
      };
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      try {
        const started = await r.engine.startExecution(startRequest(stateMachine('forever', forever), 'spin', {}));
        if (!('executionArn' in started)) throw new Error('expected a new execution');
        const failed = await r.waitForStatus(started.executionArn, 'FAILED');
        expect(failed).toMatchObject({ error: 'States.Runtime', cause });
        expect(await r.history(started.executionArn)).toHaveLength(HISTORY_QUOTA);
      } finally {
        clearInterval(ticker);
      }
      // Other work ran while the loop did: the step paused every thousand transitions.
      expect(ticks).toBeGreaterThan(0);
    });
  });

  describe('timers of finished executions', () => {
    it('an execution timeout timer is removed when the execution ends in the step that started it', async () => {
      const r = await rig();
      const machine = stateMachine('quick', {
        TimeoutSeconds: 3600,
        StartAt: 'P',
        States: { P: { Type: 'Pass', End: true } },
      });
      const started = await r.engine.startExecution(startRequest(machine, 'fast'));
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      await r.waitForStatus(started.executionArn, 'SUCCEEDED');
      expect(await r.timers(started.executionArn)).toEqual([]);
    });

    it('an execution timeout timer is removed when the execution ends in a later step', async () => {
      const r = await rig({ handlers: { [DOUBLE]: double } });
      const machine = stateMachine('later', {
        TimeoutSeconds: 3600,
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: DOUBLE, Next: 'P' }, P: { Type: 'Pass', End: true } },
      });
      const started = await r.engine.startExecution(startRequest(machine, 'fast'));
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      await r.waitForStatus(started.executionArn, 'SUCCEEDED');
      expect(await r.timers(started.executionArn)).toEqual([]);
    });

    it('a timer row left behind by an ended execution is dropped when it fires', async () => {
      const clock = standingClock(T0);
      const r = await rig({ clock });
      const machine = stateMachine('waits', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
      const started = await r.engine.startExecution(startRequest(machine, 'orphan'));
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      const record = await r.store.getExecution(started.executionArn);
      if (!record) throw new Error('missing execution');
      // End the execution behind the engine's back, leaving its timer row (as an older version might have).
      const [outcome] = await r.store.commit([
        {
          expectedVersion: record.version,
          execution: {
            ...record,
            status: 'ABORTED',
            stopDate: T0,
            version: record.version + 1,
            state: { ...record.state, status: 'ABORTED' },
          },
          events: [],
          timersAdded: [],
          timersRemoved: [],
          tasksAdded: [],
          tasksRemoved: [],
        },
      ]);
      expect(outcome).toBe('ok');
      clock.set(T0 + 61_000);
      await r.restart({ clock });
      await expect.poll(() => r.timers(started.executionArn), { timeout: 2000, interval: 10 }).toEqual([]);
      expect((await r.store.getExecution(started.executionArn))?.status).toBe('ABORTED');
    });
  });
});

describe('callback tasks', () => {
  it('record TaskSubmitted when the request is accepted, then finish on SendTaskSuccess', async () => {
    const SEND = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
    let token: string | undefined;
    const r = await rig({
      handlers: {
        [SEND]: (_input, context) => {
          token = context.taskToken;
          return { MessageId: 'm-1' };
        },
      },
    });
    const machine = stateMachine('callback', {
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: SEND, End: true } },
    });
    const started = await r.engine.startExecution(startRequest(machine, 'cb', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    const submitted = await eventually(async () => {
      const history = await r.history(started.executionArn);
      return history.find((e) => e.type === 'TaskSubmitted');
    }, 'TaskSubmitted');
    expect(submitted.taskSubmittedEventDetails?.output).toBe('{"MessageId":"m-1"}');

    expect(await r.engine.sendTaskSuccess(token as string, { done: true })).toBe('ok');
    const finished = await r.waitForStatus(started.executionArn, 'SUCCEEDED');
    expect(finished.output).toBe('{"done":true}');
  });
});

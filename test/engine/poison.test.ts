/**
 * Poison executions: recovery counts, before running anything, one process ending for every
 * execution that had work in flight (a task, a due timer); a committed step sets the count back;
 * at the bound (default 3) the execution is FAILED with States.Runtime instead of run again.
 * Engines on one store that are never closed stand for processes that ended. Fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DurableEngine } from '../../src/engine/durable/durable-engine.js';
import type { TaskHandler } from '../../src/engine/task-invoker.js';
import type { Json } from '../../src/json.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { standingClock, startRequest, stateMachine } from './support.js';

const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const clock = standingClock(Date.UTC(2026, 0, 1));
const engines: DurableEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

/** A process: an engine on the store, loaded (recovery stored) but not resumed. */
async function newProcess(store: MemoryStore, handler: TaskHandler, max?: number): Promise<DurableEngine> {
  const engine = new DurableEngine({
    store,
    clock,
    handlers: { [WORK]: handler },
    ...(max !== undefined ? { maxProcessEndingAttempts: max } : {}),
  });
  engines.push(engine);
  await engine.load();
  return engine;
}

const oneTask = stateMachine('one', { StartAt: 'T', States: { T: { Type: 'Task', Resource: WORK, End: true } } });

describe('an execution whose work was in flight when the process ended', () => {
  it('is counted before its task runs again, and FAILED with States.Runtime on the third recovery', async () => {
    const store = new MemoryStore();
    let calls = 0;
    const hangs: TaskHandler = () => {
      calls++;
      return new Promise<Json>(() => {});
    };
    const first = await newProcess(store, hangs);
    await first.resume();
    const started = await first.startExecution(startRequest(oneTask, 'poison'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    const arn = started.executionArn;
    expect(calls).toBe(1);

    for (const endings of [1, 2]) {
      const next = await newProcess(store, hangs);
      expect((await store.getExecution(arn))?.processEndings).toBe(endings);
      expect(calls).toBe(endings); // load ran no user code
      await next.resume();
      await new Promise((r) => setImmediate(r));
      expect(calls).toBe(endings + 1);
    }

    const last = await newProcess(store, hangs);
    await last.resume();
    await new Promise((r) => setImmediate(r));
    const failed = await store.getExecution(arn);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.error).toBe('States.Runtime');
    expect(failed?.cause).toMatch(/^The execution ended the process 3 times/);
    expect(calls).toBe(3);
    const history = await store.getHistory(arn, { limit: 100 });
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('gets its count set back by the next step it commits', async () => {
    const store = new MemoryStore();
    const twoTasks = stateMachine('two', {
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: WORK, Next: 'B' }, B: { Type: 'Task', Resource: WORK, End: true } },
    });
    const first = await newProcess(store, () => new Promise<Json>(() => {}));
    await first.resume();
    const started = await first.startExecution(startRequest(twoTasks, 'progress'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    let calls = 0;
    const second = await newProcess(store, () =>
      ++calls === 1 ? Promise.resolve({ a: 1 }) : new Promise<Json>(() => {}),
    );
    expect((await store.getExecution(started.executionArn))?.processEndings).toBe(1);
    await second.resume();
    await expect.poll(() => calls).toBe(2);
    expect(await store.getExecution(started.executionArn)).not.toHaveProperty('processEndings');
  });

  it('is failed at the first recovery with --max-process-ending-attempts 1', async () => {
    const store = new MemoryStore();
    const first = await newProcess(store, () => new Promise<Json>(() => {}));
    await first.resume();
    const started = await first.startExecution(startRequest(oneTask, 'strict'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await newProcess(store, () => new Promise<Json>(() => {}), 1);
    const record = await store.getExecution(started.executionArn);
    expect([record?.status, record?.cause]).toEqual(['FAILED', expect.stringMatching(/ended the process 1 times/)]);
  });
});

describe('an execution that only waits when the process ends', () => {
  it('is neither counted nor failed, however often the process ends', async () => {
    const store = new MemoryStore();
    const waits = stateMachine('waits', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const first = await newProcess(store, () => Promise.resolve({}));
    const started = await first.startExecution(startRequest(waits, 'patient'));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    for (let i = 0; i < 5; i++) await (await newProcess(store, () => Promise.resolve({}))).resume();
    const record = await store.getExecution(started.executionArn);
    expect(record?.status).toBe('RUNNING');
    expect(record).not.toHaveProperty('processEndings');
  });
});

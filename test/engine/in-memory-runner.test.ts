/**
 * The in-memory runner shares the event loop: it yields while tasks answer at once, and it leaves
 * no abort listener behind per awaited step.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { fakeClock, StateMachine } from '../../src/index.js';
import { runInMemory } from '../../src/engine/in-memory-runner.js';
import type { ExecutionInfo } from '../../src/interpreter/types.js';

const FN = 'arn:aws:states:::lambda:invoke';
/** A loop of `times` Task + Choice rounds, every task answering at once. */
const loop = (times: number): Json => ({
  StartAt: 'Inc',
  States: {
    Inc: { Type: 'Task', Resource: FN, Next: 'More' },
    More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: times, Next: 'Inc' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
});
const inc = (input: Json) => ({ n: ((input as { n: number }).n ?? 0) + 1 });
const info: ExecutionInfo = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:express:M:e:1',
  executionName: 'e',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
  stateMachineName: 'M',
  roleArn: 'arn:aws:iam::123456789012:role/R',
  startTime: Date.UTC(2024, 0, 1),
  stateMachineType: 'EXPRESS',
};

describe('the in-memory runner', () => {
  it('lets a callback scheduled before a long execution run before it ends', async () => {
    const machine = new StateMachine(loop(3000), { stateMachineType: 'EXPRESS' }).compiled;
    let immediateRan = false;
    let timerRan = false;
    setImmediate(() => (immediateRan = true));
    setTimeout(() => (timerRan = true), 0);
    const started = performance.now();
    const result = await runInMemory(
      machine,
      info,
      { n: 0 },
      { handlers: { [FN]: inc }, clock: fakeClock(), history: false },
    );
    const ranForMs = performance.now() - started;
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { n: 3000 } });
    expect(immediateRan).toBe(true);
    // Only meaningful when the run outlasted a yield interval (it takes far longer than 10 ms).
    expect(ranForMs).toBeGreaterThan(20);
    expect(timerRan).toBe(true);
  });

  it('removes its abort listener once each step is decided', async () => {
    const machine = new StateMachine(loop(50), { stateMachineType: 'EXPRESS' }).compiled;
    const controller = new AbortController();
    const counts: number[] = [];
    const handler = (input: Json) => (counts.push(getEventListeners(controller.signal, 'abort').length), inc(input));
    const result = await runInMemory(
      machine,
      info,
      { n: 0 },
      { handlers: { [FN]: handler }, clock: fakeClock(), history: false, abort: controller.signal },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(counts).toHaveLength(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('lets a timer run while one step starts the iterations of a large Map', async () => {
    const fanOut = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
      },
    };
    const machine = new StateMachine(fanOut, { stateMachineType: 'EXPRESS' }).compiled;
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const started = performance.now();
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const result = await runInMemory(machine, info, items, { clock: fakeClock(), history: false });
    const ranForMs = performance.now() - started;
    clearInterval(interval);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: items });
    // Only meaningful when the run outlasted several work slices (it takes far longer than 10 ms).
    expect(ranForMs).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(1);
    // 20,000 iterations take a few seconds of CPU on a loaded 2-core machine: not a timing test.
  }, 30_000);
});

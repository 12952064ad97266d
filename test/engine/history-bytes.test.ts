/**
 * An in-memory run holds at most --max-history-bytes-in-memory of history: an endless Pass/Choice
 * loop over a large input, which once grew to the heap limit, fails with States.Runtime and a
 * cause naming the limit, within one step, holding about the limit; so does one Standard step
 * before its commit. Fake clock.
 */
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../src/engine/clock.js';
import { runInMemory } from '../../src/engine/in-memory-runner.js';
import { DurableEngine } from '../../src/engine/durable/durable-engine.js';
import { loadDefinition } from '../../src/interpreter/load.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { standingClock, startRequest, stateMachine } from './support.js';

const loop = {
  StartAt: 'Again',
  States: {
    Again: { Type: 'Pass', Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Again' },
    Done: { Type: 'Succeed' },
  },
};

function machine() {
  const loaded = loadDefinition(loop);
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.machine;
}

const info = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:express:m:e:1',
  executionName: 'e',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  stateMachineName: 'm',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  startTime: Date.UTC(2024, 0, 1),
  stateMachineType: 'EXPRESS' as const,
};

describe('history bytes held by an in-memory run', () => {
  it('an endless loop over a 40 KB input fails with States.Runtime at the limit', async () => {
    const limit = 2 * 1024 * 1024;
    const result = await runInMemory(
      machine(),
      info,
      { big: 'x'.repeat(40_000) },
      {
        clock: fakeClock(),
        history: true,
        historyBytesLimit: limit,
      },
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toBe(
      `The execution's history held in memory exceeded ${limit} bytes (--max-history-bytes-in-memory, STEPWISE_MAX_HISTORY_BYTES_IN_MEMORY).`,
    );
    const held = result.history.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
    expect(held).toBeGreaterThan(limit);
    expect(held).toBeLessThan(limit + 100_000);
    expect(result.history.map((e) => e.id)).toEqual(result.history.map((_, i) => i + 1));
    expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('a run within the limit is not affected', async () => {
    const result = await runInMemory(
      machine(),
      info,
      { stop: true, big: 'x'.repeat(1000) },
      {
        clock: fakeClock(),
        history: true,
        historyBytesLimit: 1024 * 1024,
      },
    );
    expect(result.status).toBe('SUCCEEDED');
  });
});

describe('history bytes held by one Standard step before its commit', () => {
  it('an endless loop over a 40 KB input fails with States.Runtime at the limit, and only that much is written', async () => {
    const store = new MemoryStore();
    const limit = 2 * 1024 * 1024;
    const engine = new DurableEngine({
      store,
      clock: standingClock(Date.UTC(2024, 0, 1)),
      maxHistoryBytesInMemory: limit,
    });
    await engine.start();
    try {
      const started = await engine.startExecution(
        startRequest(stateMachine('loop', loop), 'big', { big: 'x'.repeat(40_000) }),
      );
      if (!('executionArn' in started)) throw new Error('expected a new execution');
      const record = await store.getExecution(started.executionArn);
      expect([record?.status, record?.error]).toEqual(['FAILED', 'States.Runtime']);
      expect(record?.cause).toMatch(/^The execution's history held in memory exceeded 2097152 bytes/);
      const history = await store.getHistory(started.executionArn, { limit: 1000 });
      expect(history.length).toBeLessThan(200);
      expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    } finally {
      await engine.close();
    }
  });
});

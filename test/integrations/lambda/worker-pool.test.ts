/**
 * The worker pool on its own: its bound on threads, queueing, warm reuse and eviction, with real
 * worker threads running the fixture functions.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, type PoolJob } from '../../../src/integrations/lambda/worker-pool.js';
import { FUNCTIONS_DIR } from './support.js';

let pool: WorkerPool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function job(name: string, event: unknown = {}, extra: Partial<PoolJob> = {}): PoolJob {
  const file = join(FUNCTIONS_DIR, `${name}.mjs`);
  return {
    key: file,
    file,
    env: {},
    event: JSON.stringify(event),
    context: {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: name,
      memoryLimitInMB: '128',
      awsRequestId: 'r',
      logGroupName: 'g',
      logStreamName: 's',
      timeoutMs: 5000,
    },
    timeoutMs: 5000,
    ...extra,
  };
}

describe('the worker pool', () => {
  it('never runs more threads than maxWorkers: further invocations wait for a free one', async () => {
    pool = new WorkerPool({ maxWorkers: 1 });
    const outcomes = await Promise.all([
      pool.run(job('slow', { ms: 50 })),
      pool.run(job('echo', { n: 1 })),
      pool.run(job('slow', { ms: 10 })),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['returned', 'returned', 'returned']);
    expect(pool.size).toBeLessThanOrEqual(1);
  });

  it('a warm worker serves the next invocation of its function', async () => {
    pool = new WorkerPool({ maxWorkers: 2 });
    const first = await pool.run(job('counter'));
    const second = await pool.run(job('counter'));
    expect(first).toEqual({ kind: 'returned', payload: '{"count":1}' });
    expect(second).toEqual({ kind: 'returned', payload: '{"count":2}' });
    expect(pool.size).toBe(1);
  });

  it('an idle worker of another function is retired to make room', async () => {
    pool = new WorkerPool({ maxWorkers: 1 });
    await pool.run(job('counter'));
    expect(await pool.run(job('echo'))).toMatchObject({ kind: 'returned' });
    // The counter's module state went with its worker.
    expect(await pool.run(job('counter'))).toEqual({ kind: 'returned', payload: '{"count":1}' });
  });

  it('an invocation cancelled while it waits for a worker never runs', async () => {
    pool = new WorkerPool({ maxWorkers: 1 });
    const busy = pool.run(job('slow', { ms: 200 }));
    const controller = new AbortController();
    const waiting = pool.run(job('echo', {}, { signal: controller.signal }));
    controller.abort();
    expect(await waiting).toEqual({ kind: 'cancelled' });
    expect((await busy).kind).toBe('returned');
  });

  it('a timed-out worker is terminated and the next invocation gets a fresh one', async () => {
    pool = new WorkerPool({ maxWorkers: 1 });
    expect(await pool.run(job('loop', {}, { timeoutMs: 100 }))).toEqual({ kind: 'timedOut' });
    expect(await pool.run(job('echo'))).toMatchObject({ kind: 'returned' });
  });
});

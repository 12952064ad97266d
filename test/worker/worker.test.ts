/** The activity worker library against the real server: results, failures, heartbeats, timeouts, stopping, and many at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskFailure } from '../../src/engine/task-invoker.js';
import { runActivityWorker, type ActivityWorkerOptions } from '../../src/index.js';
import type { Json } from '../../src/json.js';
import { activityMachine, createActivity } from '../activities/support.js';
import { startExecution, untilDone } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ activityPollTimeoutMs: 200 });
});

afterAll(async () => {
  await t.close();
});

/**
 * A new activity and one worker polling it (on the server's endpoint unless `options` give a
 * client); `stop` aborts the worker and waits until it has reported what it had in hand.
 */
async function startWorker(
  options: Omit<ActivityWorkerOptions, 'activityArn' | 'signal'>,
): Promise<{ activityArn: string; stop(): Promise<void> }> {
  const activityArn = await createActivity(t.client);
  const controller = new AbortController();
  const worker = runActivityWorker({
    ...(options.client ? {} : { endpoint: t.server.url }),
    ...options,
    activityArn,
    signal: controller.signal,
  });
  return {
    activityArn,
    stop: async () => {
      controller.abort();
      await worker;
    },
  };
}

describe('runActivityWorker', () => {
  it('answers each task with what the handler returns', async () => {
    const { activityArn, stop } = await startWorker({
      workerName: 'doubler',
      handler: async (input) => ({ doubled: (input as { n: number }).n * 2 }),
    });
    try {
      const executionArn = await startExecution(t.client, await activityMachine(t.client, activityArn), { n: 21 });
      expect(await untilDone(t.client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"doubled":42}' });
    } finally {
      await stop();
    }
  });

  it('a thrown Error fails the task with its name and message; a TaskFailure with its error and cause', async () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const { activityArn, stop } = await startWorker({
      handler: async (input) => {
        if ((input as { kind: string }).kind === 'plain') throw new QuotaError('over quota');
        throw new TaskFailure('Custom.Error', 'custom cause');
      },
    });
    try {
      const machine = await activityMachine(t.client, activityArn);
      const plain = await startExecution(t.client, machine, { kind: 'plain' });
      const custom = await startExecution(t.client, machine, { kind: 'custom' });
      expect(await untilDone(t.client, plain)).toMatchObject({
        status: 'FAILED',
        error: 'QuotaError',
        cause: 'over quota',
      });
      expect(await untilDone(t.client, custom)).toMatchObject({
        status: 'FAILED',
        error: 'Custom.Error',
        cause: 'custom cause',
      });
    } finally {
      await stop();
    }
  });

  it('a failure the state retries comes back to the worker, which succeeds the second time', async () => {
    let calls = 0;
    const { activityArn, stop } = await startWorker({
      handler: async () => {
        calls++;
        if (calls === 1) throw new TaskFailure('Transient', 'try again');
        return { calls };
      },
    });
    try {
      const machine = await activityMachine(t.client, activityArn, {
        Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 1 }],
      });
      const executionArn = await startExecution(t.client, machine);
      expect(await untilDone(t.client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"calls":2}' });
    } finally {
      await stop();
    }
  });

  it('heartbeats keep a task longer than HeartbeatSeconds alive', async () => {
    const { activityArn, stop } = await startWorker({
      heartbeatIntervalMs: 300,
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 2_200));
        return 'slow but alive';
      },
    });
    try {
      const executionArn = await startExecution(
        t.client,
        await activityMachine(t.client, activityArn, { HeartbeatSeconds: 1 }),
      );
      expect(await untilDone(t.client, executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        output: '"slow but alive"',
      });
    } finally {
      await stop();
    }
  });

  it('a task that outlives TimeoutSeconds fails with States.Timeout and the handler is told to give up', async () => {
    let gaveUp = false;
    const { activityArn, stop } = await startWorker({
      heartbeatIntervalMs: 200,
      handler: (_input, { signal }) =>
        new Promise<Json>((resolve) => {
          signal.addEventListener('abort', () => {
            gaveUp = true;
            resolve('too late');
          });
        }),
    });
    try {
      const executionArn = await startExecution(
        t.client,
        await activityMachine(t.client, activityArn, { TimeoutSeconds: 1 }),
      );
      expect(await untilDone(t.client, executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      for (let i = 0; i < 100 && !gaveUp; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(gaveUp).toBe(true);
    } finally {
      await stop();
    }
  });

  it('stopping finishes and reports the task in hand, then takes no more', async () => {
    const activityArn = await createActivity(t.client);
    const controller = new AbortController();
    let started!: () => void;
    const inHand = new Promise<void>((resolve) => (started = resolve));
    const worker = runActivityWorker({
      endpoint: t.server.url,
      activityArn,
      signal: controller.signal,
      handler: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return 'finished';
      },
    });
    const machine = await activityMachine(t.client, activityArn);
    const first = await startExecution(t.client, machine);
    await inHand;
    controller.abort();
    await worker;
    expect(await untilDone(t.client, first)).toMatchObject({ status: 'SUCCEEDED', output: '"finished"' });
    const second = await startExecution(t.client, machine);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      (
        await t.client.send(
          new (await import('@aws-sdk/client-sfn')).DescribeExecutionCommand({ executionArn: second }),
        )
      ).status,
    ).toBe('RUNNING');
  });

  it('takes an SDK client instead of an endpoint', async () => {
    const { activityArn, stop } = await startWorker({ client: t.client, handler: (input) => input });
    try {
      const executionArn = await startExecution(t.client, await activityMachine(t.client, activityArn), { via: 'sdk' });
      expect(await untilDone(t.client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"via":"sdk"}' });
    } finally {
      await stop();
    }
  });

  it('100 executions, several workers heartbeating concurrently: every execution gets exactly its own result', async () => {
    const activityArn = await createActivity(t.client);
    const controller = new AbortController();
    const seen = new Map<number, string>();
    const workers = Array.from({ length: 4 }, (_, w) =>
      runActivityWorker({
        endpoint: t.server.url,
        activityArn,
        workerName: `worker-${w}`,
        concurrency: 4,
        heartbeatIntervalMs: 100,
        signal: controller.signal,
        handler: async (input, { heartbeat, workerName }) => {
          const { id, secret } = input as { id: number; secret: string };
          if (seen.has(id)) throw new Error(`task ${id} handed out twice`);
          seen.set(id, workerName);
          await heartbeat();
          await new Promise((resolve) => setTimeout(resolve, 20 + (id % 7) * 15));
          await heartbeat();
          return { id, reversed: secret.split('').reverse().join('') };
        },
      }),
    );
    try {
      const machine = await activityMachine(t.client, activityArn, { HeartbeatSeconds: 20, TimeoutSeconds: 60 });
      const inputs = Array.from({ length: 100 }, (_, id) => ({
        id,
        secret: `s${id}-${Math.random().toString(36).slice(2)}`,
      }));
      const executions = await Promise.all(inputs.map((input) => startExecution(t.client, machine, input)));
      const results = [];
      for (const arn of executions) results.push(await untilDone(t.client, arn, 30_000));
      results.forEach((result, i) => {
        expect(result.status).toBe('SUCCEEDED');
        expect(JSON.parse(result.output as string)).toEqual({
          id: i,
          reversed: inputs[i].secret.split('').reverse().join(''),
        });
      });
      expect(seen.size).toBe(100);
      expect(new Set(seen.values()).size).toBeGreaterThan(1);
    } finally {
      controller.abort();
      await Promise.all(workers);
    }
  }, 60_000);
});

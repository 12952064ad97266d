/**
 * Distributed Map as Map Runs, through the real server and the real SDK client: children are
 * executions of their own (STANDARD in the store with their own history, EXPRESS in memory), the
 * Map Runs API reports them, MaxConcurrency holds across the run, tolerated failures decide the
 * Map's end, and a redrive of the parent reruns only the children that did not succeed.
 */
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Json } from '../../src/json.js';
import { TaskFailure } from '../../src/engine/task-invoker.js';
import { sleep } from '../support/async.js';
import {
  createMachine,
  eventTypes,
  finished,
  fullHistory,
  rejection,
  sfnClient,
  startExecution,
} from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';

const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const HOLD = 'arn:aws:lambda:us-east-1:123456789012:function:hold';

/** What the children's handlers saw: how many ran at once, at most. */
const work = { running: 0, peak: 0, calls: 0, failUntil: new Map<number, number>() };
/** Children holding until the test lets them go. */
const held: (() => void)[] = [];

let server: RunningServer;
let sfn: SFNClient;
const dir = tempDir('stepwise-map-runs-');

beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    logLevel: 'silent',
    consoleDir: false,
    handlers: {
      [WORK]: async (input: Json) => {
        work.calls += 1;
        work.running += 1;
        work.peak = Math.max(work.peak, work.running);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          const n = typeof input === 'object' && input !== null && !Array.isArray(input) ? input.n : undefined;
          // `fail: true` fails the item every time; `flaky: k` fails it until attempt k (counted per n).
          if (typeof input === 'object' && input !== null && !Array.isArray(input) && input.fail === true)
            throw new TaskFailure('Item.Bad', `item ${String(n)} is bad`);
          if (typeof n === 'number' && typeof input === 'object' && input !== null && !Array.isArray(input)) {
            const flaky = input.flaky;
            if (typeof flaky === 'number') {
              const seen = (work.failUntil.get(n) ?? 0) + 1;
              work.failUntil.set(n, seen);
              if (seen <= flaky) throw new TaskFailure('Item.Flaky', `item ${n} failed on attempt ${seen}`);
            }
          }
          return { done: n ?? null };
        } finally {
          work.running -= 1;
        }
      },
      [HOLD]: () => new Promise<Json>((resolve) => held.push(() => resolve('released'))),
    },
  });
  sfn = sfnClient(server.url);
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  removeDir(dir);
});

function distributedMap(
  executionType: 'STANDARD' | 'EXPRESS',
  extra: Record<string, Json> = {},
  processorStates: Record<string, Json> = { Work: { Type: 'Task', Resource: WORK, End: true } },
) {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: Object.keys(processorStates)[0] as string,
          States: processorStates,
        },
        ...extra,
        End: true,
      },
    },
  };
}

const items = (count: number, extra: (n: number) => Partial<Record<string, Json>> = () => ({})) =>
  Array.from({ length: count }, (_, n) => ({ n, ...extra(n) }));

/** Retries `check` until it passes (its assertions hold), failing with its last error after `timeoutMs`. */
async function until<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

async function mapRunOf(executionArn: string): Promise<string> {
  const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
  expect(mapRuns).toHaveLength(1);
  return mapRuns?.[0]?.mapRunArn ?? '';
}

describe('a Distributed Map with STANDARD children', () => {
  it('runs each item as a child execution of its own, listed by its Map Run, with its own history', async () => {
    const machine = await createMachine(sfn, 'fan-standard', distributedMap('STANDARD', { Label: 'Batch' }));
    const run = await finished(sfn, await startExecution(sfn, machine, { items: items(5) }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual([0, 1, 2, 3, 4].map((n) => ({ done: n })));
    expect(eventTypes(run.history)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    const mapRunArn = await mapRunOf(run.executionArn);
    expect(mapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:fan-standard\/Batch:[0-9a-f-]{36}$/);
    expect(run.history.find((e) => e.type === 'MapRunStarted')?.mapRunStartedEventDetails?.mapRunArn).toBe(mapRunArn);

    const { executions } = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
    expect(executions).toHaveLength(5);
    for (const child of executions ?? []) {
      expect(child.executionArn).toMatch(/:execution:fan-standard\/Batch:[0-9a-f-]{36}$/);
      expect(child.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:fan-standard/Batch');
      expect(child.status).toBe('SUCCEEDED');
    }
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: executions?.[0]?.executionArn }));
    expect(child.mapRunArn).toBe(mapRunArn);
    const childMachine = await sfn.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: child.executionArn }),
    );
    expect(childMachine).toMatchObject({
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fan-standard/Batch',
      name: 'fan-standard/Batch',
      mapRunArn,
      label: 'Batch',
    });
    expect(JSON.parse(childMachine.definition ?? '{}')).toMatchObject({ StartAt: 'Work' });
    expect(eventTypes(await fullHistory(sfn, child.executionArn ?? ''))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);

    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described).toMatchObject({
      mapRunArn,
      executionArn: run.executionArn,
      status: 'SUCCEEDED',
      maxConcurrency: 0,
      toleratedFailureCount: 0,
      toleratedFailurePercentage: 0,
      itemCounts: { pending: 0, running: 0, succeeded: 5, failed: 0, timedOut: 0, aborted: 0, total: 5 },
      executionCounts: { pending: 0, running: 0, succeeded: 5, failed: 0, timedOut: 0, aborted: 0, total: 5 },
      redriveCount: 0,
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate).toBeInstanceOf(Date);
  });

  it('never runs more children at once than MaxConcurrency', async () => {
    work.peak = 0;
    const machine = await createMachine(sfn, 'fan-limited', distributedMap('STANDARD', { MaxConcurrency: 3 }));
    const run = await finished(sfn, await startExecution(sfn, machine, { items: items(12) }), 30_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(work.peak).toBeGreaterThan(0);
    expect(work.peak).toBeLessThanOrEqual(3);
  });

  it('ItemSelector gives each child its input with $$.Map.Item, and ItemBatcher groups them', async () => {
    const machine = await createMachine(
      sfn,
      'fan-batched',
      distributedMap(
        'STANDARD',
        {
          ItemSelector: { 'value.$': '$$.Map.Item.Value.n', 'index.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } },
        },
        { Echo: { Type: 'Pass', End: true } },
      ),
    );
    const run = await finished(sfn, await startExecution(sfn, machine, { tag: 'x', items: items(5) }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual([
      {
        Items: [
          { value: 0, index: 0, tag: 'x' },
          { value: 1, index: 1, tag: 'x' },
        ],
        BatchInput: { tag: 'x' },
      },
      {
        Items: [
          { value: 2, index: 2, tag: 'x' },
          { value: 3, index: 3, tag: 'x' },
        ],
        BatchInput: { tag: 'x' },
      },
      { Items: [{ value: 4, index: 4, tag: 'x' }], BatchInput: { tag: 'x' } },
    ]);
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: await mapRunOf(run.executionArn) }));
    expect(described.itemCounts).toMatchObject({ succeeded: 5, total: 5 });
    expect(described.executionCounts).toMatchObject({ succeeded: 3, total: 3 });
  });
});

describe('tolerated failures', () => {
  it('a failure past the threshold fails the Map with States.ExceedToleratedFailureThreshold', async () => {
    const machine = await createMachine(sfn, 'fan-intolerant', distributedMap('STANDARD', { MaxConcurrency: 1 }));
    const run = await finished(
      sfn,
      await startExecution(sfn, machine, { items: items(4, (n) => (n === 1 ? { fail: true } : {})) }),
    );
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    expect(eventTypes(run.history)).toContain('MapRunFailed');
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: await mapRunOf(run.executionArn) }));
    expect(described.status).toBe('FAILED');
    expect(described.executionCounts?.failed).toBe(1);
  });

  it('failures within ToleratedFailureCount let the Map succeed, the failed children in its output as null', async () => {
    const machine = await createMachine(sfn, 'fan-tolerant', distributedMap('STANDARD', { ToleratedFailureCount: 2 }));
    const run = await finished(
      sfn,
      await startExecution(sfn, machine, { items: items(4, (n) => (n % 2 === 1 ? { fail: true } : {})) }),
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual([{ done: 0 }, null, { done: 2 }, null]);
  });

  it('a redrive of the parent reruns only the children that failed, in the same Map Run', async () => {
    work.failUntil.clear();
    const machine = await createMachine(sfn, 'fan-redrive', distributedMap('STANDARD'));
    const input = { items: items(4, (n) => (n === 2 ? { flaky: 1 } : {})) };
    const first = await finished(sfn, await startExecution(sfn, machine, input));
    expect(first.status).toBe('FAILED');
    const mapRunArn = await mapRunOf(first.executionArn);
    const callsBefore = work.calls;
    await sfn.send(new RedriveExecutionCommand({ executionArn: first.executionArn }));
    const second = await finished(sfn, first.executionArn);
    expect(second.status).toBe('SUCCEEDED');
    expect(second.output).toEqual([0, 1, 2, 3].map((n) => ({ done: n })));
    expect(work.calls - callsBefore).toBe(1);
    expect(eventTypes(second.history)).toContain('MapRunRedriven');
    expect(await mapRunOf(first.executionArn)).toBe(mapRunArn);
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(described.redriveDate).toBeInstanceOf(Date);
  });
});

describe('a Distributed Map with EXPRESS children', () => {
  it('runs the children in memory and gathers their outputs; ListExecutions lists none of them', async () => {
    const machine = await createMachine(sfn, 'fan-express', distributedMap('EXPRESS', { MaxConcurrency: 2 }));
    const run = await finished(sfn, await startExecution(sfn, machine, { items: items(6) }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ done: n })));
    const mapRunArn = await mapRunOf(run.executionArn);
    expect((await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions).toEqual([]);
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described.executionCounts).toMatchObject({ succeeded: 6, total: 6 });
  });
});

describe('a running Map Run', () => {
  it('reports running children, takes UpdateMapRun, and a stop of the parent aborts its children', async () => {
    const machine = await createMachine(
      sfn,
      'fan-held',
      distributedMap('STANDARD', { MaxConcurrency: 2 }, { Hold: { Type: 'Task', Resource: HOLD, End: true } }),
    );
    const executionArn = await startExecution(sfn, machine, { items: items(5) });
    const mapRunArn = await until(async () => mapRunOf(executionArn));
    await until(async () => {
      const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(described.status).toBe('RUNNING');
      expect(described.executionCounts).toMatchObject({ running: 2 });
    });
    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 3, toleratedFailureCount: 1 }));
    await until(async () => {
      const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(described).toMatchObject({ maxConcurrency: 3, toleratedFailureCount: 1 });
      expect(described.executionCounts?.running).toBe(3);
    });
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const stopped = await finished(sfn, executionArn);
    expect(stopped.status).toBe('ABORTED');
    expect(eventTypes(stopped.history)).toContain('MapRunAborted');
    await until(async () => {
      const { executions } = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'RUNNING' }));
      expect(executions).toEqual([]);
      expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).status).toBe('ABORTED');
    });
    for (const release of held.splice(0)) release();
  }, 30_000);
});

describe('bad requests', () => {
  it('answers AWS errors for unknown runs and bad updates', async () => {
    const unknown = 'arn:aws:states:us-east-1:123456789012:mapRun:nope/Label:00000000-0000-0000-0000-000000000000';
    expect(await rejection(sfn.send(new DescribeMapRunCommand({ mapRunArn: unknown })))).toMatchObject({
      name: 'ResourceNotFound',
    });
    expect(
      await rejection(sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, toleratedFailurePercentage: 101 }))),
    ).toMatchObject({ name: 'ValidationException' });
    expect(await rejection(sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(
      await rejection(
        sfn.send(new ListMapRunsCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope' })),
      ),
    ).toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

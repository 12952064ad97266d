/** The console's reading of a history: each state's status, attempts, iterations; and paging. */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../console/src/api.js';
import { ExecutionHistory } from '../../console/src/history.js';
import { loadHistory, pageSlice } from '../../console/src/pager.js';
import { execute, fakeClock, TaskFailure } from '../../src/index.js';
import { Driver } from '../interpreter/support.js';

const BOOM = 'arn:aws:lambda:us-east-1:123456789012:function:boom';
const WORK = 'arn:aws:lambda:us-east-1:123456789012:function:work';

const definition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      ResultPath: '$.fan',
      Next: 'Each',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        {
          StartAt: 'B',
          States: {
            B: {
              Type: 'Task',
              Resource: BOOM,
              Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2, IntervalSeconds: 2, BackoffRate: 2 }],
              Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover', ResultPath: '$.err' }],
              End: true,
            },
            Recover: { Type: 'Pass', End: true },
          },
        },
      ],
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'n.$': '$$.Map.Item.Value' },
      ResultPath: '$.mapped',
      ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: WORK, End: true } } },
      Next: 'Check',
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Bad' },
    Done: { Type: 'Succeed' },
    Bad: { Type: 'Fail', Error: 'NotOk' },
  },
};

async function run(input: unknown, failItem?: number): Promise<HistoryEvent[]> {
  const result = await execute(JSON.stringify(definition), input as never, {
    clock: fakeClock(),
    handlers: {
      [BOOM]: async () => {
        throw new TaskFailure('Boom', 'always');
      },
      [WORK]: async (item) => {
        if ((item as { n: number }).n === failItem) throw new TaskFailure('ItemFailed', `item ${failItem}`);
        return item;
      },
    },
  });
  // The API sends timestamps in epoch seconds.
  return (result.history as unknown as HistoryEvent[]).map((e) => ({ ...e, timestamp: e.timestamp / 1000 }));
}

const RESERVE = 'arn:aws:lambda:us-east-1:123456789012:function:reserve';

/** A Map whose three iterations run at once, their events interleaved; iteration 1 is retried twice. */
const reservations = {
  StartAt: 'ReserveItems',
  States: {
    ReserveItems: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        StartAt: 'Reserve',
        States: {
          Reserve: {
            Type: 'Task',
            Resource: RESERVE,
            Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 }],
            End: true,
          },
        },
      },
    },
  },
};

/** The history of `reservations`, driven a signal at a time: b fails, c succeeds, b fails again, a, then b succeed. */
async function interleavedReservations(): Promise<HistoryEvent[]> {
  const d = await Driver.start(reservations, [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]);
  const [a, b, c] = d.invocations().map((i) => i.taskId);
  await d.send({ kind: 'taskFailed', taskId: b as string, error: 'Busy', cause: 'first' });
  await d.send({ kind: 'taskSucceeded', taskId: c as string, output: 'C' });
  await d.fire(d.timers()[0] as Parameters<Driver['fire']>[0]);
  await d.send({ kind: 'taskFailed', taskId: d.lastInvocation().taskId, error: 'Busy', cause: 'second' });
  await d.send({ kind: 'taskSucceeded', taskId: a as string, output: 'A' });
  await d.fire(d.timers()[1] as Parameters<Driver['fire']>[0]);
  await d.send({ kind: 'taskSucceeded', taskId: d.lastInvocation().taskId, output: 'B' });
  return (d.events as unknown as HistoryEvent[]).map((e) => ({ ...e, timestamp: e.timestamp / 1000 }));
}

describe('ExecutionHistory', () => {
  it('colours every state: succeeded, caught error, failed, not reached', async () => {
    const history = new ExecutionHistory();
    history.add(await run({ items: [1, 2, 3], ok: false }));
    const statuses = history.statuses();
    expect(Object.fromEntries(statuses)).toEqual({
      Fan: 'SUCCEEDED',
      A: 'SUCCEEDED',
      B: 'CAUGHT_ERROR',
      Recover: 'SUCCEEDED',
      Each: 'SUCCEEDED',
      Work: 'SUCCEEDED',
      Check: 'SUCCEEDED',
      Bad: 'FAILED',
    });
    expect(statuses.has('Done')).toBe(false);
    expect(history.summary.status).toBe('FAILED');
    expect(history.summary.error).toBe('NotOk');
  });

  it('shows retries with their backoff and the error that was caught', async () => {
    const history = new ExecutionHistory();
    history.add(await run({ items: [], ok: true }));
    const b = history.latestRun('B');
    expect(b?.attempts.map((a) => a.outcome)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(b?.attempts.map((a) => a.backoffSeconds)).toEqual([undefined, 2, 4]);
    expect(b?.error).toBe('Boom');
    expect(b?.parent?.name).toBe('Fan');
    expect(JSON.parse(b?.output ?? '{}').err).toEqual({ Error: 'Boom', Cause: 'always' });
  });

  it('keeps each Map iteration apart, and one iteration shows its own path', async () => {
    const history = new ExecutionHistory();
    history.add(await run({ items: [1, 2, 3], ok: true }, 2));
    expect(history.iterationsOf('Each').map((i) => [i.id, i.status])).toEqual([
      ['Each[0]', 'SUCCEEDED'],
      ['Each[1]', 'FAILED'],
      ['Each[2]', expect.stringMatching(/SUCCEEDED|ABORTED/)],
    ]);
    expect(history.statuses().get('Work')).toBe('FAILED');
    expect(history.statuses('Each[0]').get('Work')).toBe('SUCCEEDED');
    expect(JSON.parse(history.latestRun('Work', 'Each[0]')?.input ?? '{}')).toEqual({ n: 1 });
    expect(history.statuses().get('Each')).toBe('FAILED');
    expect(history.statuses().has('Check')).toBe(false);
  });

  it('attributes interleaved Map iterations by their links: each shows its own input, output and attempts', async () => {
    const history = new ExecutionHistory();
    history.add(await interleavedReservations());
    expect(history.iterationsOf('ReserveItems').map((i) => [i.id, i.status])).toEqual([
      ['ReserveItems[0]', 'SUCCEEDED'],
      ['ReserveItems[1]', 'SUCCEEDED'],
      ['ReserveItems[2]', 'SUCCEEDED'],
    ]);
    const seen = [0, 1, 2].map((i) => {
      const run = history.latestRun('Reserve', `ReserveItems[${i}]`);
      return [run?.iteration?.id, run?.input, run?.output, run?.attempts.map((a) => a.outcome), run?.status];
    });
    expect(seen).toEqual([
      ['ReserveItems[0]', '{"sku":"a"}', '"A"', ['SUCCEEDED'], 'SUCCEEDED'],
      ['ReserveItems[1]', '{"sku":"b"}', '"B"', ['FAILED', 'FAILED', 'SUCCEEDED'], 'SUCCEEDED'],
      ['ReserveItems[2]', '{"sku":"c"}', '"C"', ['SUCCEEDED'], 'SUCCEEDED'],
    ]);
    expect(history.latestRun('Reserve', 'ReserveItems[1]')?.attempts.map((a) => a.backoffSeconds)).toEqual([
      undefined,
      1,
      2,
    ]);
    expect(history.latestRun('ReserveItems')?.status).toBe('SUCCEEDED');
    expect(history.summary.status).toBe('SUCCEEDED');
  });

  it('takes the history a page at a time, in any page size, and ignores repeated events', async () => {
    const events = await run({ items: [1, 2], ok: true });
    const whole = new ExecutionHistory();
    whole.add(events);
    const paged = new ExecutionHistory();
    for (let i = 0; i < events.length; i += 3) paged.add(events.slice(i, i + 3));
    paged.add(events.slice(0, 5));
    expect(Object.fromEntries(paged.statuses())).toEqual(Object.fromEntries(whole.statuses()));
    expect(paged.events.length).toBe(events.length);
    expect(paged.summary.transitions).toBe(whole.summary.transitions);
    expect(whole.statuses().get('Done')).toBe('SUCCEEDED');
  });

  it('marks the states still running when the execution is stopped as aborted', () => {
    const history = new ExecutionHistory();
    history.add([
      {
        id: 1,
        previousEventId: 0,
        timestamp: 1,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: '{}' },
      },
      {
        id: 2,
        previousEventId: 1,
        timestamp: 1,
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'T', input: '{}' },
      },
      {
        id: 3,
        previousEventId: 2,
        timestamp: 1,
        type: 'TaskScheduled',
        taskScheduledEventDetails: { resource: 'x', parameters: '{}' },
      },
    ]);
    expect(history.statuses().get('T')).toBe('IN_PROGRESS');
    history.add([
      { id: 4, previousEventId: 3, timestamp: 2, type: 'ExecutionAborted', executionAbortedEventDetails: {} },
    ]);
    expect(history.statuses().get('T')).toBe('ABORTED');
    expect(history.summary.status).toBe('ABORTED');
  });
});

describe('loadHistory', () => {
  it('follows nextToken page by page, handing each page over before asking for the next', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => ({
      id: i + 1,
      previousEventId: i,
      timestamp: 0,
      type: 'PassStateEntered',
    }));
    const requests: Record<string, unknown>[] = [];
    const seen: number[] = [];
    const count = await loadHistory({
      executionArn: 'arn',
      call: async (_action, body) => {
        requests.push(body);
        expect(seen.length).toBe(requests.length - 1);
        const start = body.nextToken ? Number(body.nextToken) : 0;
        const page = all.slice(start, start + Number(body.maxResults));
        return { events: page, nextToken: start + page.length < all.length ? String(start + page.length) : undefined };
      },
      onPage: (events, done) => seen.push(events.length * (done ? -1 : 1)),
    });
    expect(count).toBe(2500);
    expect(seen).toEqual([1000, 1000, -500]);
    expect(requests.map((r) => r.maxResults)).toEqual([1000, 1000, 1000]);
  });

  it('stops when the page goes away', async () => {
    let calls = 0;
    await loadHistory({
      executionArn: 'arn',
      call: async () => ({ events: [{ id: ++calls, timestamp: 0, type: 'X' }], nextToken: 'more' }),
      onPage: () => undefined,
      cancelled: () => calls >= 3,
    });
    expect(calls).toBe(3);
  });

  it('slices the event table into pages', () => {
    expect(pageSlice(10_000, 3, 100)).toEqual({ start: 200, end: 300, pages: 100, page: 3 });
    expect(pageSlice(0, 5, 100)).toEqual({ start: 0, end: 0, pages: 1, page: 1 });
    expect(pageSlice(250, 9, 100)).toEqual({ start: 200, end: 250, pages: 3, page: 3 });
  });
});

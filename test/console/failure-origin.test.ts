/**
 * Where an execution's error arose, as the console shows it: the state whose own evaluation failed
 * (no failure event of its own) shows as failed, and so does the Parallel state it failed; a
 * branch stopped because its sibling failed stays aborted. Real histories from the in-memory runner.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../console/src/api.js';
import { failureOrigins, statusesWithOrigins } from '../../console/src/failure-origin.js';
import { ExecutionHistory } from '../../console/src/history.js';
import { execute, fakeClock } from '../../src/index.js';

const SLOW = 'arn:aws:lambda:us-east-1:123456789012:function:slow';

async function historyOf(definition: unknown, input: unknown = {}): Promise<ExecutionHistory> {
  const result = await execute(JSON.stringify(definition), input as never, {
    clock: fakeClock(),
    handlers: { [SLOW]: () => new Promise(() => undefined) },
  });
  const history = new ExecutionHistory();
  history.add((result.history as unknown as HistoryEvent[]).map((e) => ({ ...e, timestamp: e.timestamp / 1000 })));
  return history;
}

describe('failureOrigins', () => {
  it('shows a Pass whose Parameters failed as failed, with the Parallel around it; its busy sibling stays aborted', async () => {
    const history = await historyOf({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Busy', States: { Busy: { Type: 'Task', Resource: SLOW, End: true } } },
            { StartAt: 'Shape', States: { Shape: { Type: 'Pass', Parameters: { 'v.$': '$.missing.x' }, End: true } } },
          ],
        },
      },
    });
    expect(history.summary.status).toBe('FAILED');
    const origins = failureOrigins(history);
    expect([...origins].map((run) => run.name)).toEqual(['Shape']);
    const statuses = statusesWithOrigins(history, origins);
    expect(statuses.get('Shape')).toBe('FAILED');
    expect(statuses.get('Fan')).toBe('FAILED');
    expect(statuses.get('Busy')).toBe('ABORTED');
  });

  it('finds nothing to change when the execution succeeded or a state reported its own failure', async () => {
    const ok = await historyOf({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(failureOrigins(ok).size).toBe(0);
    const fail = await historyOf({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } });
    expect(failureOrigins(fail).size).toBe(0);
    expect(statusesWithOrigins(fail, failureOrigins(fail)).get('F')).toBe('FAILED');
  });

  it('shows a top-level Pass whose Parameters failed as failed', async () => {
    const history = await historyOf({
      StartAt: 'Shape',
      States: { Shape: { Type: 'Pass', Parameters: { 'v.$': '$.missing.x' }, End: true } },
    });
    expect(statusesWithOrigins(history, failureOrigins(history)).get('Shape')).toBe('FAILED');
  });
});

import { describe, expect, it } from 'vitest';
import { eventDetailsText } from '../../src/store/sqlite/event-insert.js';
import { eventToRow } from '../../src/store/rows.js';
import type { HistoryEvent } from '../../src/vocabulary/history-events.js';

const at = { id: 3, previousEventId: 2, timestamp: 1_700_000_000_000 };

describe('SQLite history rows: the details column', () => {
  const events = [
    { ...at, type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"a":"\\u00e9\\n"}', roleArn: 'r' } },
    { ...at, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'ü "quoted"', input: '{}' } },
    { ...at, type: 'SucceedStateExited' },
    { ...at, type: 'ExecutionFailed', executionFailedEventDetails: undefined },
    { ...at, type: 'TaskFailed', taskFailedEventDetails: { resource: 'x', resourceType: 'y', error: undefined } },
    { ...at, type: 'TaskFailed', extra: 1, taskFailedEventDetails: { resource: 'x', resourceType: 'y' } },
  ] as unknown as HistoryEvent[];

  it.each(events.map((e) => [e.type, e] as const))('is the text eventToRow gives (%s)', (_type, event) => {
    expect(eventDetailsText(event)).toBe(eventToRow('arn', event).details);
  });
});

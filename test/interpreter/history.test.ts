import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  detailsFieldOf,
  detailsOf,
  historyEvent,
  HistoryEventTypes,
  isHistoryEventType,
  stateEnteredType,
  stateExitedType,
  type EventDetailsFor,
  type HistoryEvent,
  type HistoryEventDetailsField,
  type HistoryEventType,
  type HistoryStateType,
  type MapIterationEventDetails,
  type StateEnteredEventDetails,
} from '../../src/vocabulary/history-events.js';
import { CONFORMANCE_CASES_DIR, conformanceAvailable } from '../support/corpus-dir.js';

/** The number of values in AWS's HistoryEventType enum (API 2016-11-23). */
const AWS_HISTORY_EVENT_TYPE_COUNT = 62;

const casesDir = CONFORMANCE_CASES_DIR;

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

/** Every string listed under a `historyTypes` key anywhere in `value`. */
function historyTypesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) historyTypesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'historyTypes' && Array.isArray(child)) {
        for (const t of child) if (typeof t === 'string') found.push(t);
      } else {
        historyTypesIn(child, found);
      }
    }
  }
  return found;
}

const stateTypes: HistoryStateType[] = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

describe('HistoryEventTypes', () => {
  it('has as many values as AWS’s HistoryEventType enum', () => {
    expect(HistoryEventTypes).toHaveLength(AWS_HISTORY_EVENT_TYPE_COUNT);
  });

  it('lists every type once', () => {
    expect(new Set(HistoryEventTypes).size).toBe(HistoryEventTypes.length);
  });

  it('includes the redrive and JSONata evaluation types', () => {
    expect(HistoryEventTypes).toEqual(
      expect.arrayContaining(['ExecutionRedriven', 'MapRunRedriven', 'EvaluationFailed']),
    );
  });

  it.skipIf(!conformanceAvailable)('contains every history type recorded in the conformance cases', () => {
    const recorded = new Set(
      jsonFiles(casesDir).flatMap((file) => historyTypesIn(JSON.parse(readFileSync(file, 'utf8')))),
    );
    expect(recorded.size).toBeGreaterThan(0);
    expect([...recorded].filter((t) => !isHistoryEventType(t))).toEqual([]);
  });
});

describe('detailsFieldOf', () => {
  it('has an entry for every event type and no others', () => {
    expect(Object.keys(detailsFieldOf).sort()).toEqual([...HistoryEventTypes].sort());
    for (const type of HistoryEventTypes) expect(detailsFieldOf[type]).not.toBeUndefined();
  });

  it('names the details field AWS uses for a type', () => {
    expect(detailsFieldOf.PassStateEntered).toBe('stateEnteredEventDetails');
    expect(detailsFieldOf.FailStateEntered).toBe('stateEnteredEventDetails');
    expect(detailsFieldOf.MapStateExited).toBe('stateExitedEventDetails');
    expect(detailsFieldOf.MapIterationStarted).toBe('mapIterationStartedEventDetails');
    expect(detailsFieldOf.ExecutionTimedOut).toBe('executionTimedOutEventDetails');
    expect(detailsFieldOf.EvaluationFailed).toBe('evaluationFailedEventDetails');
  });

  it('has no details field for the types AWS records bare', () => {
    const bare = HistoryEventTypes.filter((t) => detailsFieldOf[t] === null);
    expect(bare.sort()).toEqual(
      [
        'LambdaFunctionStarted',
        'MapRunAborted',
        'MapRunSucceeded',
        'MapStateAborted',
        'MapStateFailed',
        'MapStateSucceeded',
        'ParallelStateAborted',
        'ParallelStateFailed',
        'ParallelStateStarted',
        'ParallelStateSucceeded',
        'TaskStateAborted',
        'WaitStateAborted',
      ].sort(),
    );
  });

  it('gives every type with a details field a field named after its event kind', () => {
    for (const type of HistoryEventTypes) {
      const field = detailsFieldOf[type];
      if (field === null) continue;
      const expected = /State(Entered|Exited)$/.test(type)
        ? `state${type.endsWith('Entered') ? 'Entered' : 'Exited'}EventDetails`
        : `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
      expect(field, type).toBe(expected);
    }
  });

  it('uses each details field for at least one type', () => {
    const used = new Set<HistoryEventDetailsField | null>(Object.values(detailsFieldOf));
    expect(used.size - (used.has(null) ? 1 : 0)).toBe(37);
  });
});

describe('historyEvent', () => {
  it('puts the details under the field AWS uses for the type', () => {
    const event = historyEvent({ id: 2, previousEventId: 1, timestamp: 1000 }, 'PassStateEntered', {
      name: 'P',
      input: '{}',
      inputDetails: { truncated: false },
    });
    expect(event).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: 1000,
      type: 'PassStateEntered',
      stateEnteredEventDetails: { name: 'P', input: '{}', inputDetails: { truncated: false } },
    });
    expect(detailsOf(event)).toEqual({ name: 'P', input: '{}', inputDetails: { truncated: false } });
  });

  it('builds a bare event for a type without details', () => {
    const event: HistoryEvent = historyEvent({ id: 5, previousEventId: 4, timestamp: 0 }, 'MapStateSucceeded');
    expect(event).toEqual({ id: 5, previousEventId: 4, timestamp: 0, type: 'MapStateSucceeded' });
    expect(detailsOf(event)).toBeUndefined();
  });

  it('maps types to their details interfaces at compile time', () => {
    expectTypeOf<EventDetailsFor<'TaskStateEntered'>>().toEqualTypeOf<StateEnteredEventDetails>();
    expectTypeOf<EventDetailsFor<'MapIterationFailed'>>().toEqualTypeOf<MapIterationEventDetails>();
    expectTypeOf<EventDetailsFor<'WaitStateAborted'>>().toEqualTypeOf<undefined>();
  });

  it('rejects missing, extra or mistyped details at compile time', () => {
    // What historyEvent takes after (position, type): exactly one details argument of the type's
    // interface, or none.
    type DetailsArgs<T extends HistoryEventType> =
      Parameters<typeof historyEvent<T>> extends [unknown, unknown, ...infer Rest] ? Rest : never;
    // PassStateEntered carries stateEnteredEventDetails (leaving it out does not compile).
    expectTypeOf<DetailsArgs<'PassStateEntered'>>().toEqualTypeOf<[details: StateEnteredEventDetails]>();
    // WaitStateAborted carries no details (passing some does not compile).
    expectTypeOf<DetailsArgs<'WaitStateAborted'>>().toEqualTypeOf<[]>();
    // MapIterationStarted carries MapIterationEventDetails, not state details: no `input`.
    expectTypeOf<DetailsArgs<'MapIterationStarted'>>().toEqualTypeOf<[details: MapIterationEventDetails]>();
    expectTypeOf<MapIterationEventDetails>().not.toHaveProperty('input');
  });
});

describe('stateEnteredType and stateExitedType', () => {
  it('name an existing event type for every state type', () => {
    for (const stateType of stateTypes) {
      expect(HistoryEventTypes).toContain(stateEnteredType(stateType));
      const exited = stateExitedType(stateType);
      if (exited !== null) expect(HistoryEventTypes).toContain(exited);
    }
  });

  it('give a Fail state an entered event but no exited event', () => {
    expect(stateEnteredType('Fail')).toBe('FailStateEntered');
    expect(stateExitedType('Fail')).toBeNull();
    expect(HistoryEventTypes).not.toContain('FailStateExited');
  });

  it('pair entered and exited events by state type', () => {
    expect(stateEnteredType('Map')).toBe('MapStateEntered');
    expect(stateExitedType('Succeed')).toBe('SucceedStateExited');
    for (const stateType of stateTypes) {
      expect(detailsFieldOf[stateEnteredType(stateType)]).toBe('stateEnteredEventDetails');
      const exited = stateExitedType(stateType);
      if (exited !== null) expect(detailsFieldOf[exited]).toBe('stateExitedEventDetails');
    }
  });
});

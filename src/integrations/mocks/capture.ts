/**
 * A mock test case from a real run: an execution's history (GetExecutionHistory with its data, from
 * Stepwise or from AWS) turned into Step Functions Local's MockConfigFile format (./config.ts), so
 * that StartExecution on `<stateMachineArn>#<TestCase>` replays the same Task results and errors
 * in the same order, retries included.
 *
 * Each Task invocation is found by its outcome event (…Succeeded, …Failed, …TimedOut, …StartFailed,
 * …ScheduleFailed, …SubmitFailed), attributed to its state by walking the `previousEventId` links
 * back to the `TaskStateEntered`, and numbered per state in the order it was scheduled, which is the
 * order the mock integration counts invocations in (a Map's iterations share their state's count).
 */
import type { Json, JsonObject } from '../../json.js';
import { isJsonObject } from '../../json.js';

/** A history event as GetExecutionHistory returns it (the SDK's shape, or the AWS CLI's JSON export). */
export interface CapturedEvent {
  id: number;
  previousEventId?: number;
  type: string;
  [details: string]: unknown;
}

export interface CaptureOptions {
  stateMachineName: string;
  testCase: string;
}

export interface CapturedState {
  state: string;
  /** In invocation order: `Return <json>` or `Throw <Error>`. */
  responses: ({ Return: Json } | { Throw: { Error: string; Cause?: string } })[];
}

export interface Capture {
  /** The MockConfigFile JSON: one state machine, one test case. */
  config: JsonObject;
  states: CapturedState[];
  /** What the replay will not reproduce, for the user. */
  notes: string[];
}

export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}

const SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);

/** Outcome event type → its details member, and whether it is a success / a timeout. */
const OUTCOMES: Record<string, { details: string; kind: 'success' | 'failure' | 'timeout' }> = {
  TaskSucceeded: { details: 'taskSucceededEventDetails', kind: 'success' },
  TaskFailed: { details: 'taskFailedEventDetails', kind: 'failure' },
  TaskTimedOut: { details: 'taskTimedOutEventDetails', kind: 'timeout' },
  TaskStartFailed: { details: 'taskStartFailedEventDetails', kind: 'failure' },
  TaskSubmitFailed: { details: 'taskSubmitFailedEventDetails', kind: 'failure' },
  LambdaFunctionSucceeded: { details: 'lambdaFunctionSucceededEventDetails', kind: 'success' },
  LambdaFunctionFailed: { details: 'lambdaFunctionFailedEventDetails', kind: 'failure' },
  LambdaFunctionTimedOut: { details: 'lambdaFunctionTimedOutEventDetails', kind: 'timeout' },
  LambdaFunctionStartFailed: { details: 'lambdaFunctionStartFailedEventDetails', kind: 'failure' },
  LambdaFunctionScheduleFailed: { details: 'lambdaFunctionScheduleFailedEventDetails', kind: 'failure' },
  ActivitySucceeded: { details: 'activitySucceededEventDetails', kind: 'success' },
  ActivityFailed: { details: 'activityFailedEventDetails', kind: 'failure' },
  ActivityTimedOut: { details: 'activityTimedOutEventDetails', kind: 'timeout' },
  ActivityScheduleFailed: { details: 'activityScheduleFailedEventDetails', kind: 'failure' },
};

/** The events of a GetExecutionHistory answer or export (`{"events": [...]}`), checked and in id order. */
export function historyEvents(value: unknown, source: string): CapturedEvent[] {
  const events = isJsonObject(value as Json) ? (value as { events?: unknown }).events : undefined;
  if (!Array.isArray(events) || events.length === 0)
    throw new CaptureError(
      `${source} is not a GetExecutionHistory export: expected {"events": [...]} as written by 'aws stepfunctions get-execution-history --include-execution-data'`,
    );
  for (const [i, event] of events.entries()) {
    const e = event as Partial<CapturedEvent> | null;
    if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.id !== 'number')
      throw new CaptureError(`${source}: events[${i}] is not a history event (it needs a numeric id and a type)`);
  }
  const sorted = [...(events as CapturedEvent[])].sort((a, b) => a.id - b.id);
  if (!sorted.some((e) => e.type === 'ExecutionStarted'))
    throw new CaptureError(`${source} is not a whole execution's history: it has no ExecutionStarted event`);
  return sorted;
}

/** The state machine's name from the history itself (a version or alias ARN), if it says. */
export function stateMachineNameIn(events: readonly CapturedEvent[]): string | undefined {
  const started = events.find((e) => e.type === 'ExecutionStarted')?.executionStartedEventDetails as
    { stateMachineVersionArn?: string; stateMachineAliasArn?: string } | undefined;
  const arn = started?.stateMachineVersionArn ?? started?.stateMachineAliasArn;
  return arn?.split(':')[6];
}

export function captureMocks(events: readonly CapturedEvent[], options: CaptureOptions): Capture {
  const byId = new Map(events.map((e) => [e.id, e]));
  const notes: string[] = [];
  const invocations: { order: number; state: string; response: CapturedState['responses'][number] }[] = [];
  let lastEntered: string | undefined;
  let missingData = false;
  let timeouts = 0;
  for (const event of events) {
    if (event.type === 'TaskStateEntered') lastEntered = enteredName(event);
    const outcome = OUTCOMES[event.type];
    if (!outcome) continue;
    let order = event.id;
    let state: string | undefined;
    for (let at = byId.get(event.previousEventId ?? -1), hops = 0; at && hops < 10_000; hops++) {
      if (SCHEDULED.has(at.type) && order === event.id) order = at.id;
      if (at.type === 'TaskStateEntered') {
        state = enteredName(at);
        break;
      }
      at = byId.get(at.previousEventId ?? -1);
    }
    state ??= lastEntered;
    if (state === undefined) {
      notes.push(`event ${event.id} (${event.type}) belongs to no Task state the history shows: left out`);
      continue;
    }
    const details = (event[outcome.details] ?? {}) as { output?: string; error?: string; cause?: string };
    if (outcome.kind === 'success') {
      if (details.output === undefined) missingData = true;
      invocations.push({ order, state, response: { Return: parseOutput(details.output) } });
    } else {
      if (outcome.kind === 'timeout') timeouts++;
      const error = details.error ?? (outcome.kind === 'timeout' ? 'States.Timeout' : 'States.TaskFailed');
      invocations.push({
        order,
        state,
        response: { Throw: { Error: error, ...(details.cause !== undefined ? { Cause: details.cause } : {}) } },
      });
    }
  }
  if (invocations.length === 0)
    throw new CaptureError('the execution ran no Task state to an outcome: there is nothing to mock');
  invocations.sort((a, b) => a.order - b.order);
  const states: CapturedState[] = [];
  for (const invocation of invocations) {
    let entry = states.find((s) => s.state === invocation.state);
    if (!entry) states.push((entry = { state: invocation.state, responses: [] }));
    entry.responses.push(invocation.response);
  }
  if (missingData)
    notes.push(
      'some results have no output in the history (exported without --include-execution-data?): they return null',
    );
  if (timeouts > 0)
    notes.push(
      `${timeouts} timeout(s) are replayed as failures with their error (States.Timeout): the replay records …Failed where the run recorded …TimedOut`,
    );
  const unfinished = events.filter((e) => SCHEDULED.has(e.type)).length - scheduledWithOutcome(invocations, events);
  if (unfinished > 0)
    notes.push(`${unfinished} Task invocation(s) had no outcome in the history (still running or stopped): not mocked`);
  for (const [type, why] of [
    ['ActivityStarted', 'a worker takes the task'],
    ['TaskSubmitted', 'a .sync job is submitted'],
  ] as const) {
    const count = events.filter((e) => e.type === type).length;
    if (count > 0)
      notes.push(
        `the run has ${count} ${type} event(s), written when ${why}: a mocked task answers at once, without them`,
      );
  }
  const responseName = (state: string) => `${options.testCase}.${state}`;
  const config: JsonObject = {
    StateMachines: {
      [options.stateMachineName]: {
        TestCases: { [options.testCase]: Object.fromEntries(states.map((s) => [s.state, responseName(s.state)])) },
      },
    },
    MockedResponses: Object.fromEntries(
      states.map((s) => [
        responseName(s.state),
        Object.fromEntries(s.responses.map((r, i) => [String(i), r as JsonObject])),
      ]),
    ),
  };
  return { config, states, notes };
}

/**
 * Adds a capture to an existing MockConfigFile (its other state machines and test cases kept; this
 * test case and its responses replaced).
 */
export function mergeMockConfig(existing: JsonObject, capture: JsonObject): JsonObject {
  const machines = { ...((existing.StateMachines as JsonObject | undefined) ?? {}) };
  for (const [name, machine] of Object.entries(capture.StateMachines as JsonObject)) {
    const before = (machines[name] as JsonObject | undefined) ?? {};
    machines[name] = {
      ...before,
      TestCases: {
        ...((before.TestCases as JsonObject | undefined) ?? {}),
        ...((machine as JsonObject).TestCases as JsonObject),
      },
    };
  }
  return {
    ...existing,
    StateMachines: machines,
    MockedResponses: {
      ...((existing.MockedResponses as JsonObject | undefined) ?? {}),
      ...(capture.MockedResponses as JsonObject),
    },
  };
}

function scheduledWithOutcome(invocations: readonly { order: number }[], events: readonly CapturedEvent[]): number {
  const scheduledIds = new Set(events.filter((e) => SCHEDULED.has(e.type)).map((e) => e.id));
  return invocations.filter((i) => scheduledIds.has(i.order)).length;
}

function enteredName(event: CapturedEvent): string | undefined {
  const details = event.stateEnteredEventDetails as { name?: unknown } | undefined;
  return typeof details?.name === 'string' ? details.name : undefined;
}

function parseOutput(output: string | undefined): Json {
  if (output === undefined) return null;
  try {
    return JSON.parse(output) as Json;
  } catch {
    return output;
  }
}

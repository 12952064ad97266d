/**
 * The catalogue of execution history events, exactly as AWS Step Functions' GetExecutionHistory
 * returns them (API version 2016-11-23): every `HistoryEventType` value, every `*EventDetails`
 * structure with AWS's field names, and which details field each event type carries.
 *
 * All payloads (`input`, `output`, `parameters`, `assignedVariables` values) are JSON *text*, as in
 * the API; the interpreter serialises before it records an event.
 */

/** Every value of AWS's `HistoryEventType` enum, spelled exactly as AWS spells it. */
export const HistoryEventTypes = [
  'ActivityFailed',
  'ActivityScheduled',
  'ActivityScheduleFailed',
  'ActivityStarted',
  'ActivitySucceeded',
  'ActivityTimedOut',
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'ExecutionAborted',
  'ExecutionFailed',
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionTimedOut',
  'FailStateEntered',
  'LambdaFunctionFailed',
  'LambdaFunctionScheduled',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStarted',
  'LambdaFunctionStartFailed',
  'LambdaFunctionSucceeded',
  'LambdaFunctionTimedOut',
  'MapIterationAborted',
  'MapIterationFailed',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapStateAborted',
  'MapStateEntered',
  'MapStateExited',
  'MapStateFailed',
  'MapStateStarted',
  'MapStateSucceeded',
  'ParallelStateAborted',
  'ParallelStateEntered',
  'ParallelStateExited',
  'ParallelStateFailed',
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'PassStateEntered',
  'PassStateExited',
  'SucceedStateEntered',
  'SucceedStateExited',
  'TaskFailed',
  'TaskScheduled',
  'TaskStarted',
  'TaskStartFailed',
  'TaskStateAborted',
  'TaskStateEntered',
  'TaskStateExited',
  'TaskSubmitFailed',
  'TaskSubmitted',
  'TaskSucceeded',
  'TaskTimedOut',
  'WaitStateAborted',
  'WaitStateEntered',
  'WaitStateExited',
  'MapRunAborted',
  'MapRunFailed',
  'MapRunStarted',
  'MapRunSucceeded',
  'ExecutionRedriven',
  'MapRunRedriven',
  'EvaluationFailed',
] as const;
export type HistoryEventType = (typeof HistoryEventTypes)[number];

const historyEventTypeSet: ReadonlySet<string> = new Set(HistoryEventTypes);

export function isHistoryEventType(value: string): value is HistoryEventType {
  return historyEventTypeSet.has(value);
}

// ---------------------------------------------------------------------------------------------
// Shared sub-structures
// ---------------------------------------------------------------------------------------------

/** Whether an `input`/`output` payload was truncated by the service. AWS: `truncated` optional. */
export interface HistoryEventExecutionDataDetails {
  truncated?: boolean;
}

/** Whether `assignedVariables` was truncated (JSONata/`Assign`). AWS: `truncated` optional. */
export interface AssignedVariablesDetails {
  truncated?: boolean;
}

/** The credentials Step Functions uses for a task (`Credentials` field of a Task state). */
export interface TaskCredentials {
  roleArn?: string;
}

// ---------------------------------------------------------------------------------------------
// Activity events
// ---------------------------------------------------------------------------------------------

export interface ActivityFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface ActivityScheduledEventDetails {
  resource: string;
  input?: string;
  inputDetails?: HistoryEventExecutionDataDetails;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
}

export interface ActivityScheduleFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface ActivityStartedEventDetails {
  workerName?: string;
}

export interface ActivitySucceededEventDetails {
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
}

export interface ActivityTimedOutEventDetails {
  error?: string;
  cause?: string;
}

// ---------------------------------------------------------------------------------------------
// Task (service integration) events
// ---------------------------------------------------------------------------------------------

export interface TaskFailedEventDetails {
  resourceType: string;
  resource: string;
  error?: string;
  cause?: string;
}

export interface TaskScheduledEventDetails {
  resourceType: string;
  resource: string;
  region: string;
  /** The JSON text passed to the resource. */
  parameters: string;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
  taskCredentials?: TaskCredentials;
}

export interface TaskStartedEventDetails {
  resourceType: string;
  resource: string;
}

export interface TaskStartFailedEventDetails {
  resourceType: string;
  resource: string;
  error?: string;
  cause?: string;
}

export interface TaskSubmitFailedEventDetails {
  resourceType: string;
  resource: string;
  error?: string;
  cause?: string;
}

export interface TaskSubmittedEventDetails {
  resourceType: string;
  resource: string;
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
}

export interface TaskSucceededEventDetails {
  resourceType: string;
  resource: string;
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
}

export interface TaskTimedOutEventDetails {
  resourceType: string;
  resource: string;
  error?: string;
  cause?: string;
}

// ---------------------------------------------------------------------------------------------
// Execution events
// ---------------------------------------------------------------------------------------------

export interface ExecutionFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface ExecutionStartedEventDetails {
  input?: string;
  inputDetails?: HistoryEventExecutionDataDetails;
  roleArn?: string;
  stateMachineAliasArn?: string;
  stateMachineVersionArn?: string;
}

export interface ExecutionSucceededEventDetails {
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
}

export interface ExecutionAbortedEventDetails {
  error?: string;
  cause?: string;
}

export interface ExecutionTimedOutEventDetails {
  error?: string;
  cause?: string;
}

export interface ExecutionRedrivenEventDetails {
  redriveCount?: number;
}

// ---------------------------------------------------------------------------------------------
// Map events
// ---------------------------------------------------------------------------------------------

export interface MapStateStartedEventDetails {
  /** The number of iterations (items). */
  length?: number;
}

/** Shared by MapIterationStarted/Succeeded/Failed/Aborted (each under its own field name). */
export interface MapIterationEventDetails {
  /** The Map state's name. */
  name?: string;
  index?: number;
}

export interface MapRunStartedEventDetails {
  mapRunArn?: string;
}

export interface MapRunFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface MapRunRedrivenEventDetails {
  mapRunArn?: string;
  redriveCount?: number;
}

// ---------------------------------------------------------------------------------------------
// Lambda (legacy `arn:aws:lambda:` resource) events
// ---------------------------------------------------------------------------------------------

export interface LambdaFunctionFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface LambdaFunctionScheduleFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface LambdaFunctionScheduledEventDetails {
  resource: string;
  input?: string;
  inputDetails?: HistoryEventExecutionDataDetails;
  timeoutInSeconds?: number;
  taskCredentials?: TaskCredentials;
}

export interface LambdaFunctionStartFailedEventDetails {
  error?: string;
  cause?: string;
}

export interface LambdaFunctionSucceededEventDetails {
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
}

export interface LambdaFunctionTimedOutEventDetails {
  error?: string;
  cause?: string;
}

// ---------------------------------------------------------------------------------------------
// State events
// ---------------------------------------------------------------------------------------------

export interface StateEnteredEventDetails {
  name: string;
  input?: string;
  inputDetails?: HistoryEventExecutionDataDetails;
}

export interface StateExitedEventDetails {
  name: string;
  output?: string;
  outputDetails?: HistoryEventExecutionDataDetails;
  /** Variable name → JSON text of the value assigned on exit. */
  assignedVariables?: Record<string, string>;
  assignedVariablesDetails?: AssignedVariablesDetails;
}

/** A JSONata/variable evaluation failure (emitted before the failure it causes). */
export interface EvaluationFailedEventDetails {
  error?: string;
  cause?: string;
  location?: string;
  /** The name of the state in which the evaluation failed. */
  state: string;
}

// ---------------------------------------------------------------------------------------------
// The event
// ---------------------------------------------------------------------------------------------

/** Every details field of a history event, with the structure AWS puts under it. */
export interface HistoryEventDetailsFields {
  activityFailedEventDetails: ActivityFailedEventDetails;
  activityScheduleFailedEventDetails: ActivityScheduleFailedEventDetails;
  activityScheduledEventDetails: ActivityScheduledEventDetails;
  activityStartedEventDetails: ActivityStartedEventDetails;
  activitySucceededEventDetails: ActivitySucceededEventDetails;
  activityTimedOutEventDetails: ActivityTimedOutEventDetails;
  taskFailedEventDetails: TaskFailedEventDetails;
  taskScheduledEventDetails: TaskScheduledEventDetails;
  taskStartFailedEventDetails: TaskStartFailedEventDetails;
  taskStartedEventDetails: TaskStartedEventDetails;
  taskSubmitFailedEventDetails: TaskSubmitFailedEventDetails;
  taskSubmittedEventDetails: TaskSubmittedEventDetails;
  taskSucceededEventDetails: TaskSucceededEventDetails;
  taskTimedOutEventDetails: TaskTimedOutEventDetails;
  executionFailedEventDetails: ExecutionFailedEventDetails;
  executionStartedEventDetails: ExecutionStartedEventDetails;
  executionSucceededEventDetails: ExecutionSucceededEventDetails;
  executionAbortedEventDetails: ExecutionAbortedEventDetails;
  executionTimedOutEventDetails: ExecutionTimedOutEventDetails;
  executionRedrivenEventDetails: ExecutionRedrivenEventDetails;
  mapStateStartedEventDetails: MapStateStartedEventDetails;
  mapIterationStartedEventDetails: MapIterationEventDetails;
  mapIterationSucceededEventDetails: MapIterationEventDetails;
  mapIterationFailedEventDetails: MapIterationEventDetails;
  mapIterationAbortedEventDetails: MapIterationEventDetails;
  lambdaFunctionFailedEventDetails: LambdaFunctionFailedEventDetails;
  lambdaFunctionScheduleFailedEventDetails: LambdaFunctionScheduleFailedEventDetails;
  lambdaFunctionScheduledEventDetails: LambdaFunctionScheduledEventDetails;
  lambdaFunctionStartFailedEventDetails: LambdaFunctionStartFailedEventDetails;
  lambdaFunctionSucceededEventDetails: LambdaFunctionSucceededEventDetails;
  lambdaFunctionTimedOutEventDetails: LambdaFunctionTimedOutEventDetails;
  stateEnteredEventDetails: StateEnteredEventDetails;
  stateExitedEventDetails: StateExitedEventDetails;
  mapRunStartedEventDetails: MapRunStartedEventDetails;
  mapRunFailedEventDetails: MapRunFailedEventDetails;
  mapRunRedrivenEventDetails: MapRunRedrivenEventDetails;
  evaluationFailedEventDetails: EvaluationFailedEventDetails;
}
export type HistoryEventDetailsField = keyof HistoryEventDetailsFields;

/** One history event as the API returns it (timestamp as epoch ms number here; the API layer formats it). */
export interface HistoryEvent extends Partial<HistoryEventDetailsFields> {
  /** Sequential from 1 within an execution. */
  id: number;
  /** The causally preceding event's id; 0 for the first event. */
  previousEventId: number;
  /** Epoch milliseconds. */
  timestamp: number;
  type: HistoryEventType;
}

/**
 * Which details field a given type carries, or `null` when AWS records the event without details
 * (e.g. PassStateEntered → 'stateEnteredEventDetails', WaitStateAborted → null).
 */
export const detailsFieldOf = {
  ActivityFailed: 'activityFailedEventDetails',
  ActivityScheduled: 'activityScheduledEventDetails',
  ActivityScheduleFailed: 'activityScheduleFailedEventDetails',
  ActivityStarted: 'activityStartedEventDetails',
  ActivitySucceeded: 'activitySucceededEventDetails',
  ActivityTimedOut: 'activityTimedOutEventDetails',
  ChoiceStateEntered: 'stateEnteredEventDetails',
  ChoiceStateExited: 'stateExitedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionStarted: 'executionStartedEventDetails',
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
  FailStateEntered: 'stateEnteredEventDetails',
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionScheduled: 'lambdaFunctionScheduledEventDetails',
  LambdaFunctionScheduleFailed: 'lambdaFunctionScheduleFailedEventDetails',
  LambdaFunctionStarted: null,
  LambdaFunctionStartFailed: 'lambdaFunctionStartFailedEventDetails',
  LambdaFunctionSucceeded: 'lambdaFunctionSucceededEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
  MapIterationAborted: 'mapIterationAbortedEventDetails',
  MapIterationFailed: 'mapIterationFailedEventDetails',
  MapIterationStarted: 'mapIterationStartedEventDetails',
  MapIterationSucceeded: 'mapIterationSucceededEventDetails',
  MapStateAborted: null,
  MapStateEntered: 'stateEnteredEventDetails',
  MapStateExited: 'stateExitedEventDetails',
  MapStateFailed: null,
  MapStateStarted: 'mapStateStartedEventDetails',
  MapStateSucceeded: null,
  ParallelStateAborted: null,
  ParallelStateEntered: 'stateEnteredEventDetails',
  ParallelStateExited: 'stateExitedEventDetails',
  ParallelStateFailed: null,
  ParallelStateStarted: null,
  ParallelStateSucceeded: null,
  PassStateEntered: 'stateEnteredEventDetails',
  PassStateExited: 'stateExitedEventDetails',
  SucceedStateEntered: 'stateEnteredEventDetails',
  SucceedStateExited: 'stateExitedEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskStartFailed: 'taskStartFailedEventDetails',
  TaskStateAborted: null,
  TaskStateEntered: 'stateEnteredEventDetails',
  TaskStateExited: 'stateExitedEventDetails',
  TaskSubmitFailed: 'taskSubmitFailedEventDetails',
  TaskSubmitted: 'taskSubmittedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  WaitStateAborted: null,
  WaitStateEntered: 'stateEnteredEventDetails',
  WaitStateExited: 'stateExitedEventDetails',
  MapRunAborted: null,
  MapRunFailed: 'mapRunFailedEventDetails',
  MapRunStarted: 'mapRunStartedEventDetails',
  MapRunSucceeded: null,
  ExecutionRedriven: 'executionRedrivenEventDetails',
  MapRunRedriven: 'mapRunRedrivenEventDetails',
  EvaluationFailed: 'evaluationFailedEventDetails',
} as const satisfies Record<HistoryEventType, HistoryEventDetailsField | null>;

/** The details field (or `null`) that event type `T` carries. */
export type DetailsFieldFor<T extends HistoryEventType> = (typeof detailsFieldOf)[T];

/** The details structure event type `T` carries; `undefined` for types recorded without details. */
export type EventDetailsFor<T extends HistoryEventType> =
  DetailsFieldFor<T> extends HistoryEventDetailsField ? HistoryEventDetailsFields[DetailsFieldFor<T>] : undefined;

/** Where an event sits in the history: its id, its causal predecessor and when it happened. */
export interface HistoryEventPosition {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds. */
  timestamp: number;
}

/**
 * Builds an event of type `type` with its details under the field AWS uses for that type.
 * The details argument is required exactly when the type carries details.
 */
export function historyEvent<T extends HistoryEventType>(
  position: HistoryEventPosition,
  type: T,
  ...details: EventDetailsFor<T> extends undefined ? [] : [details: EventDetailsFor<T>]
): HistoryEvent {
  return eventAt(position.id, position.previousEventId, position.timestamp, type, details.length > 0, details[0]);
}

/**
 * historyEvent for the interpreter's every event: no position object, no rest arguments. The
 * details (when `hasDetails`) go in their field by a keyed store, not Object.assign of a
 * computed-key literal (which costs a dictionary object per event).
 */
export function eventAt(
  id: number,
  previousEventId: number,
  timestamp: number,
  type: HistoryEventType,
  hasDetails: boolean,
  details: unknown,
): HistoryEvent {
  const event: HistoryEvent = { id, previousEventId, timestamp, type };
  const field: HistoryEventDetailsField | null = detailsFieldOf[type];
  if (field !== null && hasDetails) (event as unknown as Record<string, unknown>)[field] = details;
  return event;
}

/** The details structure of `event`, or `undefined` if its type carries none (or it is missing). */
export function detailsOf<T extends HistoryEventType>(
  event: HistoryEvent & { type: T },
): EventDetailsFor<T> | undefined {
  const field: HistoryEventDetailsField | null = detailsFieldOf[event.type];
  if (field === null) return undefined;
  const details: unknown = event[field];
  return details as EventDetailsFor<T> | undefined;
}

// ---------------------------------------------------------------------------------------------
// State entered / exited event types
// ---------------------------------------------------------------------------------------------

/** The ASL state types that record entered/exited events. */
export type HistoryStateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

const enteredTypes = {
  Task: 'TaskStateEntered',
  Pass: 'PassStateEntered',
  Choice: 'ChoiceStateEntered',
  Wait: 'WaitStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
  Parallel: 'ParallelStateEntered',
  Map: 'MapStateEntered',
} as const satisfies Record<HistoryStateType, HistoryEventType>;

/** A Fail state ends the execution on entry: AWS has no `FailStateExited`. */
const exitedTypes = {
  Task: 'TaskStateExited',
  Pass: 'PassStateExited',
  Choice: 'ChoiceStateExited',
  Wait: 'WaitStateExited',
  Succeed: 'SucceedStateExited',
  Fail: null,
  Parallel: 'ParallelStateExited',
  Map: 'MapStateExited',
} as const satisfies Record<HistoryStateType, HistoryEventType | null>;

/** The `*StateEntered` event type of a state type (details: `stateEnteredEventDetails`). */
export function stateEnteredType<S extends HistoryStateType>(stateType: S): (typeof enteredTypes)[S] {
  return enteredTypes[stateType];
}

/**
 * The `*StateExited` event type of a state type (details: `stateExitedEventDetails`), or `null`
 * for `Fail`, which has no exit event.
 */
export function stateExitedType<S extends HistoryStateType>(stateType: S): (typeof exitedTypes)[S] {
  return exitedTypes[stateType];
}

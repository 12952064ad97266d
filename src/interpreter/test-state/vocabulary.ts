/** TestState's request and response vocabulary, the error it refuses a request with, and AWS's wordings. */
import type { Json } from '../../json.js';
import type { Runtime } from '../types.js';

export const InspectionLevels = ['INFO', 'DEBUG', 'TRACE'] as const;
export type InspectionLevel = (typeof InspectionLevels)[number];

export const TestExecutionStatuses = ['SUCCEEDED', 'FAILED', 'RETRIABLE', 'CAUGHT_ERROR'] as const;
export type TestExecutionStatus = (typeof TestExecutionStatuses)[number];

export const MockResponseValidationModes = ['STRICT', 'PRESENT', 'NONE'] as const;
export type MockResponseValidationMode = (typeof MockResponseValidationModes)[number];

/** The API errors TestState answers with (their `__type`). */
export type TestStateErrorType = 'InvalidDefinition' | 'InvalidExecutionInput' | 'ValidationException';

/** A request TestState refuses; the API turns it into the error of the same `__type`. */
export class TestStateError extends Error {
  constructor(
    readonly type: TestStateErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

// ---- request and response ----------------------------------------------------------------------

export interface TestStateMock {
  /** JSON text: the state's result (a Task's, or a Map's / Parallel's array of results). */
  result?: string;
  errorOutput?: { error?: string; cause?: string };
  /** Accepted; mocked results are not checked against service API models here. */
  fieldValidationMode?: MockResponseValidationMode;
}

export interface TestStateConfiguration {
  /** Retries already made by the retrier that matches the mocked error. */
  retrierRetryCount?: number;
  /** The state inside the Map/Parallel that the mocked error comes from. */
  errorCausedByState?: string;
  /** Iterations of the Map that failed (checked against its tolerated failure thresholds). */
  mapIterationFailureCount?: number;
  /** JSON text: the items an ItemReader would have read. */
  mapItemReaderData?: string;
}

export interface TestStateOptions {
  /** A single state's JSON, or (with `stateName`) a whole state machine definition. */
  definition: string;
  stateName?: string;
  /** JSON text; "{}" when absent. */
  input?: string;
  inspectionLevel?: InspectionLevel;
  revealSecrets?: boolean;
  roleArn?: string;
  /** JSON text of an object: the workflow variables the state sees. */
  variables?: string;
  /** JSON text of an object: context object fields, laid over the generated ones. */
  context?: string;
  mock?: TestStateMock;
  stateConfiguration?: TestStateConfiguration;
  runtime: Runtime;
  region?: string;
  accountId?: string;
  partition?: string;
}

export interface InspectionErrorDetails {
  catchIndex?: number;
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
}

/** AWS's InspectionData: payloads as JSON text, counts as numbers. */
export interface InspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  errorDetails?: InspectionErrorDetails;
  afterItemsPath?: string;
  afterItemSelector?: string;
  afterItemBatcher?: string;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
}

export interface TestStateResult {
  output?: string;
  error?: string;
  cause?: string;
  inspectionData?: InspectionData;
  nextState?: string;
  status: TestExecutionStatus;
}

// ---- AWS's wordings ----------------------------------------------------------------------------

export const Messages = {
  stateNotFound: 'State not found in definition',
  mockOnlyOne: 'A test mock should have only one of the following fields: [result, errorOutput].',
  mockWithRevealSecrets: 'TestState does not support RevealSecrets when a mock is specified.',
  mockNotSupported: (type: string) => `State type '${type}' is not supported when a mock is specified`,
  mapParallelNeedMock:
    'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
  roleArnRequired: 'RoleArn must be specified when testing a Task state',
  mockMustBeArray: 'Mocked result must be an array.',
  mockMustBeObject: 'Mocked result must be a JSON object.',
  parallelMockSize: 'Mocked result must contain the same number of items as number of Parallel branches.',
  // Stepwise's own wordings (no AWS recording found):
  taskNeedsMock:
    'TestState in Stepwise needs a mock (mock.result or mock.errorOutput) to test a Task state: calling the resource is not supported',
  contextNeedsMock: 'A context can only be specified when a mock is specified.',
  mockErrorRequired: 'mock.errorOutput.error must be specified when mock.errorOutput is specified.',
  mockResultNotJson: (detail: string) => `Mocked result must be valid JSON: ${detail}`,
  variablesNotObject: (detail: string) => `Invalid variables: ${detail}`,
  contextNotObject: (detail: string) => `Invalid context: ${detail}`,
  itemReaderDataNotArray: 'mapItemReaderData must be a JSON array.',
  errorCausedByStateNotFound: (name: string) =>
    `The errorCausedByState '${name}' is not a state of the tested Map or Parallel state.`,
  exceedTolerated: 'The specified tolerated failure threshold was exceeded',
} as const;

/** The name a lone state runs under (AWS shows "StateName" in the context object). */

/** JSON text, or the TestStateError `fail` makes of its syntax error. */
export function parseJson(text: string, fail: (detail: string) => TestStateError): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
}

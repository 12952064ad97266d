/**
 * API errors (error layer 3): one registry keyed by AWS's `__type`, with the HTTP status AWS sends.
 * The SDK maps `__type` (or the `x-amzn-errortype` header) to its typed exception classes.
 */
export const ApiErrorTypes = {
  // protocol
  UnknownOperationException: 400,
  SerializationException: 400,
  ValidationException: 400,
  MissingRequiredParameter: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  RequestHeaderFieldsTooLarge: 431,
  ThrottlingException: 400,
  // resources
  StateMachineDoesNotExist: 400,
  StateMachineAlreadyExists: 400,
  StateMachineDeleting: 400,
  StateMachineLimitExceeded: 400,
  StateMachineTypeNotSupported: 400,
  ExecutionDoesNotExist: 400,
  ExecutionAlreadyExists: 400,
  ExecutionLimitExceeded: 400,
  ExecutionNotRedrivable: 400,
  ActivityDoesNotExist: 400,
  ActivityAlreadyExists: 400,
  ActivityLimitExceeded: 400,
  ActivityWorkerLimitExceeded: 400,
  ResourceNotFound: 400,
  ConflictException: 400,
  ServiceQuotaExceededException: 402,
  TooManyTags: 400,
  TaskDoesNotExist: 400,
  TaskTimedOut: 400,
  // input
  InvalidArn: 400,
  InvalidName: 400,
  InvalidDefinition: 400,
  InvalidExecutionInput: 400,
  InvalidLoggingConfiguration: 400,
  InvalidTracingConfiguration: 400,
  InvalidEncryptionConfiguration: 400,
  InvalidOutput: 400,
  InvalidToken: 400,
  // authentication and host checks (src/api/auth/, src/api/host-check.ts): AWS's JSON-protocol codes
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  /** The console's own endpoints without a session (the browser is sent to the sign-in page). */
  NotSignedIn: 401,
  /** A Host header naming none of this server's host names (DNS rebinding). */
  MisdirectedRequest: 421,
} as const;
export type ApiErrorType = keyof typeof ApiErrorTypes;

/** Extra members some exceptions carry (ValidationException.reason, ResourceNotFound.resourceName). */
export type ApiErrorFields = Record<string, string>;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly type: ApiErrorType,
    message: string,
    readonly fields: ApiErrorFields = {},
  ) {
    super(message);
    this.name = type;
    this.status = ApiErrorTypes[type];
  }

  /** The JSON 1.0 error body. */
  toBody(): Record<string, string> {
    return { __type: this.type, message: this.message, ...this.fields };
  }
}

// ---- AWS's wordings, in one place -------------------------------------------------------------

export const stateMachineDoesNotExist = (arn: string) =>
  new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);

export const executionDoesNotExist = (arn: string) =>
  new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);

export const resourceNotFound = (arn: string) =>
  new ApiError('ResourceNotFound', `Resource not found: '${arn}'`, { resourceName: arn });

export const invalidToken = () => new ApiError('InvalidToken', "Invalid Token: 'Invalid token'");

export const activityDoesNotExist = (arn: string) =>
  new ApiError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);

/** A task token that is not one of ours. */
export const invalidTaskToken = () => new ApiError('InvalidToken', "Invalid Token: 'Invalid token'");

/** The task was settled, timed out, or its execution ended (AWS's wording). */
export const taskTimedOut = () =>
  new ApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");

/** A well-formed token whose execution is unknown. */
export const taskDoesNotExist = () =>
  new ApiError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");

export const invalidName = (name: string) => new ApiError('InvalidName', `Invalid Name: '${name}'`);

export const versionDescriptionWithoutPublish = () =>
  new ApiError('ValidationException', 'Version description can only be set when publish is true');

export const typeNotSupported = () =>
  new ApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');

/** "1 validation error detected: A" / "2 validation errors detected: A; B". */
export function validationError(violations: string[], fields: ApiErrorFields = {}): ApiError {
  const noun = violations.length === 1 ? 'error' : 'errors';
  return new ApiError(
    'ValidationException',
    `${violations.length} validation ${noun} detected: ${violations.join('; ')}`,
    fields,
  );
}

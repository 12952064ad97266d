/**
 * Lambda Task resources, run by local functions (or forwarded to STEPWISE_LAMBDA_ENDPOINT):
 *
 *   arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
 *       The result is the function's return value; a function error fails the task with its
 *       errorType. History: LambdaFunction* events (the interpreter writes them).
 *   arn:aws:states:::lambda:invoke[.waitForTaskToken]
 *       Parameters: FunctionName (name, partial or full ARN), Payload, Qualifier, InvocationType,
 *       ClientContext (LogType is accepted; there is no log tail). The result is Step Functions'
 *       envelope {ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}; a
 *       function error fails the task ("If the response contains the field FunctionError ... the
 *       task fails"). `.waitForTaskToken` then waits for the callback (the registry's part).
 *
 * Errors, as Step Functions reports them:
 *   - function error with an errorType (a thrown `CustomError`, Runtime.ExitError...): error =
 *     errorType, cause = the error document Lambda returned, verbatim;
 *   - function error without an errorType (a function timeout): `Lambda.Unknown`, cause "The cause
 *     could not be determined because Lambda did not return an error type. Returned payload: ...";
 *   - Lambda refusing the call: `Lambda.<ErrorCode>` (Lambda.ResourceNotFoundException,
 *     Lambda.ServiceException, Lambda.TooManyRequestsException...), cause in the Java SDK's words.
 * A Task's TimeoutSeconds is the function's timeout too (else Lambda's default, 3 seconds); the
 * function gets one more second, so the state's own States.Timeout is what the execution sees.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isJsonObject, type Json } from '../../json.js';
import { accountOf, partitionOf, regionOf } from '../../vocabulary/arn.js';
import { StatesErrors } from '../../vocabulary/states-errors.js';
import type { ParsedResource } from '../../vocabulary/resource.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import { isServiceInvoke } from '../service-invoke.js';
import type { InvocationType, InvokeResponse, LambdaBackend } from './backend.js';
import { parseFunctionName, type FunctionTarget } from './function-name.js';
import { LocalFunctions } from './local-functions.js';
import { RemoteLambda } from './remote-lambda.js';
import type { WorkerPoolOptions } from './worker-pool.js';

/** Lambda's default function timeout, in seconds. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;
/** How much longer than a Task's TimeoutSeconds a local function may run. */
const TASK_TIMEOUT_GRACE_MS = 1000;

const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

export interface LambdaIntegrationOptions extends WorkerPoolOptions {
  /** Where local functions live (default ./functions). */
  functionsDir?: string;
  /** Forward every invocation to this Lambda-compatible endpoint instead. */
  endpoint?: string;
  /** For function names without an ARN, when the state machine's ARN does not say. */
  region?: string;
  accountId?: string;
  /** A function's timeout when its Task has no TimeoutSeconds (default 3, Lambda's default). */
  defaultTimeoutSeconds?: number;
  memorySize?: number;
  logger?: Logger;
  /** Environment for the endpoint's credentials (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Use this backend (tests). */
  backend?: LambdaBackend;
}

export class LambdaIntegration implements Integration {
  readonly name = 'lambda';
  readonly backend: LambdaBackend;
  private readonly region: string;
  private readonly accountId: string;
  private readonly defaultTimeoutSeconds: number;

  constructor(options: LambdaIntegrationOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.defaultTimeoutSeconds = options.defaultTimeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
    this.backend =
      options.backend ??
      (options.endpoint
        ? new RemoteLambda({
            endpoint: options.endpoint,
            region: this.region,
            ...(options.env ? { env: options.env } : {}),
          })
        : new LocalFunctions({
            ...options,
            dir: options.functionsDir ?? 'functions',
            ...(options.logger ? { logger: options.logger } : {}),
          }));
  }

  handles({ parsed }: TaskInvocation): boolean {
    return parsed.kind === 'lambda-function' || isServiceInvoke(parsed, 'lambda');
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    return task.parsed.kind === 'lambda-function'
      ? this.invokeFunctionArn(task, task.parsed)
      : this.invokeOptimized(task);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  /** arn:aws:lambda:...:function:<name>: the result is the function's own. */
  private async invokeFunctionArn(
    task: TaskInvocation,
    parsed: Extract<ParsedResource, { kind: 'lambda-function' }>,
  ): Promise<TaskOutcome> {
    const target: FunctionTarget = {
      partition: parsed.partition,
      region: parsed.region,
      account: parsed.account,
      name: parsed.functionName,
      ...(parsed.qualifier !== undefined ? { qualifier: parsed.qualifier } : {}),
    };
    const response = await this.call(task, target, JSON.stringify(task.parameters), 'RequestResponse');
    if (response.kind !== 'invoked') return this.notInvoked(response);
    if (response.functionError !== undefined) return functionFailure(response.payload);
    return { kind: 'succeeded', output: parsePayload(response.payload) };
  }

  /** arn:aws:states:::lambda:invoke: Lambda's Invoke response, in Step Functions' envelope. */
  private async invokeOptimized(task: TaskInvocation): Promise<TaskOutcome> {
    const p = isJsonObject(task.parameters) ? task.parameters : {};
    if (typeof p.FunctionName !== 'string') {
      return {
        kind: 'failed',
        error: StatesErrors.Runtime,
        cause: `The value for the field 'FunctionName' must be a STRING, but was: ${JSON.stringify(p.FunctionName ?? null)}`,
      };
    }
    const invocationType = p.InvocationType ?? 'RequestResponse';
    if (typeof invocationType !== 'string' || !INVOCATION_TYPES.includes(invocationType as InvocationType)) {
      return lambdaError(
        'ValidationException',
        `1 validation error detected: Value '${String(invocationType)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        400,
      );
    }
    if (p.Qualifier !== undefined && typeof p.Qualifier !== 'string') {
      return {
        kind: 'failed',
        error: StatesErrors.Runtime,
        cause: `The value for the field 'Qualifier' must be a STRING, but was: ${JSON.stringify(p.Qualifier)}`,
      };
    }
    if (p.ClientContext !== undefined && typeof p.ClientContext !== 'string') {
      return {
        kind: 'failed',
        error: StatesErrors.Runtime,
        cause: `The value for the field 'ClientContext' must be a STRING, but was: ${JSON.stringify(p.ClientContext)}`,
      };
    }
    const region = regionOf(task.stateMachineArn) ?? this.region;
    const defaults = {
      partition: task.parsed.kind === 'service' ? task.parsed.partition : partitionOf(region),
      region,
      account: accountOf(task.stateMachineArn) ?? this.accountId,
    };
    const named = parseFunctionName(p.FunctionName, defaults, p.Qualifier);
    if (!named.ok) return lambdaError(named.errorCode, named.message, 400);
    // Payload is the event; a string Payload is the event's JSON text, as Lambda's blob.
    const payload =
      p.Payload === undefined ? '' : typeof p.Payload === 'string' ? p.Payload : JSON.stringify(p.Payload);
    const response = await this.call(task, named.target, payload, invocationType as InvocationType, p.ClientContext);
    if (response.kind !== 'invoked') return this.notInvoked(response);
    if (response.functionError !== undefined) return functionFailure(response.payload);
    return { kind: 'succeeded', output: envelope(response) };
  }

  private call(
    task: TaskInvocation,
    target: FunctionTarget,
    payload: string,
    invocationType: InvocationType,
    clientContext?: string,
  ): Promise<InvokeResponse> {
    return this.backend.invoke({
      target,
      payload,
      invocationType,
      ...(clientContext !== undefined ? { clientContext } : {}),
      timeoutSeconds: task.timeoutSeconds ?? this.defaultTimeoutSeconds,
      graceMs: task.timeoutSeconds !== undefined ? TASK_TIMEOUT_GRACE_MS : 0,
      signal: task.signal,
    });
  }

  private notInvoked(response: Exclude<InvokeResponse, { kind: 'invoked' }>): TaskOutcome {
    // A cancelled task's outcome is dropped by the engine; this only has to be some outcome.
    if (response.kind === 'cancelled')
      return { kind: 'failed', error: StatesErrors.TaskFailed, cause: 'The task was cancelled' };
    return lambdaError(response.errorCode, response.message, response.statusCode, response.requestId);
  }
}

/** A function error, as Step Functions reports it: by its errorType, else Lambda.Unknown. */
export function functionFailure(payload: string): TaskOutcome {
  let document: Json | undefined;
  try {
    document = JSON.parse(payload) as Json;
  } catch {
    document = undefined;
  }
  if (isJsonObject(document) && typeof document.errorType === 'string' && document.errorType !== '') {
    return { kind: 'failed', error: document.errorType, cause: payload };
  }
  return {
    kind: 'failed',
    error: 'Lambda.Unknown',
    cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${payload}`,
  };
}

/** Lambda refused the call: `Lambda.<code>`, with the cause in the Java SDK's words as Step Functions shows it. */
function lambdaError(code: string, message: string, statusCode?: number, requestId?: string): TaskOutcome {
  const cause =
    statusCode === undefined
      ? message
      : `${message} (Service: AWSLambda; Status Code: ${statusCode}; Error Code: ${code}; Request ID: ${requestId ?? randomUUID()}; Proxy: null)`;
  return { kind: 'failed', error: `Lambda.${code}`, cause };
}

function parsePayload(text: string): Json {
  if (text === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/**
 * Step Functions' result for lambda:invoke: the Invoke response with the Payload parsed, and the
 * HTTP metadata the Java SDK records (AllHttpHeaders as received, HttpHeaders sorted by name).
 */
export function envelope(response: Extract<InvokeResponse, { kind: 'invoked' }>): Json {
  const all: Record<string, Json> = {};
  const single: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    all[name] = [value];
    single[name] = value;
  }
  const sorted: Record<string, Json> = {};
  for (const name of Object.keys(single).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())))
    sorted[name] = single[name]!;
  return {
    ...(response.executedVersion !== undefined ? { ExecutedVersion: response.executedVersion } : {}),
    Payload: response.statusCode === 200 ? parsePayload(response.payload) : response.payload,
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: sorted, HttpStatusCode: response.statusCode },
    SdkResponseMetadata: { RequestId: response.requestId },
    StatusCode: response.statusCode,
  };
}

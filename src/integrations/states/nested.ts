/**
 * Nested executions: `arn:aws:states:::states:startExecution` in its four patterns.
 *
 * - request-response: starts the child, answers `{ ExecutionArn, StartDate }` (epoch milliseconds).
 * - `.sync`: waits for the child; answers DescribeExecution's fields with AWS's capitalisation,
 *   `Input` and `Output` as JSON text. `.sync:2`: the same with `Input` and `Output` as JSON.
 *   A child that does not succeed fails the task with `States.TaskFailed`, the cause being that
 *   object as JSON text (with its `Error` and `Cause`).
 * - `.waitForTaskToken`: starts the child; the registry then waits for the callback (the child gets
 *   the token in its input, where the parent puts it).
 *
 * AWS links a child to its parent through an `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID` member
 * the parent writes into `Input` (`"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"`);
 * it stays in the child's input, as on AWS, and nothing is added when the parent leaves it out.
 *
 * Resolving the target, the name rule, input parsing, idempotency and the description are the
 * API's own (`engine/executions.ts`); this module maps their answers to the integration's errors.
 *
 * Restarts: the outbox invokes a task again after a crash, so a child started without `Name` is
 * named after its parent task (a UUID derived from the parent's execution ARN and task id), and an
 * invocation that finds that child attaches to it instead of starting another. Stopping the parent
 * (or the task timing out) stops a `.sync`/`.sync:2` child.
 */
import { randomUUID } from 'node:crypto';
import { derivedUuid } from '../../vocabulary/derived-uuid.js';
import { isJsonObject, parsedOrText, type JsonObject } from '../../json.js';
import type { ExecutionRecord } from '../../store/types.js';
import type {
  Engine,
  ExecutionDescription,
  StartOutcome,
  Executions,
  Integration,
  StartRequest,
  TaskInvocation,
  TaskOutcome,
} from '../../engine/ports.js';
import { ExecutionLimitExceededError } from '../../engine/ports.js';

/** What the integration needs of the engine; the durable engine provides it. */
/** What a nested execution needs of the engine that runs it. */
export type NestedExecutionHost = Pick<Engine, 'startExecution' | 'startSyncExecution' | 'stopExecution' | 'whenEnded'>;

export const STARTED_BY_MEMBER = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

export interface StatesIntegrationOptions {
  /** StartExecution's rules, the API's: target resolution, names, idempotency, describe. */
  executions: Executions;
  /** The engine that runs the child executions (the server adds this integration once it is built). */
  host: NestedExecutionHost;
}

export class StatesIntegration implements Integration {
  readonly name = 'states';

  constructor(private readonly options: StatesIntegrationOptions) {}

  handles({ parsed }: TaskInvocation): boolean {
    return parsed.kind === 'service' && parsed.service === 'states' && parsed.action === 'startExecution';
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const host = this.options.host;
    if (task.parsed.kind !== 'service')
      return { kind: 'failed', error: 'States.TaskFailed', cause: `Unsupported resource '${task.resource}'` };
    const pattern = task.parsed.pattern;
    const request = await this.request(task);
    if ('failure' in request) return request.failure;

    const started = await this.startOrAttach(host, task, request.start, request.named);
    if ('failure' in started) return started.failure;
    if (pattern === 'request-response' || pattern === 'waitForTaskToken') {
      return { kind: 'succeeded', output: { ExecutionArn: started.executionArn, StartDate: started.startDate } };
    }
    task.submitted?.({ ExecutionArn: started.executionArn, StartDate: started.startDate });
    if ('finished' in started) return finished(started.finished, pattern === 'sync:2');

    const stopChild = () => {
      void host.stopExecution(started.executionArn).catch(() => undefined);
    };
    if (task.signal.aborted) {
      stopChild();
      return { kind: 'failed', error: 'States.TaskFailed', cause: 'The task was cancelled' };
    }
    task.signal.addEventListener('abort', stopChild, { once: true });
    try {
      const record = await host.whenEnded(started.executionArn, task.signal);
      if (!record)
        return {
          kind: 'failed',
          error: 'States.TaskFailed',
          cause: `Execution ${started.executionArn} could not be followed`,
        };
      return finished(this.describe(record), pattern === 'sync:2');
    } finally {
      task.signal.removeEventListener('abort', stopChild);
    }
  }

  /** The StartExecution request the task's parameters describe, or the failure AWS reports. */
  private async request(
    task: TaskInvocation,
  ): Promise<{ start: StartRequest; named: boolean } | { failure: TaskOutcome }> {
    const p: JsonObject = isJsonObject(task.parameters) ? task.parameters : {};
    const arn = p.StateMachineArn;
    if (typeof arn !== 'string')
      return {
        failure: serviceError(
          'ValidationException',
          "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
        ),
      };
    const resolved = await this.options.executions.resolveArn(arn);
    if (resolved.kind === 'notFound')
      return { failure: serviceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`) };
    let inputText: string;
    if (p.Input === undefined || p.Input === null) inputText = '{}';
    else if (typeof p.Input === 'string') inputText = p.Input;
    else inputText = JSON.stringify(p.Input);
    const given = p.Name;
    if (given !== undefined && typeof given !== 'string')
      return { failure: serviceError('InvalidName', `Invalid Name: '${JSON.stringify(given)}'`) };
    const prepared = this.options.executions.prepareStart(resolved.target, {
      name: given ?? childName(task.executionArn, task.taskId),
      inputText,
    });
    switch (prepared.kind) {
      case 'invalidName':
        return { failure: serviceError('InvalidName', prepared.message) };
      case 'invalidInput':
        return { failure: serviceError('InvalidExecutionInput', prepared.message) };
      case 'ready':
        return { start: prepared.request, named: given !== undefined };
    }
  }

  /** Starts the child, or finds the one an earlier invocation of this same task started. */
  private async startOrAttach(
    host: NestedExecutionHost,
    task: TaskInvocation,
    start: StartRequest,
    named: boolean,
  ): Promise<
    | { executionArn: string; startDate: number }
    | { executionArn: string; startDate: number; finished: Describe }
    | { failure: TaskOutcome }
  > {
    if (
      start.stateMachine.type === 'EXPRESS' &&
      task.parsed.kind === 'service' &&
      (task.parsed.pattern === 'sync' || task.parsed.pattern === 'sync:2')
    ) {
      const r = await host.startSyncExecution(start);
      return {
        executionArn: r.executionArn,
        startDate: r.startDate,
        finished: {
          ExecutionArn: r.executionArn,
          Input: r.input,
          Name: r.name,
          ...(r.output !== undefined ? { Output: r.output } : {}),
          StartDate: r.startDate,
          StateMachineArn: r.stateMachineArn,
          Status: r.status,
          StopDate: r.stopDate,
          ...(r.error !== undefined ? { Error: r.error } : {}),
          ...(r.cause !== undefined ? { Cause: r.cause } : {}),
        },
      };
    }
    let outcome: StartOutcome;
    try {
      outcome = await this.options.executions.start(start, host);
    } catch (error) {
      if (error instanceof ExecutionLimitExceededError)
        return { failure: serviceError('ExecutionLimitExceeded', error.message) };
      throw error;
    }
    if (outcome.kind === 'started') return { executionArn: outcome.executionArn, startDate: outcome.startDate };
    const existing = outcome.existing;
    const sameInput = outcome.kind === 'idempotent' || outcome.sameInput;
    // Ours: a name derived from this task; or the same name and input, still running (AWS's
    // idempotent StartExecution) or started by this parent.
    const ours = !named || (sameInput && (existing.status === 'RUNNING' || startedBy(existing) === task.executionArn));
    if (!ours)
      return { failure: serviceError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`) };
    if (existing.status !== 'RUNNING')
      return { executionArn: existing.arn, startDate: existing.startDate, finished: this.describe(existing) };
    return { executionArn: existing.arn, startDate: existing.startDate };
  }

  private describe(record: ExecutionRecord): Describe {
    return syncDescription(this.options.executions.describe(record));
  }
}

/** DescribeExecution as `.sync` returns it: AWS's field names, capitalised; timestamps in epoch milliseconds. */
type Describe = JsonObject;

function syncDescription(d: ExecutionDescription): Describe {
  return {
    ExecutionArn: d.executionArn,
    Input: d.input,
    InputDetails: { Included: true },
    Name: d.name,
    ...(d.output !== undefined ? { Output: d.output, OutputDetails: { Included: true } } : {}),
    RedriveCount: d.redriveCount,
    RedriveStatus: d.redriveStatus,
    ...(d.redriveStatusReason !== undefined ? { RedriveStatusReason: d.redriveStatusReason } : {}),
    StartDate: d.startDate,
    StateMachineArn: d.stateMachineArn,
    ...(d.stateMachineVersionArn ? { StateMachineVersionArn: d.stateMachineVersionArn } : {}),
    ...(d.stateMachineAliasArn ? { StateMachineAliasArn: d.stateMachineAliasArn } : {}),
    Status: d.status,
    ...(d.stopDate !== undefined ? { StopDate: d.stopDate } : {}),
    ...(d.error !== undefined ? { Error: d.error } : {}),
    ...(d.cause !== undefined ? { Cause: d.cause } : {}),
  };
}

/** The task's outcome for a child that ended: its description, or States.TaskFailed carrying it. */
function finished(description: Describe, parseJson: boolean): TaskOutcome {
  const result: JsonObject = { ...description };
  if (parseJson) {
    for (const key of ['Input', 'Output'] as const) {
      const text = result[key];
      if (typeof text === 'string') result[key] = parsedOrText(text);
    }
  }
  if (result.Status === 'SUCCEEDED') return { kind: 'succeeded', output: result };
  return { kind: 'failed', error: 'States.TaskFailed', cause: JSON.stringify(result) };
}

/** An error from the Step Functions API, as the optimized integration reports it. */
function serviceError(code: string, message: string): TaskOutcome {
  return {
    kind: 'failed',
    error: `StepFunctions.${code}Exception`,
    cause: `${message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
  };
}

/** A name for a child started without one: a UUID derived from the parent task, the same on every re-invocation. */
export function childName(parentExecutionArn: string, taskId: string): string {
  return derivedUuid(`${parentExecutionArn}\n${taskId}`);
}

function startedBy(record: ExecutionRecord): string | undefined {
  const input = parsedOrText(record.input);
  const value = isJsonObject(input) ? input[STARTED_BY_MEMBER] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Task: schedule the work as an `invokeTask` command, then wait for the runner to report it
 * started, heartbeated, succeeded or failed, or for its timeout timer.
 */
import { tooDeepMessage } from '../../vocabulary/json-depth.js';
import type { Json } from '../../json.js';
import { regionOf } from '../../vocabulary/arn.js';
import { assertNever, StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { TaskState } from '../compiled.js';
import { dynamicValue } from '../fields.js';
import type { Outcome, ProcessOptions } from '../outcome.js';
import { exceedsPayloadLimit, measurePayload, resultTooLargeCause } from '../payload-size.js';
import { finishWithResult } from '../pipeline/index.js';
import { jsonataArguments } from '../pipeline/jsonata.js';
import { effectiveInput, selectPath } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import { encodeTaskToken } from '../task-token.js';
import type { Frame, Signal } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const task: StateBehaviour<TaskState> = {
  compile(base, { raw, fields }) {
    const resource = fields.string('Resource') ?? '';
    return {
      ...base,
      type: 'Task',
      resource,
      timeoutSeconds: fields.dynamicNumber('TimeoutSeconds'),
      heartbeatSeconds: fields.dynamicNumber('HeartbeatSeconds'),
      credentials: raw.Credentials,
      waitForTaskToken: resource.endsWith('.waitForTaskToken'),
    };
  },
  run: (run, frame, state, options) => startTask(run, frame, state, options),
};

/** How a resource shows in history: legacy Lambda ARNs, activities, and service integrations. */
export type TaskFlavour =
  | { kind: 'lambda'; resource: string }
  | { kind: 'activity'; resource: string }
  | { kind: 'service'; resourceType: string; resource: string };

export function taskFlavour(resource: string): TaskFlavour {
  const parts = resource.split(':');
  if (parts[2] === 'lambda' && parts[5] === 'function') return { kind: 'lambda', resource };
  if (parts[2] === 'states' && parts[5] === 'activity') return { kind: 'activity', resource };
  if (parts[2] === 'states' && parts[3] === '' && parts[4] === '' && parts.length >= 7) {
    // arn:aws:states:::service:action[.sync|.waitForTaskToken], arn:aws:states:::aws-sdk:service:action
    const rest = parts.slice(5);
    return { kind: 'service', resourceType: rest.slice(0, -1).join(':'), resource: rest[rest.length - 1] as string };
  }
  return { kind: 'service', resourceType: parts[2] ?? 'unknown', resource };
}

const JOB_RUN = /\.sync(?::2)?$/;

async function startTask(run: StepContext, frame: Frame, state: TaskState, options: ProcessOptions): Promise<Outcome> {
  const taskId = run.nextId('task');
  const flavour = taskFlavour(state.resource);
  // Callbacks and activity workers answer with a token naming this execution and task; job runs
  // (.sync, .sync:2) get one too, as on AWS (their workers may send heartbeats with it).
  const taskToken =
    state.waitForTaskToken || flavour.kind === 'activity' || JOB_RUN.test(state.resource)
      ? encodeTaskToken({ executionArn: run.state.info.executionArn, taskId, nonce: run.rt.uuid() })
      : undefined;
  const extras = { taskToken, retryable: state.retry.length > 0 };
  let parameters: Json;
  let timeoutSeconds: number | undefined;
  let heartbeatSeconds: number | undefined;
  if (state.queryLanguage === 'JSONata') {
    parameters = await jsonataArguments(run, frame, state, extras);
  } else {
    parameters = effectiveInput(run, frame, state, extras);
  }
  // AWS: "After Parameters processing, the input of a state is larger than the payload size quota."
  if (exceedsPayloadLimit(parameters)) {
    throw new StatesError(
      StatesErrors.DataLimitExceeded,
      `The state/task '${state.name}' has an input with a size exceeding the maximum number of bytes service limit.`,
    );
  }
  const pathInput =
    state.queryLanguage === 'JSONata' ? frame.stateInput : selectPath(run, frame, state.inputPath, frame.stateInput);
  if (state.timeoutSeconds)
    timeoutSeconds = positiveInteger(
      state.timeoutSeconds.kind,
      'TimeoutSeconds',
      await dynamicValue(run, frame, state.timeoutSeconds, pathInput),
    );
  if (state.heartbeatSeconds)
    heartbeatSeconds = positiveInteger(
      state.heartbeatSeconds.kind,
      'HeartbeatSeconds',
      await dynamicValue(run, frame, state.heartbeatSeconds, pathInput),
    );

  const region = regionOf(run.state.info.stateMachineArn) ?? '';
  const input = () => JSON.stringify(parameters);
  switch (flavour.kind) {
    case 'lambda':
      run.emit(frame, 'LambdaFunctionScheduled', () => ({
        resource: flavour.resource,
        input: input(),
        inputDetails: { truncated: false },
        timeoutInSeconds: timeoutSeconds,
      }));
      run.emit(frame, 'LambdaFunctionStarted');
      break;
    case 'activity':
      run.emit(frame, 'ActivityScheduled', () => ({
        resource: flavour.resource,
        input: input(),
        inputDetails: { truncated: false },
        timeoutInSeconds: timeoutSeconds,
        heartbeatInSeconds: heartbeatSeconds,
      }));
      break;
    case 'service':
      run.emit(frame, 'TaskScheduled', () => ({
        resourceType: flavour.resourceType,
        resource: flavour.resource,
        region,
        parameters: input(),
        timeoutInSeconds: timeoutSeconds,
        heartbeatInSeconds: heartbeatSeconds,
      }));
      run.emit(frame, 'TaskStarted', () => ({ resourceType: flavour.resourceType, resource: flavour.resource }));
      break;
  }
  run.wait(taskId, frame.id);
  const now = run.rt.now();
  const timeoutTimerId =
    timeoutSeconds !== undefined ? run.startTimer(frame.id, now + timeoutSeconds * 1000, 'taskTimeout') : undefined;
  const heartbeatTimerId =
    heartbeatSeconds !== undefined ? run.startTimer(frame.id, now + heartbeatSeconds * 1000, 'heartbeat') : undefined;
  frame.phase = {
    kind: 'task',
    taskId,
    timeoutTimerId,
    heartbeatTimerId,
    heartbeatSeconds,
    started: flavour.kind !== 'activity',
    taskToken,
    ...(timeoutSeconds !== undefined ? { timeoutAt: now + timeoutSeconds * 1000 } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatDueAt: now + heartbeatSeconds * 1000 } : {}),
  };
  run.commands.push({
    kind: 'invokeTask',
    taskId,
    resource: state.resource,
    parameters,
    stateName: state.name,
    attempt: options.retry ? frame.retryCount : 0,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    ...(taskToken !== undefined ? { taskToken } : {}),
    ...(state.credentials !== undefined ? { credentials: state.credentials } : {}),
  });
  return { kind: 'blocked' };
}

function positiveInteger(kind: string, field: string, value: Json): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const error = kind === 'jsonata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime;
  throw new StatesError(error, `The ${field} field must be a positive integer, but was: ${JSON.stringify(value)}`);
}

/** The signals about a running task: those that name one. */
export type TaskSignal = Extract<Signal, { taskId: string }>;

export async function resumeTask(run: StepContext, frame: Frame, signal: TaskSignal): Promise<Outcome> {
  const phase = frame.phase;
  if (phase.kind !== 'task') return { kind: 'blocked' };
  const state = run.current(frame);
  if (state.type !== 'Task') return { kind: 'blocked' };
  const flavour = taskFlavour(state.resource);
  switch (signal.kind) {
    case 'taskStarted':
      if (!phase.started) {
        frame.phase = { ...phase, started: true };
        if (flavour.kind === 'activity')
          run.emit(frame, 'ActivityStarted', () => (signal.workerName ? { workerName: signal.workerName } : {}));
      }
      return { kind: 'blocked' };
    case 'taskSubmitted':
      if (!phase.submitted && flavour.kind === 'service') {
        frame.phase = { ...phase, submitted: true };
        run.emit(frame, 'TaskSubmitted', () => ({
          resourceType: flavour.resourceType,
          resource: flavour.resource,
          output: JSON.stringify(signal.output),
          outputDetails: { truncated: false },
        }));
      }
      return { kind: 'blocked' };
    case 'taskHeartbeat': {
      if (phase.heartbeatTimerId === undefined || phase.heartbeatSeconds === undefined) return { kind: 'blocked' };
      run.cancelTimer(phase.heartbeatTimerId);
      const heartbeatDueAt = run.rt.now() + phase.heartbeatSeconds * 1000;
      const heartbeatTimerId = run.startTimer(frame.id, heartbeatDueAt, 'heartbeat');
      frame.phase = { ...phase, heartbeatTimerId, heartbeatDueAt };
      return { kind: 'blocked' };
    }
    case 'taskSucceeded': {
      settle(run, frame);
      // Measured once, iteratively, before its event's details serialize it (a recursive printer).
      const measured = measurePayload(signal.output);
      if (measured === 'too deep')
        return {
          kind: 'error',
          error: StatesErrors.Runtime,
          cause: tooDeepMessage(`The result of the task '${state.name}'`),
        };
      run.inspector?.value('result', signal.output);
      const output = () => JSON.stringify(signal.output);
      if (flavour.kind === 'lambda')
        run.emit(frame, 'LambdaFunctionSucceeded', () => ({ output: output(), outputDetails: { truncated: false } }));
      else if (flavour.kind === 'activity')
        run.emit(frame, 'ActivitySucceeded', () => ({ output: output(), outputDetails: { truncated: false } }));
      else
        run.emit(frame, 'TaskSucceeded', () => ({
          resourceType: flavour.resourceType,
          resource: flavour.resource,
          output: output(),
          outputDetails: { truncated: false },
        }));
      // AWS: "The output of a connector is larger than the payload size quota", whatever
      // ResultSelector or ResultPath would make of it.
      if (measured === 'too large') {
        return {
          kind: 'error',
          error: StatesErrors.DataLimitExceeded,
          cause: resultTooLargeCause(state.name),
          quiet: true,
        };
      }
      return finishWithResult(run, frame, state, signal.output);
    }
    case 'taskFailed': {
      settle(run, frame);
      const details = () => withoutUndefined({ error: signal.error, cause: signal.cause });
      if (flavour.kind === 'lambda') run.emit(frame, 'LambdaFunctionFailed', details);
      else if (flavour.kind === 'activity') run.emit(frame, 'ActivityFailed', details);
      else
        run.emit(frame, 'TaskFailed', () => ({
          resourceType: flavour.resourceType,
          resource: flavour.resource,
          ...details(),
        }));
      return { kind: 'error', error: signal.error, cause: signal.cause };
    }
    default:
      return assertNever(signal, 'task signal');
  }
}

/** The task's timeout or heartbeat timer fired before it reported back. */
export function taskTimedOut(run: StepContext, frame: Frame, heartbeat: boolean): Outcome {
  const phase = frame.phase;
  if (phase.kind !== 'task') return { kind: 'blocked' };
  const state = run.current(frame);
  if (state.type !== 'Task') return { kind: 'blocked' };
  const flavour = taskFlavour(state.resource);
  settle(run, frame);
  run.commands.push({ kind: 'cancelTask', taskId: phase.taskId });
  const error = heartbeat ? StatesErrors.HeartbeatTimeout : StatesErrors.Timeout;
  const details = { error };
  if (flavour.kind === 'lambda') run.emit(frame, 'LambdaFunctionTimedOut', () => details);
  else if (flavour.kind === 'activity') run.emit(frame, 'ActivityTimedOut', () => details);
  else
    run.emit(frame, 'TaskTimedOut', () => ({
      resourceType: flavour.resourceType,
      resource: flavour.resource,
      ...details,
    }));
  return { kind: 'error', error };
}

/** The task is over: forget its wait and its timers. */
function settle(run: StepContext, frame: Frame): void {
  const phase = frame.phase;
  if (phase.kind !== 'task') return;
  run.unwait(phase.taskId);
  run.cancelTimer(phase.timeoutTimerId);
  run.cancelTimer(phase.heartbeatTimerId);
  frame.phase = { kind: 'ready' };
}

function withoutUndefined(details: { error?: string; cause?: string }): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (details.error !== undefined) out.error = details.error;
  if (details.cause !== undefined) out.cause = details.cause;
  return out;
}

/**
 * The step function: (machine, state, signal, runtime) → (new state, history events, commands).
 * Pure and deterministic: the same arguments give the same result. The caller's state is not
 * mutated; frames are copied on write.
 */
import type { Json } from '../json.js';
import type { CompiledMachine } from './compiled.js';
import {
  assertNever,
  HISTORY_QUOTA_CAUSE,
  historyBytesCause,
  HistoryBytesLimitReached,
  HistoryLimitReached,
  MAX_DURATION_CAUSE,
  StatesErrors,
} from '../vocabulary/states-errors.js';
import type { MaybePromise } from './outcome.js';
import { Run } from './run.js';
import { onTask, onTimer } from './waiting.js';
import {
  ROOT_FRAME,
  type ExecutionInfo,
  type ExecutionState,
  type Frame,
  type RunOptions,
  type Runtime,
  type Signal,
  type StepResult,
} from './types.js';

/** A new execution, before its `start` signal. */
export function newExecution(info: ExecutionInfo, input: Json): ExecutionState {
  return { status: 'RUNNING', info, input, lastEventId: 0, seq: 0, frames: {}, waits: {} };
}

export async function step(
  machine: CompiledMachine,
  state: ExecutionState,
  signal: Signal,
  rt: Runtime,
  options: RunOptions = { history: true },
): Promise<StepResult> {
  return stepNow(machine, state, signal, rt, options);
}

/**
 * The same step, returned at once when nothing in it waits on a promise (JSONPath states, no
 * JSONata, no pause for the event loop): runners that run many short executions call this and
 * await only what is a promise.
 */
export function stepNow(
  machine: CompiledMachine,
  state: ExecutionState,
  signal: Signal,
  rt: Runtime,
  options: RunOptions = { history: true },
): MaybePromise<StepResult> {
  const working = copyState(state);
  const run = new Run(machine, working, rt, options);
  if (working.status !== 'RUNNING' && signal.kind !== 'redrive') return { state: working, events: [], commands: [] };
  const result = (): StepResult => ({ state: working, events: run.events, commands: run.commands });
  const failed = (e: unknown): StepResult => {
    stepFailed(run, e);
    return result();
  };
  try {
    const applied = apply(run, machine, working, signal);
    const drained = applied instanceof Promise ? applied.then(() => run.drain()) : run.drain();
    if (drained instanceof Promise) {
      return drained
        .then(() => {
          armDeadline(run, working);
          return result();
        })
        .catch(failed);
    }
    armDeadline(run, working);
  } catch (e) {
    return failed(e);
  }
  return result();
}

/**
 * The step's own copy of the state, built by assignment rather than by spread: V8 gives a spread's
 * copy a hidden class of its own, and every property added to it afterwards (the output, a frame,
 * a wait) another one, which cost more than the rest of a short execution.
 */
function copyState(state: ExecutionState): ExecutionState {
  const working: ExecutionState = Object.assign({}, state);
  working.frames = Object.assign({}, state.frames);
  working.waits = Object.assign({}, state.waits);
  return working;
}

/** What the step throws ends the execution, as AWS would, or with the reason of a defect. */
function stepFailed(run: Run, e: unknown): void {
  if (e instanceof HistoryLimitReached) {
    // The quota's last event is the execution's failure: no abort events of its branches follow it.
    run.complete('FAILED', { error: StatesErrors.Runtime, cause: HISTORY_QUOTA_CAUSE }, false);
  } else if (e instanceof HistoryBytesLimitReached) {
    run.complete('FAILED', { error: StatesErrors.Runtime, cause: historyBytesCause(e.limit) });
  } else {
    // A defect in the interpreter must not lose the execution: it fails, with the reason.
    run.complete('FAILED', {
      error: StatesErrors.Runtime,
      cause: `Internal error: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

/**
 * The runner's deadline (Express: five minutes) as the execution-timeout timer, once the execution
 * outlives a step. An execution that ends in its first step, as most Express executions do, never
 * arms it, and so never pays for its start and cancel commands.
 */
function armDeadline(run: Run, state: ExecutionState): void {
  const fireAt = run.options.deadline;
  if (fireAt === undefined || state.status !== 'RUNNING' || state.executionTimeoutTimerId !== undefined) return;
  const timerId = run.nextId('timer');
  state.executionTimeoutTimerId = timerId;
  run.commands.push({ kind: 'startTimer', timerId, fireAt, purpose: 'executionTimeout' });
}

/**
 * Continues an unsuccessful execution from the top-level state that did not succeed, with the same
 * input and variables; a Map or Parallel state there reruns only its unsuccessful children.
 */
function redrive(run: Run, machine: CompiledMachine, state: ExecutionState): void {
  const point = state.redrivePoint;
  if (state.status === 'RUNNING' || state.status === 'SUCCEEDED' || !point) return;
  const redriveCount = (state.info.redriveCount ?? 0) + 1;
  state.status = 'RUNNING';
  state.info = { ...state.info, redriveCount };
  delete state.redrivePoint;
  delete state.output;
  delete state.error;
  delete state.cause;
  const redrivenId = run.emit(null, 'ExecutionRedriven', () => ({ redriveCount }));
  if (machine.timeoutSeconds !== undefined) {
    const timerId = run.nextId('timer');
    state.executionTimeoutTimerId = timerId;
    run.commands.push({
      kind: 'startTimer',
      timerId,
      fireAt: run.rt.now() + machine.timeoutSeconds * 1000,
      purpose: 'executionTimeout',
    });
  }
  run.addFrame({
    ...rootFrame(point.stateName, point.stateInput),
    // The redriven run goes on from ExecutionRedriven, as a new one starts from event 0.
    lastEventId: redrivenId,
    enteredAfterEventId: redrivenId,
    variables: point.variables,
    ...(point.retained ? { retained: point.retained } : {}),
  });
  run.schedule(ROOT_FRAME);
}

function rootFrame(stateName: string, stateInput: Json): Frame {
  return {
    id: ROOT_FRAME,
    index: 0,
    list: '',
    variables: {},
    isolated: false,
    stateName,
    stateInput,
    enteredEventId: 0,
    enteredTime: 0,
    lastEventId: 0,
    enteredAfterEventId: 0,
    retryAttempts: [],
    retryCount: 0,
    phase: { kind: 'start' },
  };
}

function apply(run: Run, machine: CompiledMachine, state: ExecutionState, signal: Signal): MaybePromise<void> {
  switch (signal.kind) {
    case 'start': {
      if (state.frames[ROOT_FRAME] || state.lastEventId > 0) return;
      state.input = signal.input;
      run.emit(null, 'ExecutionStarted', () => ({
        input: run.json(signal.input),
        inputDetails: { truncated: false },
        roleArn: state.info.roleArn,
      }));
      // The definition's TimeoutSeconds, or the runner's deadline (Express: five minutes) if sooner.
      // Without TimeoutSeconds the deadline is armed only if the execution outlives this step.
      const timeoutAt =
        machine.timeoutSeconds !== undefined ? state.info.startTime + machine.timeoutSeconds * 1000 : undefined;
      const deadline = run.options.deadline;
      const fireAt = timeoutAt !== undefined && deadline !== undefined && deadline < timeoutAt ? deadline : timeoutAt;
      if (fireAt !== undefined) {
        const timerId = run.nextId('timer');
        state.executionTimeoutTimerId = timerId;
        run.commands.push({ kind: 'startTimer', timerId, fireAt, purpose: 'executionTimeout' });
      }
      run.addFrame(rootFrame(machine.root.startAt, signal.input));
      run.schedule(ROOT_FRAME);
      return;
    }
    case 'timerFired': {
      if (signal.timerId === state.executionTimeoutTimerId) {
        const deadline = run.options.deadline;
        const timeoutAt =
          machine.timeoutSeconds !== undefined ? state.info.startTime + machine.timeoutSeconds * 1000 : undefined;
        const atDeadline = deadline !== undefined && (timeoutAt === undefined || deadline < timeoutAt);
        run.complete('TIMED_OUT', {
          error: StatesErrors.Timeout,
          cause: atDeadline ? MAX_DURATION_CAUSE : 'The execution timed out.',
        });
        return;
      }
      const frameId = state.waits[signal.timerId];
      if (frameId !== undefined && state.frames[frameId]) return onTimer(run, frameId, signal.timerId);
      return;
    }
    case 'taskStarted':
    case 'taskSucceeded':
    case 'taskFailed':
    case 'taskHeartbeat':
    case 'taskSubmitted': {
      const frameId = state.waits[signal.taskId];
      if (frameId !== undefined && state.frames[frameId]) return onTask(run, frameId, signal);
      return;
    }
    case 'stop':
      run.complete('ABORTED', { error: signal.error, cause: signal.cause });
      return;
    case 'fail':
      run.complete('FAILED', { error: signal.error, cause: signal.cause });
      return;
    case 'redrive':
      redrive(run, machine, state);
      return;
    default:
      assertNever(signal, 'signal');
  }
}

/**
 * The step function: (machine, state, signal, runtime) → (new state, history events, commands).
 * Pure and deterministic: the same arguments give the same result. The caller's state is not
 * mutated; frames are copied on write.
 */
import type { Json } from '../json.js';
import type { CompiledMachine } from './compiled.js';
import { StatesErrors } from './errors.js';
import { Run, type RunOptions } from './run.js';
import { ROOT_FRAME, type ExecutionInfo, type ExecutionState, type Runtime, type Signal, type StepResult } from './types.js';

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
  const working: ExecutionState = { ...state, frames: { ...state.frames }, waits: { ...state.waits } };
  const run = new Run(machine, working, rt, options);
  if (working.status !== 'RUNNING') return { state: working, events: [], commands: [] };
  try {
    await apply(run, machine, working, signal);
    await run.drain();
  } catch (e) {
    // A defect in the interpreter must not lose the execution: it fails, with the reason.
    run.complete('FAILED', { error: StatesErrors.Runtime, cause: `Internal error: ${e instanceof Error ? e.message : String(e)}` });
  }
  return { state: working, events: run.events, commands: run.commands };
}

async function apply(run: Run, machine: CompiledMachine, state: ExecutionState, signal: Signal): Promise<void> {
  switch (signal.kind) {
    case 'start': {
      if (state.frames[ROOT_FRAME] || state.lastEventId > 0) return;
      state.input = signal.input;
      run.emit(null, 'ExecutionStarted', () => ({
        input: JSON.stringify(signal.input),
        inputDetails: { truncated: false },
        roleArn: state.info.roleArn,
      }));
      if (machine.timeoutSeconds !== undefined) {
        const timerId = run.nextId('timer');
        state.executionTimeoutTimerId = timerId;
        run.commands.push({ kind: 'startTimer', timerId, fireAt: state.info.startTime + machine.timeoutSeconds * 1000 });
      }
      run.addFrame({
        id: ROOT_FRAME,
        index: 0,
        list: '',
        variables: {},
        isolated: false,
        stateName: machine.root.startAt,
        stateInput: signal.input,
        enteredEventId: 0,
        enteredTime: 0,
        retryAttempts: [],
        retryCount: 0,
        phase: { kind: 'start' },
      });
      run.schedule(ROOT_FRAME);
      return;
    }
    case 'timerFired': {
      if (signal.timerId === state.executionTimeoutTimerId) {
        run.complete('TIMED_OUT', { error: StatesErrors.Timeout, cause: 'The execution timed out.' });
        return;
      }
      const frameId = state.waits[signal.timerId];
      if (frameId !== undefined && state.frames[frameId]) await run.onTimer(frameId, signal.timerId);
      return;
    }
    case 'taskStarted':
    case 'taskSucceeded':
    case 'taskFailed':
    case 'taskHeartbeat': {
      const frameId = state.waits[signal.taskId];
      if (frameId !== undefined && state.frames[frameId]) await run.onTask(frameId, signal);
      return;
    }
    case 'stop':
      run.complete('ABORTED', { error: signal.error, cause: signal.cause });
      return;
    case 'fail':
      run.complete('FAILED', { error: signal.error, cause: signal.cause });
      return;
  }
}

/**
 * The end of an execution: where a redrive would continue, the terminal event, and every
 * outstanding task and timer cancelled. The state says how it ended (status, output, error, cause);
 * no command repeats it.
 */
import type { Json } from '../json.js';
import { assertNever } from '../vocabulary/states-errors.js';
import { abortChildren } from './frames.js';
import { isTimerId } from './ids.js';
import type { StepContext } from './step-context.js';
import { ROOT_FRAME, type TerminalStatus } from './types.js';

export interface ExecutionResult {
  output?: Json;
  error?: string;
  cause?: string;
}

/** Called once, by Run.complete, while the execution is still RUNNING. */
export function completeExecution(run: StepContext, status: TerminalStatus, result: ExecutionResult): void {
  const root = run.state.frames[ROOT_FRAME] ? run.frame(ROOT_FRAME) : undefined;
  if (root && status !== 'SUCCEEDED') {
    const phase = root.phase;
    if (phase.kind === 'map' || phase.kind === 'parallel')
      root.retained = { kind: phase.kind, results: phase.results, done: phase.done };
    run.state.redrivePoint = {
      stateName: root.stateName,
      stateInput: root.stateInput,
      variables: root.variables,
      ...(root.retained ? { retained: root.retained } : {}),
    };
    abortChildren(run, root, status === 'ABORTED');
  }
  run.state.status = status;
  switch (status) {
    case 'SUCCEEDED':
      run.emit(null, 'ExecutionSucceeded', () => ({
        output: run.json(result.output ?? null),
        outputDetails: { truncated: false },
      }));
      run.state.output = result.output ?? null;
      break;
    case 'FAILED':
      run.emit(null, 'ExecutionFailed', () => omitUndefined({ error: result.error, cause: result.cause }));
      break;
    case 'TIMED_OUT':
      run.emit(null, 'ExecutionTimedOut', () => omitUndefined({ error: result.error, cause: result.cause }));
      break;
    case 'ABORTED':
      run.emit(null, 'ExecutionAborted', () => omitUndefined({ error: result.error, cause: result.cause }));
      break;
    default:
      assertNever(status, 'terminal status');
  }
  if (result.error !== undefined) run.state.error = result.error;
  if (result.cause !== undefined) run.state.cause = result.cause;
  for (const id of Object.keys(run.state.waits)) {
    run.commands.push(isTimerId(id) ? { kind: 'cancelTimer', timerId: id } : { kind: 'cancelTask', taskId: id });
  }
  run.state.waits = {};
  if (run.state.executionTimeoutTimerId && status !== 'TIMED_OUT') {
    run.commands.push({ kind: 'cancelTimer', timerId: run.state.executionTimeoutTimerId });
  }
  run.state.frames = {};
}

function omitUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

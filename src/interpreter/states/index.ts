/**
 * The state types, one behaviour each. The table is exhaustive over StateType, so a new state
 * type does not compile until it has its compile and run code.
 */
import type { CompiledState, StateBase, StateType } from '../compiled.js';
import type { MaybePromise, Outcome, ProcessOptions } from '../outcome.js';
import type { StepContext } from '../step-context.js';
import type { Frame, FrameOutcome } from '../types.js';
import type { CompileContext, StateBehaviour } from './behaviour.js';
import { choice } from './choice.js';
import { fail } from './fail.js';
import { map } from './map.js';
import { parallel } from './parallel.js';
import { pass } from './pass.js';
import { succeed } from './succeed.js';
import { resumeTask, task, type TaskSignal } from './task.js';
import { mapRunAnswered } from './map-run.js';
import { wait } from './wait.js';

export { resumeTask, taskTimedOut, type TaskSignal } from './task.js';

/** How a frame takes a signal about its task (its Task state's, or its Map Run's); none if it waits for another. */
export function answerTask(
  run: StepContext,
  frame: Frame,
  signal: TaskSignal,
): (() => MaybePromise<Outcome>) | undefined {
  const phase = frame.phase;
  if (phase.kind === 'task' && phase.taskId === signal.taskId) return () => resumeTask(run, frame, signal);
  if (phase.kind === 'map' && phase.taskId === signal.taskId) return () => mapRunAnswered(run, frame, signal);
  return undefined;
}

type StateOfType = { [S in CompiledState as S['type']]: S };
type Behaviours = { [T in StateType]: StateBehaviour<StateOfType[T]> };

const behaviours: Behaviours = {
  Task: task,
  Pass: pass,
  Choice: choice,
  Wait: wait,
  Succeed: succeed,
  Fail: fail,
  Parallel: parallel,
  Map: map,
};

export function isStateType(type: unknown): type is StateType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(behaviours, type);
}

export function compileStateOfType<T extends StateType>(type: T, base: StateBase, ctx: CompileContext): StateOfType[T] {
  return behaviours[type].compile(base, ctx);
}

/** Runs the state `frame` has entered. */
export function processState(run: StepContext, frame: Frame, options: ProcessOptions = {}): MaybePromise<Outcome> {
  const state = run.current(frame);
  return runState(state.type, run, frame, state, options);
}

function runState<T extends StateType>(
  type: T,
  run: StepContext,
  frame: Frame,
  state: StateOfType[T],
  options: ProcessOptions,
): MaybePromise<Outcome> {
  return behaviours[type].run(run, frame, state, options);
}

/** A child frame of `parent` (a Parallel branch, a Map iteration) ended. */
export function childFinished(
  run: StepContext,
  parent: Frame,
  child: Frame,
  outcome: FrameOutcome,
): MaybePromise<void> {
  const state = run.current(parent);
  return notifyParent(state.type, run, parent, state, child, outcome);
}

// Not async: a Map of many items calls this once per iteration, and each async layer costs a tick.
function notifyParent<T extends StateType>(
  type: T,
  run: StepContext,
  parent: Frame,
  state: StateOfType[T],
  child: Frame,
  outcome: FrameOutcome,
): MaybePromise<void> {
  return behaviours[type].childFinished?.(run, parent, state, child, outcome);
}

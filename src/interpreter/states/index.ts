/** Dispatch to the state types, and what every state type shares: outcomes and the I/O pipelines. */
import type { Json, JsonObject } from '../../json.js';
import { assertNever } from '../errors.js';
import type { CompiledState } from '../compiled.js';
import type { ContextExtras } from '../context-object.js';
import type { Run } from '../run.js';
import type { Frame, Transition } from '../types.js';
import { choice, fail, pass, succeed, wait } from './simple.js';
import { task } from './task.js';
import { map, parallel } from './children.js';

export { resumeTask, taskTimedOut } from './task.js';

/** What processing a state (or resuming it) leads to. */
export type Outcome =
  | { kind: 'next'; next: string; output: Json; assigned?: JsonObject }
  | { kind: 'end'; output: Json; assigned?: JsonObject }
  | { kind: 'blocked' }
  /** `quiet`: no `<Type>StateFailed` event (States.Runtime failures end the execution without one). */
  | { kind: 'error'; error?: string; cause?: string; quiet?: boolean };

/** JSONPath states finish synchronously; only JSONata evaluation is asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

export interface ProcessOptions {
  /** Re-running the state after a retry backoff: no new Entered event was written. */
  retry?: boolean;
}

export function processState(run: Run, frame: Frame, options: ProcessOptions = {}): MaybePromise<Outcome> {
  const state = run.current(frame);
  switch (state.type) {
    case 'Pass':
      return pass(run, frame, state);
    case 'Succeed':
      return succeed(run, frame, state);
    case 'Fail':
      return fail(run, frame, state);
    case 'Wait':
      return wait(run, frame, state);
    case 'Choice':
      return choice(run, frame, state);
    case 'Task':
      return task(run, frame, state, options);
    case 'Parallel':
      return parallel(run, frame, state);
    case 'Map':
      return map(run, frame, state);
    default:
      return assertNever(state, 'state type');
  }
}

export function transition(state: CompiledState, t: Transition): Outcome {
  if (t.next !== undefined) return { kind: 'next', next: t.next, output: t.output, assigned: t.assigned };
  if (state.end || state.type === 'Succeed' || state.next === undefined)
    return { kind: 'end', output: t.output, assigned: t.assigned };
  return { kind: 'next', next: state.next, output: t.output, assigned: t.assigned };
}

/** JSONPath: InputPath, then Parameters, over the raw state input. */
export function effectiveInput(run: Run, frame: Frame, state: CompiledState, extras?: ContextExtras): Json {
  const afterInputPath = run.selectPath(frame, state.inputPath, frame.stateInput);
  return state.parameters ? state.parameters.evaluate(run.scope(frame, afterInputPath, extras)) : afterInputPath;
}

/** JSONata: Arguments over $states.input, or the state input itself. */
export async function jsonataArguments(
  run: Run,
  frame: Frame,
  state: CompiledState,
  extras?: ContextExtras,
): Promise<Json> {
  if (!state.arguments) return frame.stateInput;
  return state.arguments.evaluate(run.bindings(frame, { input: frame.stateInput }, extras), 'Arguments');
}

/**
 * A state produced `result` (a task's output, a Pass's Result, a Map's or Parallel's results):
 * JSONPath applies ResultSelector, Assign (over the selected result), ResultPath and OutputPath;
 * JSONata evaluates Output and Assign over $states.input and $states.result.
 */
export function finishWithResult(run: Run, frame: Frame, state: CompiledState, result: Json): MaybePromise<Outcome> {
  if (state.queryLanguage === 'JSONata') return finishWithResultJsonata(run, frame, state, result);
  const selected = state.resultSelector ? state.resultSelector.evaluate(run.scope(frame, result)) : result;
  const assigned =
    state.assign?.kind === 'jsonpath' ? run.assignJsonPath(frame, state.assign.template, selected) : undefined;
  const merged =
    state.resultPath === undefined
      ? selected
      : state.resultPath === null
        ? frame.stateInput
        : state.resultPath.assign(frame.stateInput, selected);
  return transition(state, { output: run.selectPath(frame, state.outputPath, merged), assigned });
}

async function finishWithResultJsonata(run: Run, frame: Frame, state: CompiledState, result: Json): Promise<Outcome> {
  const states = { input: frame.stateInput, result };
  const output = state.output ? await state.output.evaluate(run.bindings(frame, states), 'Output') : result;
  const assigned = await run.evaluateAssign(frame, state.assign, result, states);
  return transition(state, { output, assigned });
}

/** A matched Choice rule's own Output and Assign, used instead of the state's. */
export interface RuleOverrides {
  output?: CompiledState['output'];
  assign?: CompiledState['assign'];
}

/**
 * States that pass their (effective) input through: Wait, Succeed, Choice. JSONPath applies
 * OutputPath to the effective input; JSONata evaluates Output (default: the input).
 */
export function passThrough(
  run: Run,
  frame: Frame,
  state: CompiledState,
  effective: Json,
  next?: string,
  rule?: RuleOverrides,
): MaybePromise<Transition> {
  const assign = rule ? rule.assign : state.assign;
  if (state.queryLanguage === 'JSONata') return passThroughJsonata(run, frame, state, next, rule);
  const assigned = assign?.kind === 'jsonpath' ? run.assignJsonPath(frame, assign.template, effective) : undefined;
  return { next, output: run.selectPath(frame, state.outputPath, effective), assigned };
}

async function passThroughJsonata(
  run: Run,
  frame: Frame,
  state: CompiledState,
  next: string | undefined,
  rule: RuleOverrides | undefined,
): Promise<Transition> {
  const states = { input: frame.stateInput };
  const outputTemplate = rule ? rule.output : state.output;
  const output = outputTemplate
    ? await outputTemplate.evaluate(run.bindings(frame, states), 'Output')
    : frame.stateInput;
  return {
    next,
    output,
    assigned: await run.evaluateAssign(frame, rule ? rule.assign : state.assign, frame.stateInput, states),
  };
}

/** Applies `f` to a value that may still be on its way. */
export function andThen<T, U>(value: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The JSONata data-flow pipeline: Arguments before a state's work, Output and Assign after it. */
import type { Json, JsonObject } from '../../json.js';
import type { JsonataBindings } from '../../query/jsonata/index.js';
import type { CompiledAssign, CompiledState } from '../compiled.js';
import type { ContextExtras } from '../context-object.js';
import type { StepContext } from '../step-context.js';
import type { Frame, Transition } from '../types.js';
import type { MaybePromise } from '../outcome.js';
import { asAssigned, assignJsonPath } from './jsonpath.js';

type States = Omit<JsonataBindings['states'], 'context'>;

/** Arguments over $states.input, or the state input itself. */
export async function jsonataArguments(
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  extras?: ContextExtras,
): Promise<Json> {
  if (!state.arguments) return frame.stateInput;
  const args = await state.arguments.evaluate(run.bindings(frame, { input: frame.stateInput }, extras), 'Arguments');
  run.inspector?.value('afterArguments', args);
  return args;
}

/**
 * Evaluates an Assign block: JSONPath reads `$` = `jsonPathInput` (synchronously); JSONata reads
 * $states (a promise).
 */
export function evaluateAssign(
  run: StepContext,
  frame: Frame,
  assign: CompiledAssign | undefined,
  jsonPathInput: Json,
  states: States,
): MaybePromise<JsonObject | undefined> {
  if (!assign) return undefined;
  if (assign.kind === 'jsonpath') return assignJsonPath(run, frame, assign.template, jsonPathInput);
  return assign.template.evaluate(run.bindings(frame, states), 'Assign').then(asAssigned);
}

/** Output and Assign over $states.input and $states.result. */
export async function resultJsonata(
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  result: Json,
): Promise<Transition> {
  const states = { input: frame.stateInput, result };
  const output = state.output ? await state.output.evaluate(run.bindings(frame, states), 'Output') : result;
  const assigned = await evaluateAssign(run, frame, state.assign, result, states);
  return { output, assigned };
}

/** A state that passes its input through: Output (default: the input) and Assign over $states.input. */
export async function passThroughJsonata(
  run: StepContext,
  frame: Frame,
  next: string | undefined,
  output: CompiledState['output'],
  assign: CompiledAssign | undefined,
): Promise<Transition> {
  const states = { input: frame.stateInput };
  const value = output ? await output.evaluate(run.bindings(frame, states), 'Output') : frame.stateInput;
  return {
    next,
    output: value,
    assigned: await evaluateAssign(run, frame, assign, frame.stateInput, states),
  };
}

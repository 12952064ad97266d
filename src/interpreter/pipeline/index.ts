/** The pipeline around a state's work, in whichever query language the state uses. */
import type { Json } from '../../json.js';
import type { CompiledState } from '../compiled.js';
import { transition, type MaybePromise, type Outcome } from '../outcome.js';
import type { StepContext } from '../step-context.js';
import type { Frame, Transition } from '../types.js';
import { passThroughJsonata, resultJsonata } from './jsonata.js';
import { passThroughJsonPath, resultJsonPath } from './jsonpath.js';

/**
 * A state produced `result` (a task's output, a Pass's Result, a Map's or Parallel's results):
 * JSONPath applies ResultSelector, Assign (over the selected result), ResultPath and OutputPath;
 * JSONata evaluates Output and Assign over $states.input and $states.result.
 */
export function finishWithResult(
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  result: Json,
): MaybePromise<Outcome> {
  if (state.queryLanguage === 'JSONata')
    return resultJsonata(run, frame, state, result).then((t) => transition(state, t));
  return transition(state, resultJsonPath(run, frame, state, result));
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
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  effective: Json,
  next?: string,
  rule?: RuleOverrides,
): MaybePromise<Transition> {
  const assign = rule ? rule.assign : state.assign;
  if (state.queryLanguage === 'JSONata')
    return passThroughJsonata(run, frame, next, rule ? rule.output : state.output, assign);
  return passThroughJsonPath(run, frame, state, effective, next, assign);
}

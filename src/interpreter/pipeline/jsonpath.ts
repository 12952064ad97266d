/**
 * The JSONPath data-flow pipeline: InputPath and Parameters before a state's work, ResultSelector,
 * ResultPath and OutputPath after it, and Assign. Synchronous, so JSONPath states never wait on a
 * promise.
 */
import type { Json, JsonObject } from '../../json.js';
import { noResultsCause, type CompiledPath } from '../../query/jsonpath/index.js';
import type { CompiledTemplate } from '../../query/payload-template.js';
import type { CompiledAssign, CompiledState } from '../compiled.js';
import type { ContextExtras } from '../context-object.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { StepContext } from '../step-context.js';
import type { Frame, Transition } from '../types.js';

/** Applies a JSONPath InputPath/OutputPath-like path, failing as AWS does when nothing matches. */
export function selectPath(run: StepContext, frame: Frame, path: CompiledPath | null | undefined, input: Json): Json {
  if (path === undefined) return input;
  if (path === null) return {};
  const value = path.evaluate(run.scope(frame, input));
  if (value === undefined) throw new StatesError(StatesErrors.Runtime, noResultsCause(path));
  return value;
}

/** A JSONPath-mode Assign, where `$` is `input`. */
export function assignJsonPath(
  run: StepContext,
  frame: Frame,
  template: CompiledTemplate,
  input: Json,
): JsonObject | undefined {
  return asAssigned(template.evaluate(run.scope(frame, input)));
}

export function asAssigned(value: Json): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** InputPath over the raw state input. */
export function inputPath(run: StepContext, frame: Frame, state: CompiledState): Json {
  const value = selectPath(run, frame, state.inputPath, frame.stateInput);
  run.inspector?.value('afterInputPath', value);
  return value;
}

/** InputPath, then Parameters, over the raw state input. */
export function effectiveInput(run: StepContext, frame: Frame, state: CompiledState, extras?: ContextExtras): Json {
  const afterInputPath = inputPath(run, frame, state);
  const effective = state.parameters
    ? state.parameters.evaluate(run.scope(frame, afterInputPath, extras))
    : afterInputPath;
  run.inspector?.value('afterParameters', effective);
  return effective;
}

/** ResultSelector, Assign (over the selected result), ResultPath and OutputPath. */
export function resultJsonPath(run: StepContext, frame: Frame, state: CompiledState, result: Json): Transition {
  const selected = state.resultSelector ? state.resultSelector.evaluate(run.scope(frame, result)) : result;
  run.inspector?.value('afterResultSelector', selected);
  const assigned =
    state.assign?.kind === 'jsonpath' ? assignJsonPath(run, frame, state.assign.template, selected) : undefined;
  const merged =
    state.resultPath === undefined
      ? selected
      : state.resultPath === null
        ? frame.stateInput
        : state.resultPath.assign(frame.stateInput, selected);
  run.inspector?.value('afterResultPath', merged);
  return { output: selectPath(run, frame, state.outputPath, merged), assigned };
}

/** A state that passes its effective input through: Assign over it, then OutputPath. */
export function passThroughJsonPath(
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  effective: Json,
  next: string | undefined,
  assign: CompiledAssign | undefined,
): Transition {
  const assigned = assign?.kind === 'jsonpath' ? assignJsonPath(run, frame, assign.template, effective) : undefined;
  return { next, output: selectPath(run, frame, state.outputPath, effective), assigned };
}

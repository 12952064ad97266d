/** Catch: compiling a state's catchers, and what the first matching one makes of an error. */
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { FieldCompiler } from '../compile-fields.js';
import type { Catcher, CompiledState, QueryLanguage } from '../compiled.js';
import { evaluateAssign } from '../pipeline/jsonata.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import { errorMatches, stringArray } from './retry.js';

export function compileCatch(raw: Json | undefined, language: QueryLanguage, pointer: string): Catcher[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r, i) => {
    const c = new FieldCompiler(r, language, `${pointer}/Catch/${i}`);
    return {
      errorEquals: stringArray(r.ErrorEquals),
      next: String(r.Next),
      resultPath: language === 'JSONPath' ? c.optionalReferencePath('ResultPath') : undefined,
      output: c.jsonataTemplate('Output'),
      assign: c.assign(r.Assign),
    };
  });
}

/** A caught error: which catcher, the state it goes to, and the output and assignments it carries. */
export interface CatchDecision {
  catchIndex: number;
  next: string;
  output: Json;
  assigned?: JsonObject;
}

/**
 * The first catcher whose ErrorEquals matches: JSONPath puts the error output at its ResultPath
 * in the state input; JSONata evaluates its Output. Both evaluate its Assign over the error output.
 * Throws the StatesError of a catcher that cannot be evaluated.
 */
export async function decideCatch(
  run: StepContext,
  frame: Frame,
  state: CompiledState,
  failure: { error?: string; cause?: string },
): Promise<CatchDecision | undefined> {
  const catchIndex = state.catch.findIndex((c) => errorMatches(c.errorEquals, failure.error));
  const catcher = state.catch[catchIndex];
  if (!catcher) return undefined;
  const errorOutput: JsonObject = {};
  if (failure.error !== undefined) errorOutput.Error = failure.error;
  if (failure.cause !== undefined) errorOutput.Cause = failure.cause;
  const states = { input: frame.stateInput, errorOutput };
  let output: Json;
  if (state.queryLanguage === 'JSONata') {
    output = catcher.output ? await catcher.output.evaluate(run.bindings(frame, states), 'Output') : errorOutput;
  } else {
    output =
      catcher.resultPath === null
        ? frame.stateInput
        : catcher.resultPath
          ? catcher.resultPath.assign(frame.stateInput, errorOutput)
          : errorOutput;
  }
  const assigned = await evaluateAssign(run, frame, catcher.assign, errorOutput, states);
  return { catchIndex, next: catcher.next, output, assigned };
}

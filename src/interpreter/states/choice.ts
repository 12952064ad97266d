/** Choice: the first rule that matches names the next state; else the Default, else States.NoChoiceMatched. */
import { isJsonObject, jsonTypeName, type Json } from '../../json.js';
import { compileJsonata, isJsonataExpression } from '../../query/jsonata/index.js';
import { compileChoiceRule } from '../choice-rules.js';
import { FieldCompiler, stripJsonata } from '../compile-fields.js';
import type { ChoiceBranch, ChoiceState, QueryLanguage } from '../compiled.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { andThen, transition, type MaybePromise, type Outcome } from '../outcome.js';
import { passThrough } from '../pipeline/index.js';
import { inputPath } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const choice: StateBehaviour<ChoiceState> = {
  compile: (base, { raw, language, pointer }) => ({
    ...base,
    type: 'Choice',
    choices: compileChoices(raw.Choices, language, pointer),
    default: typeof raw.Default === 'string' ? raw.Default : undefined,
  }),
  run: (run, frame, state) => runChoice(run, frame, state),
};

function compileChoices(raw: Json | undefined, language: QueryLanguage, pointer: string): ChoiceBranch[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((r, i) => {
    const c = new FieldCompiler(r, language, `${pointer}/Choices/${i}`);
    const condition = r.Condition;
    const rule: ChoiceBranch['rule'] =
      typeof condition === 'boolean'
        ? { kind: 'constant', value: condition }
        : typeof condition === 'string' && isJsonataExpression(condition)
          ? { kind: 'jsonata', condition: compileJsonata(stripJsonata(condition)) }
          : { kind: 'jsonpath', rule: compileChoiceRule(r) };
    return { rule, next: String(r.Next), assign: c.assign(r.Assign), output: c.jsonataTemplate('Output') };
  });
}

function runChoice(run: StepContext, frame: Frame, state: ChoiceState): MaybePromise<Outcome> {
  if (state.queryLanguage === 'JSONata') return choiceJsonata(run, frame, state);
  const effective = inputPath(run, frame, state);
  const scope = run.scope(frame, effective);
  for (const branch of state.choices) {
    if (branch.rule.kind === 'jsonpath' && branch.rule.rule.evaluate(scope)) {
      return andThen(passThrough(run, frame, state, effective, branch.next, { assign: branch.assign }), (t) =>
        transition(state, t),
      );
    }
  }
  if (state.default !== undefined)
    return andThen(passThrough(run, frame, state, effective, state.default), (t) => transition(state, t));
  throw noChoiceMatched();
}

async function choiceJsonata(run: StepContext, frame: Frame, state: ChoiceState): Promise<Outcome> {
  const bindings = run.bindings(frame, { input: frame.stateInput });
  for (const branch of state.choices) {
    if (branch.rule.kind === 'jsonpath') continue;
    const value = branch.rule.kind === 'constant' ? branch.rule.value : await branch.rule.condition.evaluate(bindings);
    if (typeof value !== 'boolean') {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The JSONata expression '${branch.rule.kind === 'jsonata' ? branch.rule.condition.source : String(value)}' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value ?? null)}`,
      );
    }
    if (value)
      return transition(
        state,
        await passThrough(run, frame, state, frame.stateInput, branch.next, {
          output: branch.output,
          assign: branch.assign,
        }),
      );
  }
  if (state.default !== undefined)
    return transition(state, await passThrough(run, frame, state, frame.stateInput, state.default));
  throw noChoiceMatched();
}

function noChoiceMatched(): StatesError {
  return new StatesError(StatesErrors.NoChoiceMatched, 'No Matches!');
}

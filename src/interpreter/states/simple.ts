/** The states that finish (or wait once) without children or tasks: Pass, Succeed, Fail, Wait, Choice. */
import type { Json } from '../../json.js';
import { jsonTypeName } from '../../json.js';
import { StatesError, StatesErrors } from '../errors.js';
import type { ChoiceState, Dynamic, FailState, PassState, SucceedState, WaitState } from '../compiled.js';
import type { Run } from '../run.js';
import { parseTimestamp } from '../timestamps.js';
import type { Frame } from '../types.js';
import {
  andThen,
  effectiveInput,
  finishWithResult,
  passThrough,
  transition,
  type MaybePromise,
  type Outcome,
} from './index.js';

export function pass(run: Run, frame: Frame, state: PassState): MaybePromise<Outcome> {
  if (state.queryLanguage === 'JSONata')
    return andThen(passThrough(run, frame, state, frame.stateInput), (t) => transition(state, t));
  const effective = effectiveInput(run, frame, state);
  return finishWithResult(run, frame, state, state.result !== undefined ? state.result : effective);
}

export function succeed(run: Run, frame: Frame, state: SucceedState): MaybePromise<Outcome> {
  const effective =
    state.queryLanguage === 'JSONata' ? frame.stateInput : run.selectPath(frame, state.inputPath, frame.stateInput);
  return andThen(passThrough(run, frame, state, effective), (t): Outcome => ({
    kind: 'end',
    output: t.output,
    assigned: t.assigned,
  }));
}

export async function fail(run: Run, frame: Frame, state: FailState): Promise<Outcome> {
  const error = await failField(run, frame, state.error);
  const cause = await failField(run, frame, state.cause);
  return { kind: 'error', error, cause, quiet: true };
}

async function failField(run: Run, frame: Frame, field: Dynamic<string> | undefined): Promise<string | undefined> {
  if (!field) return undefined;
  switch (field.kind) {
    case 'literal':
      return field.value;
    case 'path': {
      const value = field.path.evaluate(run.scope(frame, frame.stateInput));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.Runtime,
          `The JSONPath '${field.path.source}' specified for the field '${field.field}' could not be found in the input '${JSON.stringify(frame.stateInput)}'`,
        );
      }
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    case 'jsonata': {
      const value = await field.expr.evaluate(run.bindings(frame, { input: frame.stateInput }));
      if (typeof value !== 'string') {
        throw new StatesError(
          StatesErrors.QueryEvaluationError,
          `The JSONata expression '${field.expr.source}' specified for the field '${field.field}' returned an unexpected result type. Expected 'string', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value ?? null)}`,
        );
      }
      return value;
    }
  }
}

export async function wait(run: Run, frame: Frame, state: WaitState): Promise<Outcome> {
  const effective =
    state.queryLanguage === 'JSONata' ? frame.stateInput : run.selectPath(frame, state.inputPath, frame.stateInput);
  const fireAt = await waitUntil(run, frame, state, effective);
  const then = await passThrough(run, frame, state, effective);
  if (fireAt <= run.rt.now()) return transition(state, then);
  const timerId = run.startTimer(frame.id, fireAt);
  frame.phase = { kind: 'wait', timerId, then };
  return { kind: 'blocked' };
}

async function waitUntil(run: Run, frame: Frame, state: WaitState, effective: Json): Promise<number> {
  if (state.seconds) {
    const seconds = await dynamicValue(run, frame, state.seconds, effective);
    return run.rt.now() + checkSeconds(state.seconds, seconds) * 1000;
  }
  if (state.timestamp) {
    const value = await dynamicValue(run, frame, state.timestamp, effective);
    const at = typeof value === 'string' ? parseTimestamp(value) : undefined;
    if (at === undefined) throw timestampError(state.timestamp, value);
    return at;
  }
  return run.rt.now();
}

function checkSeconds(field: Dynamic<number>, value: Json): number {
  const isLong = typeof value === 'number' && Number.isInteger(value);
  if (field.kind === 'path') {
    const shown = `${field.path.source} == ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    if (!isLong)
      throw new StatesError(
        StatesErrors.Runtime,
        `The SecondsPath parameter cannot be parsed as a long value: ${shown}`,
      );
    if (value < 0)
      throw new StatesError(StatesErrors.Runtime, `The SecondsPath parameter references a negative value: ${shown}`);
    return value;
  }
  if (!isLong || value < 0) {
    const error = field.kind === 'jsonata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime;
    const source =
      field.kind === 'jsonata'
        ? `The JSONata expression '${field.expr.source}' specified for the field 'Seconds'`
        : 'The Seconds field';
    throw new StatesError(
      error,
      `${source} returned an unexpected result type. Expected 'non-negative integer', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function timestampError(field: Dynamic<string>, value: Json): StatesError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  switch (field.kind) {
    case 'path':
      return new StatesError(
        StatesErrors.Runtime,
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${field.path.source} == ${shown}`,
      );
    case 'jsonata':
      return new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`,
      );
    case 'literal':
      return new StatesError(
        StatesErrors.Runtime,
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`,
      );
  }
}

/** The value of a literal / `...Path` / JSONata field. Paths read the effective input. */
export async function dynamicValue<T extends Json>(
  run: Run,
  frame: Frame,
  field: Dynamic<T>,
  effective: Json,
): Promise<Json> {
  switch (field.kind) {
    case 'literal':
      return field.value;
    case 'path': {
      const value = field.path.evaluate(run.scope(frame, effective));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.Runtime,
          `The JSONPath '${field.path.source}' specified for the field '${field.field}' could not be found in the input '${JSON.stringify(effective)}'`,
        );
      }
      return value;
    }
    case 'jsonata': {
      const value = await field.expr.evaluate(run.bindings(frame, { input: frame.stateInput }));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.QueryEvaluationError,
          `The JSONata expression '${field.expr.source}' specified for the field '${field.field}' returned nothing (undefined).`,
        );
      }
      return value;
    }
  }
}

export function choice(run: Run, frame: Frame, state: ChoiceState): MaybePromise<Outcome> {
  if (state.queryLanguage === 'JSONata') return choiceJsonata(run, frame, state);
  const effective = run.selectPath(frame, state.inputPath, frame.stateInput);
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

async function choiceJsonata(run: Run, frame: Frame, state: ChoiceState): Promise<Outcome> {
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

import { isJsonObject, jsonTypeName, type Json } from '../../../json.js';
import { StatesError, StatesErrors } from '../../../vocabulary/states-errors.js';
import type { EvalScope } from '../../scope.js';
import type { IntrinsicArg } from '../ast.js';

export type Implementation = (args: Json[], scope: EvalScope) => Json;

export interface IntrinsicDefinition {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Called once per call site, so a function may prepare from its literal arguments; returns the evaluator. */
  bind(args: readonly IntrinsicArg[]): Implementation;
}

/** A function whose evaluation needs nothing from the call site beyond the argument values. */
export function plain(minArgs: number, maxArgs: number, implementation: Implementation): IntrinsicDefinition {
  return { minArgs, maxArgs, bind: () => implementation };
}

/** States.IntrinsicFailure: the call is well formed but its arguments do not fit (a catchable runtime error). */
export function intrinsicFailure(fn: string, message: string): StatesError {
  return new StatesError(StatesErrors.IntrinsicFailure, `Invalid arguments in ${fn}: ${message}`);
}

const ordinal = (index: number): string => ['first', 'second', 'third'][index] ?? `argument #${index + 1}`;

function typeFailure(fn: string, index: number, expected: string, value: Json): StatesError {
  return intrinsicFailure(
    fn,
    `the ${ordinal(index)} argument must be ${expected}, but was ${jsonTypeName(value)}: ${JSON.stringify(value)}`,
  );
}

/** A reader of the argument at `index`: the value if `is` accepts it, else a failure saying what was expected. */
function typedArg<T extends Json>(expected: string, is: (value: Json) => value is T) {
  return (fn: string, args: Json[], index: number): T => {
    const value = args[index];
    if (!is(value)) throw typeFailure(fn, index, expected, value);
    return value;
  };
}

export const arrayArg = typedArg('an array', (value): value is Json[] => Array.isArray(value));
export const objectArg = typedArg('a JSON object', isJsonObject);
export const stringArg = typedArg('a string', (value): value is string => typeof value === 'string');
export const booleanArg = typedArg('a boolean', (value): value is boolean => typeof value === 'boolean');
export const numberArg = typedArg('a number', (value): value is number => typeof value === 'number');
export const integerArg = typedArg(
  'an integer',
  (value): value is number => typeof value === 'number' && Number.isInteger(value),
);

/** Limit AWS documents for the string arguments of the encoding and hash functions. */
export const MAX_STRING_ARGUMENT_LENGTH = 10_000;

export function limitedStringArg(fn: string, args: Json[], index: number): string {
  const value = stringArg(fn, args, index);
  if (value.length > MAX_STRING_ARGUMENT_LENGTH) {
    throw intrinsicFailure(
      fn,
      `the ${ordinal(index)} argument must not exceed ${MAX_STRING_ARGUMENT_LENGTH} characters`,
    );
  }
  return value;
}

import { isJsonObject, jsonTypeName, type Json, type JsonObject } from '../../../json.js';
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

export function arrayArg(fn: string, args: Json[], index: number): Json[] {
  const value = args[index];
  if (!Array.isArray(value)) throw typeFailure(fn, index, 'an array', value);
  return value;
}

export function objectArg(fn: string, args: Json[], index: number): JsonObject {
  const value = args[index];
  if (!isJsonObject(value)) throw typeFailure(fn, index, 'a JSON object', value);
  return value;
}

export function stringArg(fn: string, args: Json[], index: number): string {
  const value = args[index];
  if (typeof value !== 'string') throw typeFailure(fn, index, 'a string', value);
  return value;
}

export function booleanArg(fn: string, args: Json[], index: number): boolean {
  const value = args[index];
  if (typeof value !== 'boolean') throw typeFailure(fn, index, 'a boolean', value);
  return value;
}

export function numberArg(fn: string, args: Json[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number') throw typeFailure(fn, index, 'a number', value);
  return value;
}

export function integerArg(fn: string, args: Json[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeFailure(fn, index, 'an integer', value);
  return value;
}

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

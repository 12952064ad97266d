import type { Json } from '../../json.js';
import { jsonTypeName } from '../../json.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';

/** A JSONata expression that does not parse. Raised at compile time (definition validation). */
export class JsonataSyntaxError extends Error {
  constructor(
    readonly expression: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'JsonataSyntaxError';
  }
}

/** The shape of the errors the jsonata package throws (plain objects, not Error instances). */
export interface JsonataErrorLike {
  code?: string;
  message?: string;
  position?: number;
}

export function isJsonataErrorLike(value: unknown): value is JsonataErrorLike {
  return typeof value === 'object' && value !== null && ('code' in value || 'message' in value);
}

/** "T1006: Attempted to invoke a non-function", as AWS prints a JSONata error. */
export function describeJsonataError(error: unknown): string {
  if (!isJsonataErrorLike(error)) return String(error);
  const message = error.message ?? '';
  return error.code ? `${error.code}: ${message}` : message;
}

function subject(source: string, field: string | undefined): string {
  const where = field === undefined ? '' : ` specified for the field '${field}'`;
  return `The JSONata expression '${source}'${where}`;
}

function queryEvaluationError(detail: string): StatesError {
  return new StatesError(StatesErrors.QueryEvaluationError, detail);
}

/** "... threw an error during evaluation. T1006: Attempted to invoke a non-function" */
export function jsonataThrew(source: string, field: string | undefined, error: unknown): StatesError {
  return queryEvaluationError(
    `${subject(source, field)} threw an error during evaluation. ${describeJsonataError(error)}`,
  );
}

/**
 * "... exceeded the limit of 5000000 evaluation steps." Stepwise's own bound (AWS documents none),
 * so the error is States.Runtime, which no Retry or Catch on States.QueryEvaluationError takes.
 */
export function jsonataOverBudget(source: string, field: string | undefined, limit: string): StatesError {
  return new StatesError(StatesErrors.Runtime, `${subject(source, field)} exceeded ${limit}.`);
}

/** "... returned nothing (undefined)." */
export function jsonataReturnedNothing(source: string, field: string | undefined): StatesError {
  return queryEvaluationError(`${subject(source, field)} returned nothing (undefined).`);
}

/** "... returned an unsupported result type." (a function, or a number JSON cannot carry) */
export function jsonataUnsupportedResult(source: string, field: string | undefined): StatesError {
  return queryEvaluationError(`${subject(source, field)} returned an unsupported result type.`);
}

/**
 * "... returned an unexpected result type. Expected 'array', but was 'string' for value: \"string\""
 * For callers that need a particular type (Map `Items`, `MaxConcurrency`, ...).
 */
export function jsonataUnexpectedResultType(
  source: string,
  field: string | undefined,
  expected: string,
  value: Json,
): StatesError {
  return queryEvaluationError(
    `${subject(source, field)} returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
  );
}

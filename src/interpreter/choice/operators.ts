import type { ComparisonOperator } from '../../vocabulary/names.js';
import type { Json } from '../../json.js';
import { compareInstants, parseInstant, type Instant } from './timestamp.js';

/**
 * The data-test operators of a JSONPath Choice rule. Each comparison reads its two operands as one
 * type; an operand of another type makes the rule false (never an error).
 */
type Kind = 'string' | 'number' | 'boolean' | 'timestamp';
type Relation = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

interface Comparison {
  readonly kind: Kind;
  readonly relation: Relation;
  /** The right operand is a path (`...Path`) rather than a literal. */
  readonly path: boolean;
}

function comparison(kind: Kind, relation: Relation, path = false): Comparison {
  return { kind, relation, path };
}

export const Comparisons = {
  StringEquals: comparison('string', 'Equals'),
  StringEqualsPath: comparison('string', 'Equals', true),
  StringLessThan: comparison('string', 'LessThan'),
  StringLessThanPath: comparison('string', 'LessThan', true),
  StringGreaterThan: comparison('string', 'GreaterThan'),
  StringGreaterThanPath: comparison('string', 'GreaterThan', true),
  StringLessThanEquals: comparison('string', 'LessThanEquals'),
  StringLessThanEqualsPath: comparison('string', 'LessThanEquals', true),
  StringGreaterThanEquals: comparison('string', 'GreaterThanEquals'),
  StringGreaterThanEqualsPath: comparison('string', 'GreaterThanEquals', true),
  NumericEquals: comparison('number', 'Equals'),
  NumericEqualsPath: comparison('number', 'Equals', true),
  NumericLessThan: comparison('number', 'LessThan'),
  NumericLessThanPath: comparison('number', 'LessThan', true),
  NumericGreaterThan: comparison('number', 'GreaterThan'),
  NumericGreaterThanPath: comparison('number', 'GreaterThan', true),
  NumericLessThanEquals: comparison('number', 'LessThanEquals'),
  NumericLessThanEqualsPath: comparison('number', 'LessThanEquals', true),
  NumericGreaterThanEquals: comparison('number', 'GreaterThanEquals'),
  NumericGreaterThanEqualsPath: comparison('number', 'GreaterThanEquals', true),
  BooleanEquals: comparison('boolean', 'Equals'),
  BooleanEqualsPath: comparison('boolean', 'Equals', true),
  TimestampEquals: comparison('timestamp', 'Equals'),
  TimestampEqualsPath: comparison('timestamp', 'Equals', true),
  TimestampLessThan: comparison('timestamp', 'LessThan'),
  TimestampLessThanPath: comparison('timestamp', 'LessThan', true),
  TimestampGreaterThan: comparison('timestamp', 'GreaterThan'),
  TimestampGreaterThanPath: comparison('timestamp', 'GreaterThan', true),
  TimestampLessThanEquals: comparison('timestamp', 'LessThanEquals'),
  TimestampLessThanEqualsPath: comparison('timestamp', 'LessThanEquals', true),
  TimestampGreaterThanEquals: comparison('timestamp', 'GreaterThanEquals'),
  TimestampGreaterThanEqualsPath: comparison('timestamp', 'GreaterThanEquals', true),
} as const satisfies Partial<Record<ComparisonOperator, Comparison>>;
export type ComparisonName = keyof typeof Comparisons;

/** `IsX: true|false` holds when the predicate's truth equals the operand. IsPresent is handled by the rule itself. */
export const TypeTests = {
  IsNull: (value: Json) => value === null,
  IsNumeric: (value: Json) => typeof value === 'number',
  IsString: (value: Json) => typeof value === 'string',
  IsBoolean: (value: Json) => typeof value === 'boolean',
  IsTimestamp: (value: Json) => typeof value === 'string' && parseInstant(value) !== undefined,
} as const satisfies Partial<Record<ComparisonOperator, (value: Json) => boolean>>;
export type TypeTestName = keyof typeof TypeTests;

export const IS_PRESENT = 'IsPresent' satisfies ComparisonOperator;
export const STRING_MATCHES = 'StringMatches' satisfies ComparisonOperator;

/** Every data-test operator in the ASL vocabulary is handled here: this fails to compile if one is not. */
type Covered = ComparisonName | TypeTestName | typeof IS_PRESENT | typeof STRING_MATCHES;
type AssertNever<T extends never> = T;
export type AllOperatorsCovered = AssertNever<Exclude<ComparisonOperator, Covered>>;

/** A comparable reading of a JSON value, or undefined when the value is not of the kind. */
type Reading = string | number | boolean | Instant;

function read(kind: Kind, value: Json): Reading | undefined {
  switch (kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === kind ? (value as string | number | boolean) : undefined;
    case 'timestamp':
      return typeof value === 'string' ? parseInstant(value) : undefined;
  }
}

function order(a: Reading, b: Reading): number {
  if (typeof a === 'object' && typeof b === 'object') return compareInstants(a, b);
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const RELATIONS: Record<Relation, (order: number) => boolean> = {
  Equals: (o) => o === 0,
  LessThan: (o) => o < 0,
  GreaterThan: (o) => o > 0,
  LessThanEquals: (o) => o <= 0,
  GreaterThanEquals: (o) => o >= 0,
};

/** A comparison against a fixed right-hand side (a literal, read once at compile time). */
export function compareWithLiteral(spec: Comparison, literal: Json): (value: Json) => boolean {
  const right = read(spec.kind, literal);
  const holds = RELATIONS[spec.relation];
  if (right === undefined) return () => false;
  return (value) => {
    const left = read(spec.kind, value);
    return left !== undefined && holds(order(left, right));
  };
}

/** A comparison whose right-hand side is only known at evaluation time (a `...Path` operand). */
export function compareValues(spec: Comparison): (value: Json, other: Json) => boolean {
  const holds = RELATIONS[spec.relation];
  return (value, other) => {
    const left = read(spec.kind, value);
    const right = read(spec.kind, other);
    return left !== undefined && right !== undefined && holds(order(left, right));
  };
}

import type { Json, JsonObject } from '../json.js';
import { compilePath, type CompiledPath } from '../query/jsonpath/index.js';
import type { EvalScope } from '../query/scope.js';
import {
  Comparisons,
  IS_PRESENT,
  STRING_MATCHES,
  TypeTests,
  compareValues,
  compareWithLiteral,
  type ComparisonName,
  type TypeTestName,
} from './choice/operators.js';
import { compileWildcard } from './choice/string-matches.js';
import { runtimeError } from '../vocabulary/states-errors.js';

/** A JSONPath-mode Choice rule (a top-level rule or a nested one), compiled once per definition. */
export interface CompiledChoiceRule {
  /** Throws StatesError('States.Runtime') when a path the rule compares does not exist. */
  evaluate(scope: EvalScope): boolean;
}

/** AWS's cause when `Variable` or a `...Path` operand selects nothing. */
export function invalidChoicePathCause(path: string): string {
  return `Invalid path '${path}': The choice state's condition path references an invalid value.`;
}

function isComparison(key: string): key is ComparisonName {
  return Object.prototype.hasOwnProperty.call(Comparisons, key);
}

function isTypeTest(key: string): key is TypeTestName {
  return Object.prototype.hasOwnProperty.call(TypeTests, key);
}

/** An empty match list from an indefinite path (`$.a[*]`) counts as nothing selected. */
function select(path: CompiledPath, scope: EvalScope): Json | undefined {
  const value = path.evaluate(scope);
  return path.indefinite && Array.isArray(value) && value.length === 0 ? undefined : value;
}

function selectRequired(path: CompiledPath, scope: EvalScope): Json {
  const value = select(path, scope);
  if (value === undefined) throw runtimeError(invalidChoicePathCause(path.source));
  return value;
}

/** `Variable` + one data-test operator. */
function compileDataTest(rule: JsonObject): CompiledChoiceRule {
  const variable = compilePath(String(rule.Variable));
  for (const [key, operand] of Object.entries(rule)) {
    if (key === IS_PRESENT) {
      return { evaluate: (scope) => (select(variable, scope) !== undefined) === operand };
    }
    if (isTypeTest(key)) {
      const test = TypeTests[key];
      return { evaluate: (scope) => test(selectRequired(variable, scope)) === operand };
    }
    if (key === STRING_MATCHES) {
      const matches = compileWildcard(String(operand));
      return {
        evaluate: (scope) => {
          const value = selectRequired(variable, scope);
          return typeof value === 'string' && matches(value);
        },
      };
    }
    if (isComparison(key)) {
      const spec = Comparisons[key];
      if (!spec.path) {
        const test = compareWithLiteral(spec, operand);
        return { evaluate: (scope) => test(selectRequired(variable, scope)) };
      }
      const other = compilePath(String(operand));
      const test = compareValues(spec);
      return { evaluate: (scope) => test(selectRequired(variable, scope), selectRequired(other, scope)) };
    }
  }
  throw new Error(`Choice rule has no comparison operator: ${JSON.stringify(rule)}`);
}

function compileRules(rules: Json | undefined): CompiledChoiceRule[] {
  return Array.isArray(rules) ? rules.map((r) => compileChoiceRule(r as JsonObject)) : [];
}

/** Compiles a JSONPath-mode rule; assumes the definition already validated. */
export function compileChoiceRule(rule: JsonObject): CompiledChoiceRule {
  if ('And' in rule) {
    const all = compileRules(rule.And);
    return { evaluate: (scope) => all.every((r) => r.evaluate(scope)) };
  }
  if ('Or' in rule) {
    const any = compileRules(rule.Or);
    return { evaluate: (scope) => any.some((r) => r.evaluate(scope)) };
  }
  if ('Not' in rule) {
    const inner = compileChoiceRule(rule.Not as JsonObject);
    return { evaluate: (scope) => !inner.evaluate(scope) };
  }
  return compileDataTest(rule);
}

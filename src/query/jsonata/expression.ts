import jsonata from 'jsonata';
import type { Json } from '../../json.js';
import type { QueryRuntime, Variables } from '../scope.js';
import {
  JsonataSyntaxError,
  describeJsonataError,
  isJsonataErrorLike,
  jsonataOverBudget,
  jsonataThrew,
  jsonataUnsupportedResult,
} from './errors.js';
import {
  RUNTIME_FUNCTIONS,
  registerStepFunctionsExtras,
  runtimeFunctions,
  type RuntimeFunctionName,
} from './functions.js';
import { TooDeepResultError, UnsupportedResultError, toJson } from './normalise.js';
import { BudgetExceeded, EvaluationBudget, installBudgetHooks, type ExpressionLimits } from './budget.js';
import { EXPRESSION_LIMITS } from '../../vocabulary/limits.js';
import { LinearRegExp } from '../regex.js';
import { referencedVariables } from './references.js';

/** What a JSONata expression in a state can see. */
export interface JsonataBindings {
  /** `$states` */
  states: { input: Json; context: Json; result?: Json; errorOutput?: Json };
  /** `$name` workflow variables */
  variables: Variables;
  /** Backs `$now`, `$millis`, `$random`, `$uuid`. */
  runtime: QueryRuntime;
}

export interface CompiledJsonata {
  /** The expression text (between `{%` and `%}`, trimmed), as AWS quotes it in error causes. */
  readonly source: string;
  /**
   * Evaluates to plain JSON, or `undefined` when the expression returns nothing.
   * Throws StatesError('States.QueryEvaluationError') when evaluation fails or the result is a
   * function; `field` (e.g. 'Output/result') goes into the cause when given.
   */
  evaluate(bindings: JsonataBindings, field?: string): Promise<Json | undefined>;
}

const STATES = 'states';
const RESERVED: ReadonlySet<string> = new Set<string>([
  STATES,
  ...RUNTIME_FUNCTIONS,
  'partition',
  'range',
  'hash',
  'parse',
  'eval',
]);

/** True for a string of the form "{% ... %}" (no whitespace outside the delimiters). */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The text between `{%` and `%}`. */
export function jsonataSource(value: string): string {
  return value.slice(2, -2);
}

/** User regexes in `/.../` literals run on RE2 (linear time); see ../regex.ts. */
const OPTIONS: jsonata.JsonataOptions = {
  RegexEngine: LinearRegExp as unknown as RegExpConstructor,
  sequence: EXPRESSION_LIMITS.maxSequence,
};

function parse(source: string): jsonata.Expression {
  try {
    return jsonata(source, OPTIONS);
  } catch (error) {
    const position = isJsonataErrorLike(error) ? error.position : undefined;
    throw new JsonataSyntaxError(source, describeJsonataError(error), position);
  }
}

function statesObject(states: JsonataBindings['states']): Record<string, Json> {
  const value: Record<string, Json> = { input: states.input, context: states.context };
  if (states.result !== undefined) value.result = states.result;
  if (states.errorOutput !== undefined) value.errorOutput = states.errorOutput;
  return value;
}

/**
 * Compiles the text between `{%` and `%}` once; throws JsonataSyntaxError. Each evaluation is bounded
 * by `limits` (./budget.ts).
 */
export function compileJsonata(expression: string, limits: ExpressionLimits = EXPRESSION_LIMITS): CompiledJsonata {
  const source = expression.trim();
  const compiled = parse(source);
  registerStepFunctionsExtras(compiled);
  installBudgetHooks(compiled);

  const mentioned = referencedVariables(compiled.ast());
  const usesStates = mentioned.has(STATES);
  const runtimeNames = RUNTIME_FUNCTIONS.filter((name) => mentioned.has(name));
  const variableNames = [...mentioned].filter((name) => !RESERVED.has(name) && name !== '$');

  const bind = (bindings: JsonataBindings): Record<string, unknown> => {
    const frame: Record<string, unknown> = {};
    if (usesStates) frame[STATES] = statesObject(bindings.states);
    for (const name of variableNames) {
      const value = bindings.variables.lookup(name);
      if (value !== undefined) frame[name] = value;
    }
    if (runtimeNames.length > 0) {
      const functions = runtimeFunctions(bindings.runtime);
      for (const name of runtimeNames) frame[name] = functions[name as RuntimeFunctionName];
    }
    return frame;
  };

  return {
    source,
    async evaluate(bindings, field) {
      let result: unknown;
      try {
        result = await compiled.evaluate(undefined, { ...bind(bindings), ...new EvaluationBudget(limits).binding() });
      } catch (error) {
        if (error instanceof BudgetExceeded) throw jsonataOverBudget(source, field, error.limit);
        if (isJsonataErrorLike(error) && error.code === 'D2015') {
          throw jsonataOverBudget(source, field, `the maximum sequence length of ${EXPRESSION_LIMITS.maxSequence}`);
        }
        throw jsonataThrew(source, field, error);
      }
      try {
        return toJson(result);
      } catch (error) {
        if (error instanceof UnsupportedResultError) throw jsonataUnsupportedResult(source, field);
        if (error instanceof TooDeepResultError) throw jsonataOverBudget(source, field, error.message);
        throw error;
      }
    },
  };
}

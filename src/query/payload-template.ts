import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { runtimeError } from '../vocabulary/states-errors.js';
import { compileIntrinsic, IntrinsicSyntaxError, isIntrinsicCall } from './intrinsics/index.js';
import { compilePath, PathSyntaxError, rootDocument } from './jsonpath/index.js';
import type { EvalScope } from './scope.js';

/** Thrown at compile time; the validator turns it into SCHEMA_VALIDATION_FAILED at the template's location. */
export class TemplateError extends Error {
  constructor(
    readonly fieldName: string,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface CompiledTemplate {
  evaluate(scope: EvalScope): Json;
}

/**
 * Compile a Parameters / ResultSelector / ItemSelector / Assign(JSONPath) payload template once per
 * definition: keys ending ".$" hold a path ($, $$, $var) or an intrinsic call; other values are literals
 * (nested objects/arrays walked). Parts without any ".$" key are returned as they are, never copied.
 */
export function compilePayloadTemplate(template: Json): CompiledTemplate {
  const node = compileNode(template);
  return { evaluate: node.kind === 'static' ? () => node.value : node.evaluate };
}

type Node = { kind: 'static'; value: Json } | { kind: 'dynamic'; evaluate: (scope: EvalScope) => Json };

function compileNode(value: Json): Node {
  if (Array.isArray(value)) return compileArray(value);
  if (isJsonObject(value)) return compileObject(value);
  return { kind: 'static', value };
}

function compileArray(items: Json[]): Node {
  const nodes = items.map(compileNode);
  if (nodes.every((node) => node.kind === 'static')) return { kind: 'static', value: items };
  const evaluators = nodes.map(toEvaluator);
  return { kind: 'dynamic', evaluate: (scope) => evaluators.map((evaluate) => evaluate(scope)) };
}

function compileObject(object: JsonObject): Node {
  const fields: Array<[string, Node]> = Object.entries(object).map(([key, value]) =>
    key.endsWith('.$') && key.length > 2
      ? [key.slice(0, -2), compileDynamicField(key, value)]
      : [key, compileNode(value)],
  );
  if (fields.every(([, node]) => node.kind === 'static')) return { kind: 'static', value: object };
  const evaluators = fields.map(([key, node]) => [key, toEvaluator(node)] as const);
  return {
    kind: 'dynamic',
    evaluate: (scope) => {
      const result: JsonObject = {};
      for (const [key, evaluate] of evaluators) result[key] = evaluate(scope);
      return result;
    },
  };
}

function toEvaluator(node: Node): (scope: EvalScope) => Json {
  if (node.kind === 'dynamic') return node.evaluate;
  const { value } = node;
  return () => value;
}

/** The value of a "key.$" field: a path or an intrinsic call, anything else is a definition error. */
function compileDynamicField(fieldName: string, expression: Json): Node {
  const invalid = (): TemplateError =>
    new TemplateError(
      fieldName,
      `The value for the field '${fieldName}' must be a valid JSONPath or a valid intrinsic function call`,
    );
  if (typeof expression !== 'string') throw invalid();
  try {
    if (isIntrinsicCall(expression)) {
      const intrinsic = compileIntrinsic(expression);
      return { kind: 'dynamic', evaluate: (scope) => intrinsic.evaluate(scope) };
    }
    if (!expression.startsWith('$')) throw invalid();
    const path = compilePath(expression);
    return {
      kind: 'dynamic',
      evaluate: (scope) => {
        const value = path.evaluate(scope);
        if (value === undefined) {
          throw runtimeError(
            `The JSONPath '${path.source}' specified for the field '${fieldName}' could not be found in the input '${JSON.stringify(rootDocument(path, scope))}'`,
          );
        }
        return value;
      },
    };
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError || error instanceof PathSyntaxError) throw invalid();
    throw error;
  }
}

import type { Json, JsonObject } from '../../json.js';
import { isJsonObject } from '../../json.js';
import { jsonataReturnedNothing } from './errors.js';
import {
  compileJsonata,
  isJsonataExpression,
  jsonataSource,
  type CompiledJsonata,
  type JsonataBindings,
} from './expression.js';

/**
 * A field value in a JSONata state (Arguments, Output, Assign, Items, ...): a "{% %}" string, or an
 * object/array whose string leaves may be "{% %}" (walked recursively); literals stay literals.
 */
export interface CompiledJsonataTemplate {
  /** The expression text when the whole value is one "{% %}" expression (for callers' own causes); else undefined. */
  readonly source?: string;
  /** `field` names the field for error causes ('Output'); nested members extend it ('Output/result'). */
  evaluate(bindings: JsonataBindings, field: string): Promise<Json>;
}

type TemplateNode =
  | { readonly kind: 'literal'; readonly value: Json }
  | { readonly kind: 'expression'; readonly expression: CompiledJsonata; readonly suffix: string }
  | { readonly kind: 'object'; readonly members: ReadonlyArray<readonly [string, TemplateNode]> }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] };

/** A deep, frozen copy: a literal handed out on every evaluation must not be mutable by a caller. */
function frozenCopy(value: Json): Json {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as Json[];
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, member] of Object.entries(value)) copy[key] = frozenCopy(member);
    return Object.freeze(copy);
  }
  return value;
}

function compileNode(value: Json, suffix: string): TemplateNode {
  if (isJsonataExpression(value)) {
    return { kind: 'expression', expression: compileJsonata(jsonataSource(value)), suffix };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileNode(item, `${suffix}/${index}`));
    return items.every((item) => item.kind === 'literal')
      ? { kind: 'literal', value: frozenCopy(value) }
      : { kind: 'array', items };
  }
  if (isJsonObject(value)) {
    const members = Object.entries(value).map(
      ([key, member]) => [key, compileNode(member, `${suffix}/${key}`)] as const,
    );
    return members.every(([, member]) => member.kind === 'literal')
      ? { kind: 'literal', value: frozenCopy(value) }
      : { kind: 'object', members };
  }
  return { kind: 'literal', value };
}

/** Members are evaluated one after another, in definition order, so runtime calls ($uuid, $random) happen in a fixed order. */
async function evaluateNode(node: TemplateNode, bindings: JsonataBindings, field: string): Promise<Json> {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'expression': {
      const path = field + node.suffix;
      const result = await node.expression.evaluate(bindings, path);
      if (result === undefined) throw jsonataReturnedNothing(node.expression.source, path);
      return result;
    }
    case 'array': {
      const items: Json[] = [];
      for (const item of node.items) items.push(await evaluateNode(item, bindings, field));
      return items;
    }
    case 'object': {
      const object: JsonObject = {};
      for (const [key, member] of node.members) object[key] = await evaluateNode(member, bindings, field);
      return object;
    }
  }
}

/** Compiled once per definition; throws JsonataSyntaxError for an expression that does not parse. */
export function compileJsonataTemplate(value: Json): CompiledJsonataTemplate {
  const root = compileNode(value, '');
  return {
    source: root.kind === 'expression' ? root.expression.source : undefined,
    evaluate: (bindings, field) => evaluateNode(root, bindings, field),
  };
}

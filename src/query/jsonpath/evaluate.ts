import { isJsonObject, jsonEquals, type Json } from '../../json.js';
import { assertNever } from '../../vocabulary/states-errors.js';
import { compileLinearRegex } from '../regex.js';
import {
  isDefiniteSegment,
  type FilterExpr,
  type FilterOperand,
  type ParsedPath,
  type PathFunction,
  type Segment,
} from './ast.js';

/** Applies a compiled path to a start value; `root` is what `$` means inside filters. */
export type Selector = (start: Json, root: Json) => Json | undefined;

/** Whether the path may select several values (its result is then the array of matches). */
export function isIndefinite(path: ParsedPath): boolean {
  return !path.segments.every(isDefiniteSegment);
}

/** Turns the parsed segments into closures once; evaluation walks them without re-parsing. */
export function compileSelector(path: ParsedPath): Selector {
  const base = isIndefinite(path) ? compileIndefinite(path.segments) : compileDefinite(path.segments);
  return path.fn === undefined ? base : withFunction(base, path.fn);
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function member(node: Json, name: string): Json | undefined {
  return isJsonObject(node) && hasOwn(node, name) ? node[name] : undefined;
}

function element(node: Json, index: number): Json | undefined {
  if (!Array.isArray(node)) return undefined;
  const i = index < 0 ? node.length + index : index;
  return i >= 0 && i < node.length ? node[i] : undefined;
}

// ---- definite paths: a chain of lookups, undefined as soon as one misses ----

type Lookup = (node: Json) => Json | undefined;

function compileDefinite(segments: Segment[]): Selector {
  const lookups: Lookup[] = segments.map((segment) => {
    switch (segment.kind) {
      case 'member': {
        const { name } = segment;
        return (node) => member(node, name);
      }
      case 'index': {
        const { index } = segment;
        return (node) => element(node, index);
      }
      case 'wildcard':
      case 'slice':
      case 'indexes':
      case 'members':
      case 'filter':
      case 'deepScan':
        throw new Error(`segment '${segment.kind}' is not definite`);
    }
  });
  return (start) => {
    let value: Json | undefined = start;
    for (let i = 0; i < lookups.length && value !== undefined; i++) value = lookups[i](value);
    return value;
  };
}

// ---- indefinite paths: each step maps the current matches to the next ones ----

type Step = (node: Json, out: Json[], root: Json) => void;

function compileIndefinite(segments: Segment[]): Selector {
  const steps = segments.map(compileStep);
  return (start, root) => {
    let current: Json[] = [start];
    for (const step of steps) {
      const next: Json[] = [];
      for (const node of current) step(node, next, root);
      current = next;
    }
    return current;
  };
}

function compileStep(segment: Segment): Step {
  switch (segment.kind) {
    case 'member': {
      const { name } = segment;
      return (node, out) => {
        const value = member(node, name);
        if (value !== undefined) out.push(value);
      };
    }
    case 'members': {
      const { names } = segment;
      return (node, out) => {
        for (const name of names) {
          const value = member(node, name);
          if (value !== undefined) out.push(value);
        }
      };
    }
    case 'index': {
      const { index } = segment;
      return (node, out) => {
        const value = element(node, index);
        if (value !== undefined) out.push(value);
      };
    }
    case 'indexes': {
      const { indexes } = segment;
      return (node, out) => {
        for (const index of indexes) {
          const value = element(node, index);
          if (value !== undefined) out.push(value);
        }
      };
    }
    case 'wildcard':
      return (node, out) => {
        if (Array.isArray(node)) out.push(...node);
        else if (isJsonObject(node)) out.push(...Object.values(node));
      };
    case 'slice': {
      const { start, end, step } = segment;
      return (node, out) => {
        if (Array.isArray(node)) for (const i of sliceIndexes(node.length, start, end, step)) out.push(node[i]);
      };
    }
    case 'deepScan': {
      const target = compileStep(segment.target);
      const scan: Step = (node, out, root) => {
        target(node, out, root);
        if (Array.isArray(node)) for (const child of node) scan(child, out, root);
        else if (isJsonObject(node)) for (const child of Object.values(node)) scan(child, out, root);
      };
      return scan;
    }
    case 'filter': {
      const test = compileFilter(segment.predicate);
      // Jayway: a filter on an array tests each element; on an object it tests the object itself.
      return (node, out, root) => {
        if (Array.isArray(node)) {
          for (const item of node) if (test(item, root)) out.push(item);
        } else if (isJsonObject(node) && test(node, root)) {
          out.push(node);
        }
      };
    }
    default:
      return assertNever(segment, 'JSONPath segment');
  }
}

/** Slice indexes with Python/RFC 9535 semantics (negative bounds count from the end). */
function* sliceIndexes(
  length: number,
  start: number | undefined,
  end: number | undefined,
  step: number,
): Generator<number> {
  const normalize = (i: number): number => (i < 0 ? Math.max(length + i, -1) : Math.min(i, length));
  if (step > 0) {
    const from = Math.max(normalize(start ?? 0), 0);
    const to = normalize(end ?? length);
    for (let i = from; i < to; i += step) yield i;
  } else {
    const from = Math.min(normalize(start ?? length - 1), length - 1);
    const to = end === undefined ? -1 : normalize(end);
    for (let i = from; i > to; i += step) yield i;
  }
}

// ---- filters ----

type Predicate = (item: Json, root: Json) => boolean;
type OperandValue = (item: Json, root: Json) => Json | undefined;

function compileFilter(expr: FilterExpr): Predicate {
  switch (expr.kind) {
    case 'and': {
      const left = compileFilter(expr.left);
      const right = compileFilter(expr.right);
      return (item, root) => left(item, root) && right(item, root);
    }
    case 'or': {
      const left = compileFilter(expr.left);
      const right = compileFilter(expr.right);
      return (item, root) => left(item, root) || right(item, root);
    }
    case 'not': {
      const operand = compileFilter(expr.operand);
      return (item, root) => !operand(item, root);
    }
    case 'exists': {
      const { operand } = expr;
      if (operand.kind === 'literal') {
        const truthy = operand.value !== false && operand.value !== null;
        return () => truthy;
      }
      const value = compileOperand(operand);
      const indefinite = isIndefiniteOperand(operand);
      // Jayway: a lone path tests that the path exists, whatever its value.
      return (item, root) => {
        const v = value(item, root);
        return indefinite ? Array.isArray(v) && v.length > 0 : v !== undefined;
      };
    }
    case 'compare':
      return compileComparison(expr);
    default:
      return assertNever(expr, 'filter expression');
  }
}

function isIndefiniteOperand(operand: FilterOperand): boolean {
  return operand.kind === 'path' && isIndefinite(operand.path) && operand.path.fn === undefined;
}

function compileOperand(operand: FilterOperand): OperandValue {
  switch (operand.kind) {
    case 'literal': {
      const { value } = operand;
      return () => value;
    }
    case 'path': {
      const selector = compileSelector(operand.path);
      return operand.relative ? (item, root) => selector(item, root) : (_item, root) => selector(root, root);
    }
    case 'regex':
      throw new Error('a regular expression is only valid on the right of =~');
    default:
      return assertNever(operand, 'filter operand');
  }
}

function compileComparison(expr: Extract<FilterExpr, { kind: 'compare' }>): Predicate {
  const left = compileOperand(expr.left);
  if (expr.op === '=~') {
    if (expr.right.kind !== 'regex') throw new Error('=~ needs a regular expression');
    const regex = compileLinearRegex(expr.right.regex);
    return (item, root) => {
      const value = left(item, root);
      return typeof value === 'string' && regex.test(value);
    };
  }
  const right = compileOperand(expr.right);
  const op = expr.op;
  return (item, root) => {
    const a = left(item, root);
    const b = right(item, root);
    if (a === undefined || b === undefined) return op === '!=';
    switch (op) {
      case '==':
        return jsonEquals(a, b);
      case '!=':
        return !jsonEquals(a, b);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return ordered(op, a, b);
      default:
        return assertNever(op, 'comparison operator');
    }
  };
}

function ordered(op: '<' | '<=' | '>' | '>=', a: Json, b: Json): boolean {
  let sign: number;
  if (typeof a === 'number' && typeof b === 'number') sign = Math.sign(a - b);
  else if (typeof a === 'string' && typeof b === 'string') sign = a < b ? -1 : a > b ? 1 : 0;
  else return false;
  switch (op) {
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
    default:
      return assertNever(op, 'ordering operator');
  }
}

// ---- trailing functions ----

function withFunction(base: Selector, fn: PathFunction): Selector {
  switch (fn) {
    case 'length':
      return (start, root) => {
        const value = base(start, root);
        if (Array.isArray(value) || typeof value === 'string') return value.length;
        if (isJsonObject(value)) return Object.keys(value).length;
        return undefined;
      };
    default:
      return assertNever(fn, 'path function');
  }
}

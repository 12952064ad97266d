import { isJsonObject, type Json } from '../../json.js';
import { assertNever, runtimeError } from '../../vocabulary/states-errors.js';
import type { Segment } from './ast.js';
import { parsePath, PathSyntaxError } from './parser.js';

export interface CompiledReferencePath {
  readonly source: string;
  /**
   * A new document with `value` placed at the path (missing intermediate objects created, as AWS
   * ResultPath does); "$" replaces the whole document. Does not mutate `document`. Throws
   * StatesError(States.Runtime, <AWS's text>) when it cannot be applied (e.g. the parent is not an object).
   */
  assign(document: Json, value: Json): Json;
}

type ReferenceSegment = Extract<Segment, { kind: 'member' | 'index' }>;

/** Compiles an ASL Reference Path: `$` followed by members and indexes only. Throws PathSyntaxError. */
export function compileReferencePath(source: string): CompiledReferencePath {
  const parsed = parsePath(source);
  if (parsed.root.kind !== 'input') {
    throw new PathSyntaxError(`Invalid reference path '${source}': it must start with '$' followed by '.' or '['`);
  }
  if (parsed.fn !== undefined)
    throw new PathSyntaxError(`Invalid reference path '${source}': functions are not allowed`);
  const segments = parsed.segments.map((segment): ReferenceSegment => {
    if (segment.kind === 'member' || segment.kind === 'index') return segment;
    throw new PathSyntaxError(`Invalid reference path '${source}': only member names and array indexes are allowed`);
  });

  const fail = (document: Json): never => {
    throw runtimeError(`Unable to apply ReferencePath ${source} to input ${JSON.stringify(document)}`);
  };

  const place = (node: Json | undefined, depth: number, document: Json, value: Json): Json => {
    if (depth === segments.length) return value;
    const segment = segments[depth];
    switch (segment.kind) {
      case 'member': {
        const parent = node === undefined ? {} : node;
        if (!isJsonObject(parent)) return fail(document);
        const child = Object.prototype.hasOwnProperty.call(parent, segment.name) ? parent[segment.name] : undefined;
        return { ...parent, [segment.name]: place(child, depth + 1, document, value) };
      }
      case 'index': {
        if (!Array.isArray(node)) return fail(document);
        const i = segment.index < 0 ? node.length + segment.index : segment.index;
        if (i < 0 || i >= node.length) return fail(document);
        const copy = node.slice();
        copy[i] = place(node[i], depth + 1, document, value);
        return copy;
      }
      default:
        return assertNever(segment, 'reference path segment');
    }
  };

  return {
    source,
    assign: (document, value) => place(document, 0, document, value),
  };
}

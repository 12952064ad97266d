import type { Json } from '../../json.js';
import { assertNever } from '../../vocabulary/states-errors.js';
import type { EvalScope } from '../scope.js';
import type { PathRoot } from './ast.js';
import { compileSelector, isIndefinite } from './evaluate.js';
import { PathSyntaxError, parsePath } from './parser.js';
import { UnsupportedRegexError } from '../regex.js';
import { renderNormalized } from './render.js';

export type { PathRoot } from './ast.js';
export { PathSyntaxError } from './parser.js';
export { compileReferencePath, type CompiledReferencePath } from './reference-path.js';

export interface CompiledPath {
  /** As written, e.g. "$.a['b'][0]". */
  readonly source: string;
  /** "$..." input, "$$..." context object, "$name..." a workflow variable. */
  readonly root: PathRoot;
  /** May select several values: [*], slices, unions, filters [?(...)], ..deep scan. */
  readonly indefinite: boolean;
  /** The selected value; undefined when nothing matched. Indefinite paths return the array of matches (possibly empty). */
  evaluate(scope: EvalScope): Json | undefined;
}

const normalizedSpelling = new WeakMap<CompiledPath, string>();

/** A filter's regex that RE2 cannot run makes the path invalid, as a syntax error does. */
function selectorOf(parsed: ReturnType<typeof parsePath>, source: string): ReturnType<typeof compileSelector> {
  try {
    return compileSelector(parsed);
  } catch (error) {
    if (error instanceof UnsupportedRegexError)
      throw new PathSyntaxError(`Invalid JSONPath '${source}': ${error.message}`);
    throw error;
  }
}

/** Compiles a JSONPath once; throws PathSyntaxError. */
export function compilePath(source: string): CompiledPath {
  const parsed = parsePath(source);
  const select = selectorOf(parsed, source);
  const { root } = parsed;
  let evaluate: (scope: EvalScope) => Json | undefined;
  switch (root.kind) {
    case 'input':
      evaluate = (scope) => select(scope.input, scope.input);
      break;
    case 'context':
      evaluate = (scope) => select(scope.context, scope.context);
      break;
    case 'variable': {
      const { name } = root;
      evaluate = (scope) => {
        const value = scope.variables.lookup(name);
        return value === undefined ? undefined : select(value, value);
      };
      break;
    }
    default:
      return assertNever(root, 'path root');
  }
  const compiled: CompiledPath = {
    source,
    root,
    // A trailing function such as length() yields one value even over an indefinite path.
    indefinite: isIndefinite(parsed) && parsed.fn === undefined,
    evaluate,
  };
  normalizedSpelling.set(compiled, renderNormalized(parsed));
  return compiled;
}

/**
 * AWS's wording for a path that selects nothing in InputPath/OutputPath/ItemsPath etc., e.g.
 * "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']".
 */
export function noResultsCause(path: CompiledPath): string {
  const normalized = normalizedSpelling.get(path) ?? renderNormalized(parsePath(path.source));
  return `Invalid path '${path.source}' : No results for path: ${normalized}`;
}

/**
 * The document a path was applied to, for AWS's "could not be found in the input '<json>'" messages:
 * the state input for `$`, the context object for `$$`, the variable's value for `$name` (the state
 * input when the variable is not defined).
 */
export function rootDocument(path: CompiledPath, scope: EvalScope): Json {
  switch (path.root.kind) {
    case 'input':
      return scope.input;
    case 'context':
      return scope.context;
    case 'variable':
      return scope.variables.lookup(path.root.name) ?? scope.input;
    default:
      return assertNever(path.root, 'path root');
  }
}

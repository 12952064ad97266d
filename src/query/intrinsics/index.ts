import type { Json } from '../../json.js';
import { assertNever, runtimeError } from '../../vocabulary/states-errors.js';
import { rootDocument } from '../jsonpath/index.js';
import type { EvalScope } from '../scope.js';
import type { IntrinsicArg } from './ast.js';
import { INTRINSIC_FUNCTIONS } from './functions/registry.js';
import { parseIntrinsic } from './parser.js';

export { IntrinsicSyntaxError } from './lexer.js';

export interface CompiledIntrinsic {
  readonly source: string;
  evaluate(scope: EvalScope): Json;
}

const CALL_SHAPE = /^States\.[A-Za-z0-9]+\s*\([\s\S]*\)\s*$/;

/** Whether a ".$" value is meant as an intrinsic call (starts with "States." and looks like a call). */
export function isIntrinsicCall(text: string): boolean {
  return CALL_SHAPE.test(text);
}

/** Compiles an intrinsic call once per definition. Throws IntrinsicSyntaxError (bad escapes, unknown function, wrong arity). */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  const evaluate = compileArg(parseIntrinsic(text));
  return { source: text, evaluate };
}

type Evaluator = (scope: EvalScope) => Json;

function compileArg(arg: IntrinsicArg): Evaluator {
  switch (arg.kind) {
    case 'literal': {
      const { value } = arg;
      return () => value;
    }
    case 'path': {
      const { path } = arg;
      return (scope) => {
        const value = path.evaluate(scope);
        if (value === undefined) {
          throw runtimeError(
            `The JSONPath '${path.source}' could not be found in the input '${JSON.stringify(rootDocument(path, scope))}'`,
          );
        }
        return value;
      };
    }
    case 'call': {
      const definition = INTRINSIC_FUNCTIONS.get(arg.name);
      if (definition === undefined) throw new Error(`unknown intrinsic function ${arg.name}`); // the parser checked
      const implementation = definition.bind(arg.args);
      const args = arg.args.map(compileArg);
      return (scope) =>
        implementation(
          args.map((evaluate) => evaluate(scope)),
          scope,
        );
    }
    default:
      return assertNever(arg, 'intrinsic argument');
  }
}

import { compilePath, PathSyntaxError } from '../jsonpath/index.js';
import type { IntrinsicArg } from './ast.js';
import { INTRINSIC_FUNCTIONS } from './functions/registry.js';
import { IntrinsicSyntaxError, tokenize, type Token } from './lexer.js';

/** AWS: "You can nest up to 10 intrinsic functions within a field in your workflows." */
export const MAX_NESTING = 10;

export type IntrinsicCall = Extract<IntrinsicArg, { kind: 'call' }>;

/** Parses `States.Name(arg, ...)` with literal, path and nested-call arguments; checks names and arity. */
export function parseIntrinsic(text: string): IntrinsicCall {
  const tokens = tokenize(text);
  let index = 0;
  const fail = (token: Token, reason: string): never => {
    throw new IntrinsicSyntaxError(`Invalid intrinsic function call '${text}': ${reason} at position ${token.pos}`);
  };
  const next = (): Token => tokens[index++];
  const peek = (): Token => tokens[index];
  const isPunct = (token: Token, punct: '(' | ')' | ','): boolean => token.kind === 'punct' && token.text === punct;

  const call = (depth: number): IntrinsicCall => {
    const nameToken = next();
    if (nameToken.kind !== 'name') return fail(nameToken, 'expected a function name');
    const name = nameToken.text;
    const definition = INTRINSIC_FUNCTIONS.get(name) ?? fail(nameToken, `unknown intrinsic function '${name}'`);
    if (depth > MAX_NESTING) fail(nameToken, `more than ${MAX_NESTING} nested intrinsic functions`);
    if (!isPunct(next(), '(')) fail(tokens[index - 1], `expected '(' after ${name}`);
    const args: IntrinsicArg[] = [];
    if (isPunct(peek(), ')')) {
      next();
    } else {
      for (;;) {
        args.push(argument(depth));
        const separator = next();
        if (isPunct(separator, ')')) break;
        if (!isPunct(separator, ',')) fail(separator, "expected ',' or ')'");
      }
    }
    if (args.length < definition.minArgs || args.length > definition.maxArgs) {
      const expected =
        definition.minArgs === definition.maxArgs
          ? `${definition.minArgs}`
          : definition.maxArgs === Infinity
            ? `at least ${definition.minArgs}`
            : `${definition.minArgs} to ${definition.maxArgs}`;
      fail(nameToken, `${name} takes ${expected} argument(s), but ${args.length} were given`);
    }
    return { kind: 'call', name, args };
  };

  const argument = (depth: number): IntrinsicArg => {
    const token = peek();
    switch (token.kind) {
      case 'string':
        next();
        return { kind: 'literal', value: token.value, formatParts: token.formatParts };
      case 'number':
      case 'keyword':
        next();
        return { kind: 'literal', value: token.value };
      case 'path':
        next();
        try {
          return { kind: 'path', path: compilePath(token.text) };
        } catch (error) {
          if (error instanceof PathSyntaxError) return fail(token, error.message);
          throw error;
        }
      case 'name':
        return call(depth + 1);
      case 'punct':
      case 'end':
        return fail(token, 'expected an argument');
    }
  };

  const root = call(1);
  const end = next();
  if (end.kind !== 'end') fail(end, 'unexpected text after the call');
  return root;
}

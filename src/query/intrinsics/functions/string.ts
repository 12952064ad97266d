import { isJsonObject, type Json } from '../../../json.js';
import { intrinsicFailure, plain, stringArg, type IntrinsicDefinition } from './definition.js';

/**
 * How States.Format prints a value, as recorded on AWS: strings as they are, other scalars as JSON,
 * objects and arrays the way Java prints maps and lists (`{Arg1=1, Arg2=[]}`, `[a, b]`).
 */
export function formatValue(value: Json): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isJsonObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${formatValue(item)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

function fillPlaceholders(parts: readonly string[], values: Json[]): string {
  const placeholders = parts.length - 1;
  if (placeholders !== values.length) {
    throw intrinsicFailure(
      'States.Format',
      `the format string has ${placeholders} placeholder(s) {} but ${values.length} value(s) were given`,
    );
  }
  let result = parts[0];
  for (let i = 0; i < values.length; i++) result += formatValue(values[i]) + parts[i + 1];
  return result;
}

export const stringFunctions: Record<string, IntrinsicDefinition> = {
  'States.Format': {
    minArgs: 1,
    maxArgs: Infinity,
    bind(args) {
      const template = args[0];
      // A literal template was split at its unescaped {} by the lexer ('\{\}' stays literal text).
      if (template.kind === 'literal' && template.formatParts !== undefined) {
        const parts = template.formatParts;
        return (values) => fillPlaceholders(parts, values.slice(1));
      }
      return (values) => fillPlaceholders(stringArg('States.Format', values, 0).split('{}'), values.slice(1));
    },
  },

  /** Java StringTokenizer semantics, as recorded on AWS: every character of the second argument is a delimiter, empty tokens are dropped. */
  'States.StringSplit': plain(2, 2, (args) => {
    const fn = 'States.StringSplit';
    const text = stringArg(fn, args, 0);
    const delimiters = new Set(stringArg(fn, args, 1));
    const tokens: string[] = [];
    let token = '';
    for (const c of text) {
      if (delimiters.has(c)) {
        if (token !== '') tokens.push(token);
        token = '';
      } else {
        token += c;
      }
    }
    if (token !== '') tokens.push(token);
    return tokens;
  }),
};

/** Tokens of an intrinsic function call such as `States.Format('{} items', $.count)`. */
export type Token =
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number }
  | { kind: 'string'; value: string; formatParts: string[]; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'keyword'; value: boolean | null; pos: number }
  | { kind: 'path'; text: string; pos: number }
  | { kind: 'end'; pos: number };

export class IntrinsicSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicSyntaxError';
  }
}

/** The escapes AWS accepts inside a single-quoted intrinsic string; anything else is a definition error. */
const ESCAPABLE = new Set(["'", '{', '}', '\\']);
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.]*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const fail = (reason: string): never => {
    throw new IntrinsicSyntaxError(`Invalid intrinsic function call '${text}': ${reason} at position ${pos}`);
  };

  while (pos < text.length) {
    const c = text[pos];
    if (/\s/.test(c)) {
      pos++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos });
      pos++;
    } else if (c === "'") {
      const start = pos;
      pos++;
      let value = '';
      const formatParts = [''];
      for (;;) {
        if (pos >= text.length) fail('unterminated string literal');
        const ch = text[pos++];
        if (ch === "'") break;
        if (ch === '\\') {
          const escaped = text.charAt(pos);
          if (!ESCAPABLE.has(escaped)) fail(`illegal escape sequence '\\${escaped}'`);
          pos++;
          value += escaped;
          formatParts[formatParts.length - 1] += escaped;
        } else if (ch === '{' && text[pos] === '}') {
          pos++;
          value += '{}';
          formatParts.push('');
        } else {
          value += ch;
          formatParts[formatParts.length - 1] += ch;
        }
      }
      tokens.push({ kind: 'string', value, formatParts, pos: start });
    } else if (c === '$') {
      const start = pos;
      pos = endOfPath(text, pos);
      tokens.push({ kind: 'path', text: text.slice(start, pos).trimEnd(), pos: start });
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const match = NUMBER.exec(text.slice(pos)) ?? fail('invalid number');
      tokens.push({ kind: 'number', value: Number(match[0]), pos });
      pos += match[0].length;
    } else {
      const match = NAME.exec(text.slice(pos)) ?? fail(`unexpected character '${c}'`);
      const word = match[0];
      if (word === 'true' || word === 'false' || word === 'null') {
        tokens.push({ kind: 'keyword', value: word === 'null' ? null : word === 'true', pos });
      } else {
        tokens.push({ kind: 'name', text: word, pos });
      }
      pos += word.length;
    }
  }
  tokens.push({ kind: 'end', pos });
  return tokens;
}

/** A path argument runs to the next top-level ',' or ')', skipping brackets, parentheses and quotes. */
function endOfPath(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  let pos = start;
  for (; pos < text.length; pos++) {
    const c = text[pos];
    if (quote !== undefined) {
      if (c === '\\') pos++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '[' || c === '(') {
      depth++;
    } else if (c === ']' || (c === ')' && depth > 0)) {
      depth--;
    } else if (depth === 0 && (c === ',' || c === ')')) {
      break;
    }
  }
  return pos;
}

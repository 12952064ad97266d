/**
 * Finds the first JSON syntax error in a text, for a line/column to report. `JSON.parse` is still
 * what produces the value; it only says *that* the text is invalid, not *where* (Node 20).
 */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Failure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw new Failure(i, message);
  };
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) fail(describe(text, i, `'${ch}'`));
    i++;
  };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail('Illegal unquoted control character in string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('Illegal unicode escape');
          i += 5;
          continue;
        }
        if (!ESCAPES.has(text[i])) fail(`Unrecognized character escape '${text[i] ?? ''}'`);
      }
      i++;
    }
    expect('"');
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skip();
        string();
        skip();
        expect(':');
        value();
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (ch === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (ch === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(describe(text, i, 'a JSON value'));
  };
  try {
    value();
    skip();
    if (i < text.length) fail(describe(text, i, 'end of input'));
    return undefined;
  } catch (e) {
    if (e instanceof Failure) return { offset: e.offset, message: e.message };
    throw e;
  }
}

function describe(text: string, offset: number, expected: string): string {
  if (offset >= text.length) return `Unexpected end of input: expected ${expected}`;
  return `Unexpected character ('${text[offset]}'): expected ${expected}`;
}

import type {
  ComparisonOperator,
  FilterExpr,
  FilterOperand,
  ParsedPath,
  PathFunction,
  PathRoot,
  Segment,
} from './ast.js';

export class PathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}

/** Parses a JSONPath as Step Functions accepts it (Jayway dialect). Throws PathSyntaxError. */
export function parsePath(source: string): ParsedPath {
  const parser = new PathParser(source);
  const path = parser.rootedPath();
  // Jayway trims the path: AWS accepts trailing whitespace (`"$$.Execution.Name "` in deployed machines).
  parser.skipTrailingSpaces();
  if (!parser.atEnd()) parser.fail('unexpected character');
  return path;
}

const VARIABLE_START = /[\p{L}_]/u;
const VARIABLE_PART = /[\p{L}\p{N}_]/u;
/** Characters that end an unquoted `.name` (Jayway reads a dot member up to the next of these). */
const NAME_END = new Set([...'.[]()=!<>&|,\'"', ' ', '\t', '\n', '\r']);
const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };
const FUNCTIONS: ReadonlySet<string> = new Set<PathFunction>(['length']);

class PathParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(reason: string): never {
    throw new PathSyntaxError(`Invalid JSONPath '${this.text}': ${reason} at position ${this.pos}`);
  }

  rootedPath(): ParsedPath {
    this.expect('$');
    let root: PathRoot = { kind: 'input' };
    if (this.peek() === '$') {
      this.pos++;
      root = { kind: 'context' };
    } else if (VARIABLE_START.test(this.peek())) {
      const start = this.pos;
      while (!this.atEnd() && VARIABLE_PART.test(this.peek())) this.pos++;
      root = { kind: 'variable', name: this.text.slice(start, this.pos) };
    }
    return { root, ...this.segments() };
  }

  private segments(): Pick<ParsedPath, 'segments' | 'fn'> {
    const segments: Segment[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '.' && this.peek(1) === '.') {
        this.pos += 2;
        segments.push({ kind: 'deepScan', target: this.peek() === '[' ? this.bracket() : this.dotTarget() });
      } else if (c === '.' && this.peek(1) === '[') {
        // Jayway reads `$.[0]` and `$.a.[0]` as `$[0]` and `$.a[0]` (AWS accepts them).
        this.pos++;
        segments.push(this.bracket());
      } else if (c === '.') {
        this.pos++;
        const fn = this.tryFunction();
        if (fn !== undefined) return { segments, fn };
        segments.push(this.dotTarget());
      } else if (c === '[') {
        segments.push(this.bracket());
      } else {
        return { segments, fn: undefined };
      }
    }
  }

  private tryFunction(): PathFunction | undefined {
    const match = /^([A-Za-z]+)\(\s*\)/.exec(this.text.slice(this.pos));
    if (match === null) return undefined;
    const name = match[1];
    if (!FUNCTIONS.has(name)) this.fail(`unsupported function '${name}()'`);
    this.pos += match[0].length;
    return name as PathFunction;
  }

  private dotTarget(): Segment {
    if (this.peek() === '*') {
      this.pos++;
      return { kind: 'wildcard' };
    }
    const start = this.pos;
    while (!this.atEnd() && !NAME_END.has(this.peek())) this.pos++;
    if (this.pos === start) this.fail('expected a member name');
    return { kind: 'member', name: this.text.slice(start, this.pos) };
  }

  private bracket(): Segment {
    this.expect('[');
    this.skipSpaces();
    const c = this.peek();
    let segment: Segment;
    if (c === '?') {
      const start = this.pos;
      this.pos++;
      this.skipSpaces();
      this.expect('(');
      const predicate = this.orExpr();
      this.skipSpaces();
      this.expect(')');
      segment = { kind: 'filter', predicate, source: this.text.slice(start, this.pos) };
    } else if (c === '*') {
      this.pos++;
      segment = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      for (this.skipSpaces(); this.peek() === ','; this.skipSpaces()) {
        this.pos++;
        this.skipSpaces();
        names.push(this.quoted());
      }
      segment = names.length === 1 ? { kind: 'member', name: names[0] } : { kind: 'members', names };
    } else {
      segment = this.indexOrSlice();
    }
    this.skipSpaces();
    this.expect(']');
    return segment;
  }

  private indexOrSlice(): Segment {
    const first = this.optionalInteger();
    this.skipSpaces();
    if (this.peek() === ':') {
      this.pos++;
      this.skipSpaces();
      const end = this.optionalInteger();
      this.skipSpaces();
      let step = 1;
      if (this.peek() === ':') {
        this.pos++;
        this.skipSpaces();
        step = this.optionalInteger() ?? 1;
        if (step === 0) this.fail('slice step cannot be zero');
      }
      return { kind: 'slice', start: first, end, step };
    }
    if (first === undefined) this.fail('expected an index, a slice, a quoted name, * or a filter');
    const indexes = [first];
    for (this.skipSpaces(); this.peek() === ','; this.skipSpaces()) {
      this.pos++;
      this.skipSpaces();
      indexes.push(this.integer());
    }
    return indexes.length === 1 ? { kind: 'index', index: first } : { kind: 'indexes', indexes };
  }

  private optionalInteger(): number | undefined {
    return /[-\d]/.test(this.peek()) ? this.integer() : undefined;
  }

  private integer(): number {
    const match = /^-?\d+/.exec(this.text.slice(this.pos));
    if (match === null) this.fail('expected an integer');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  /**
   * A quoted name or string. A backslash escapes the delimiting quote or another backslash; any other
   * backslash is kept as written (AWS resolves `$['a\"b']` to the key `a\"b`, recorded in the corpus).
   */
  private quoted(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted name');
    this.pos++;
    let value = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated quoted name');
      const c = this.text[this.pos++];
      if (c === quote) return value;
      if (c === '\\' && (this.peek() === quote || this.peek() === '\\')) {
        value += this.text[this.pos++];
      } else {
        value += c;
      }
    }
  }

  // ---- filter expressions: [?( ... )] ----

  private orExpr(): FilterExpr {
    let left = this.andExpr();
    while ((this.skipSpaces(), this.text.startsWith('||', this.pos))) {
      this.pos += 2;
      left = { kind: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterExpr {
    let left = this.unaryExpr();
    while ((this.skipSpaces(), this.text.startsWith('&&', this.pos))) {
      this.pos += 2;
      left = { kind: 'and', left, right: this.unaryExpr() };
    }
    return left;
  }

  private unaryExpr(): FilterExpr {
    this.skipSpaces();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      return { kind: 'not', operand: this.unaryExpr() };
    }
    if (this.peek() === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.skipSpaces();
      this.expect(')');
      return inner;
    }
    const left = this.operand();
    this.skipSpaces();
    const op = this.comparisonOperator();
    if (op === undefined) return { kind: 'exists', operand: left };
    this.skipSpaces();
    const right = op === '=~' ? this.regex() : this.operand();
    return { kind: 'compare', op, left, right };
  }

  private comparisonOperator(): ComparisonOperator | undefined {
    for (const op of ['==', '!=', '<=', '>=', '=~', '<', '>'] as const) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private operand(): FilterOperand {
    const c = this.peek();
    if (c === '@') {
      this.pos++;
      return { kind: 'path', relative: true, path: { root: { kind: 'input' }, ...this.segments() } };
    }
    if (c === '$') return { kind: 'path', relative: false, path: this.rootedPath() };
    if (c === "'" || c === '"') return { kind: 'literal', value: this.quoted() };
    const rest = this.text.slice(this.pos);
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (number !== null) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const word = /^[\p{L}_][\p{L}\p{N}_-]*/u.exec(rest);
    if (word === null) return this.fail('expected @, $, a string, a number, true, false or null');
    this.pos += word[0].length;
    // An unquoted word that is no keyword compares as a string: `[?(@.TargetLanguageCode==es)]`,
    // as AWS runs it in deployed samples.
    const value = Object.hasOwn(KEYWORDS, word[0]) ? KEYWORDS[word[0]] : word[0];
    return { kind: 'literal', value };
  }

  private regex(): FilterOperand {
    const match = /^\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(this.text.slice(this.pos));
    if (match === null) this.fail('expected a /regular expression/');
    this.pos += match[0].length;
    try {
      return { kind: 'regex', regex: new RegExp(match[1], match[2]) };
    } catch {
      return this.fail('invalid regular expression');
    }
  }

  // ---- low level ----

  private peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  skipTrailingSpaces(): void {
    const rest = this.text.slice(this.pos);
    if (rest.trim() === '') this.pos = this.text.length;
  }

  private skipSpaces(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }
}

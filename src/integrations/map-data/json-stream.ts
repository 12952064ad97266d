/**
 * A streaming reader of the items of one JSON document: the elements of the array (or the
 * members of the object) that a JSON Pointer (RFC 6901, `ReaderConfig.ItemsPointer`) names, the
 * whole document when there is none. Text is fed in chunks; only the item being read is held,
 * everything around it is checked for syntax and let go.
 */
import type { Json } from '../../json.js';
import { MAX_JSON_DEPTH } from '../../vocabulary/limits.js';
import { ReaderCauses, readerFailed } from './errors.js';

/** One item: its value, and its key when the items are an object's members. */
export interface JsonItem {
  value: Json;
  key?: string;
}

type Role = 'ancestor' | 'target' | 'item' | 'inner' | 'skip';
type Expect = 'value' | 'valueOrClose' | 'commaOrClose' | 'keyOrClose' | 'key' | 'colon' | 'end';

interface Frame {
  kind: 'array' | 'object';
  role: Role;
  /** The frame's position in the pointer (ancestor and target frames). */
  depth: number;
  index: number;
  key?: string;
  expect: Expect;
  /** Absolute offset where an item began (item frames and scalar items). */
  itemStart?: number;
  itemKey?: string;
}

/** Splits `/a/b~1c` into `['a', 'b/c']`; `''` names the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw readerFailed(ReaderCauses.pointerNotFound);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const LITERAL = /[0-9A-Za-z+\-.]/;

function syntaxError(detail: string): Error {
  return readerFailed(`The JSON in the object could not be read: ${detail}.`);
}

export class JsonItemScanner {
  private buf = '';
  /** Absolute offset of buf[0]. */
  private base = 0;
  private pos = 0;
  private readonly stack: Frame[] = [];
  private rootExpect: Expect = 'value';
  private found = false;
  private stringStart = -1;
  private stringEscape = false;
  /** The string being read is a key whose text is needed (an ancestor's or the target's). */
  private stringKeep = false;
  /** The last object key read, for the value that follows it. */
  private lastKey: string | undefined;
  private scalarItem: { start: number; key: string | undefined } | undefined;
  readonly items: JsonItem[] = [];

  constructor(
    private readonly pointer: string[],
    private readonly maxItemChars: number,
    private readonly tooLarge: () => Error,
  ) {}

  feed(chunk: string): void {
    this.buf += chunk;
    this.scan(false);
    this.trim();
  }

  end(): void {
    this.scan(true);
    if (this.stringStart >= 0) throw syntaxError('a string is not closed');
    if (this.stack.length > 0 || this.rootExpect !== 'end') throw syntaxError('the document ends early');
    if (!this.found) throw readerFailed(ReaderCauses.pointerNotFound);
  }

  /** Drops what no item still needs; fails an item past the size limit. */
  private trim(): void {
    const start = this.openItemStart();
    const keep = start === undefined ? this.pos : Math.min(this.pos, start - this.base);
    if (start !== undefined && this.base + this.buf.length - start > this.maxItemChars) throw this.tooLarge();
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.base += keep;
      this.pos -= keep;
      if (this.stringStart >= 0) this.stringStart = Math.max(0, this.stringStart - keep);
    }
  }

  private openItemStart(): number | undefined {
    if (this.scalarItem) return this.scalarItem.start;
    for (const frame of this.stack) if (frame.itemStart !== undefined) return frame.itemStart;
    if (this.stringStart >= 0 && this.stringKeep) return this.base + this.stringStart;
    return undefined;
  }

  private get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private get expect(): Expect {
    return this.top?.expect ?? this.rootExpect;
  }

  private set expect(value: Expect) {
    const top = this.top;
    if (top) top.expect = value;
    else this.rootExpect = value;
  }

  /** The role of a value that starts here, and the key an item of an object target has. */
  private roleOfValue(container: boolean): Role {
    const parent = this.top;
    if (!parent) {
      if (this.pointer.length === 0) return this.targetRole(container);
      return container ? 'ancestor' : 'skip';
    }
    switch (parent.role) {
      case 'target':
        return 'item';
      case 'item':
      case 'inner':
        return 'inner';
      case 'skip':
        return 'skip';
      case 'ancestor': {
        const token = this.pointer[parent.depth];
        const here = parent.kind === 'array' ? String(parent.index) : this.lastKey;
        if (here !== token) return 'skip';
        if (parent.depth + 1 === this.pointer.length) return this.targetRole(container);
        return container ? 'ancestor' : 'skip';
      }
    }
  }

  private targetRole(container: boolean): Role {
    if (!container) throw readerFailed(ReaderCauses.nonIterable);
    this.found = true;
    return 'target';
  }

  private depthOfChild(): number {
    const parent = this.top;
    return parent ? parent.depth + 1 : 0;
  }

  private valueDone(): void {
    this.expect = this.top ? 'commaOrClose' : 'end';
  }

  private emit(start: number, end: number, key: string | undefined): void {
    const text = this.buf.slice(start - this.base, end - this.base);
    if (text.length > this.maxItemChars) throw this.tooLarge();
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch (e) {
      throw syntaxError((e as Error).message);
    }
    this.items.push(key === undefined ? { value } : { value, key });
  }

  private beginValue(): void {
    const expect = this.expect;
    if (expect !== 'value' && expect !== 'valueOrClose')
      throw syntaxError(`unexpected value at offset ${this.base + this.pos}`);
  }

  private scan(final: boolean): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      if (this.stringStart >= 0) {
        if (!this.scanString()) return;
        continue;
      }
      const c = buf[this.pos] as string;
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        this.pos++;
        continue;
      }
      switch (c) {
        case '{':
        case '[': {
          this.beginValue();
          const role = this.roleOfValue(true);
          const itemKey = this.top?.kind === 'object' ? this.lastKey : undefined;
          if (this.stack.length >= MAX_JSON_DEPTH) throw syntaxError(`nesting deeper than ${MAX_JSON_DEPTH}`);
          const frame: Frame = {
            kind: c === '{' ? 'object' : 'array',
            role,
            depth: this.depthOfChild(),
            index: 0,
            expect: c === '{' ? 'keyOrClose' : 'valueOrClose',
          };
          if (role === 'item') {
            frame.itemStart = this.base + this.pos;
            if (itemKey !== undefined) frame.itemKey = itemKey;
          }
          this.stack.push(frame);
          this.pos++;
          break;
        }
        case '}':
        case ']': {
          const top = this.top;
          const kind = c === '}' ? 'object' : 'array';
          if (!top || top.kind !== kind) throw syntaxError(`unexpected '${c}' at offset ${this.base + this.pos}`);
          const closable = kind === 'object' ? ['keyOrClose', 'commaOrClose'] : ['valueOrClose', 'commaOrClose'];
          if (!closable.includes(top.expect)) throw syntaxError(`unexpected '${c}' at offset ${this.base + this.pos}`);
          this.stack.pop();
          this.pos++;
          if (top.itemStart !== undefined) this.emit(top.itemStart, this.base + this.pos, top.itemKey);
          this.valueDone();
          break;
        }
        case ':': {
          if (this.expect !== 'colon') throw syntaxError(`unexpected ':' at offset ${this.base + this.pos}`);
          this.expect = 'value';
          this.pos++;
          break;
        }
        case ',': {
          const top = this.top;
          if (!top || top.expect !== 'commaOrClose')
            throw syntaxError(`unexpected ',' at offset ${this.base + this.pos}`);
          if (top.kind === 'array') {
            top.index++;
            top.expect = 'value';
          } else top.expect = 'key';
          this.pos++;
          break;
        }
        case '"': {
          const expect = this.expect;
          if (expect === 'key' || expect === 'keyOrClose') {
            const role = this.top?.role;
            this.stringKeep = role === 'ancestor' || role === 'target';
            this.stringStart = this.pos;
            this.stringEscape = false;
            this.pos++;
            break;
          }
          this.beginValue();
          const role = this.roleOfValue(false);
          if (role === 'item') this.scalarItem = { start: this.base + this.pos, key: this.itemKeyHere() };
          this.stringKeep = false;
          this.stringStart = this.pos;
          this.stringEscape = false;
          this.pos++;
          break;
        }
        default: {
          if (!LITERAL.test(c)) throw syntaxError(`unexpected '${c}' at offset ${this.base + this.pos}`);
          let end = this.pos;
          while (end < buf.length && LITERAL.test(buf[end] as string)) end++;
          if (end === buf.length && !final) return;
          this.beginValue();
          const text = buf.slice(this.pos, end);
          if (!/^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/.test(text))
            throw syntaxError(`'${text}' is not a JSON value`);
          const role = this.roleOfValue(false);
          const start = this.base + this.pos;
          this.pos = end;
          if (role === 'item') this.emit(start, this.base + end, this.itemKeyHere());
          this.valueDone();
        }
      }
    }
  }

  private itemKeyHere(): string | undefined {
    return this.top?.kind === 'object' ? this.lastKey : undefined;
  }

  /** Reads on in a string; false when the buffer ends inside it. */
  private scanString(): boolean {
    const buf = this.buf;
    let i = this.pos;
    let escape = this.stringEscape;
    while (i < buf.length) {
      const code = buf.charCodeAt(i);
      if (escape) escape = false;
      else if (code === 92) escape = true;
      else if (code === 34) break;
      else if (code < 32) throw syntaxError('a control character in a string');
      i++;
    }
    if (i >= buf.length) {
      this.pos = i;
      this.stringEscape = escape;
      return false;
    }
    const start = this.stringStart;
    this.stringStart = -1;
    this.pos = i + 1;
    const expect = this.expect;
    if (expect === 'key' || expect === 'keyOrClose') {
      if (this.stringKeep) {
        try {
          this.lastKey = JSON.parse(buf.slice(start, this.pos)) as string;
        } catch (e) {
          throw syntaxError((e as Error).message);
        }
      }
      this.expect = 'colon';
      return true;
    }
    if (this.scalarItem) {
      const { start: itemStart, key } = this.scalarItem;
      this.scalarItem = undefined;
      this.emit(itemStart, this.base + this.pos, key);
    }
    this.valueDone();
    return true;
  }
}

/** The items of a JSON document given as text chunks. */
export async function* jsonItems(
  text: AsyncIterable<string>,
  pointer: string[],
  maxItemChars: number,
  tooLarge: () => Error,
): AsyncGenerator<JsonItem> {
  const scanner = new JsonItemScanner(pointer, maxItemChars, tooLarge);
  for await (const chunk of text) {
    scanner.feed(chunk);
    if (scanner.items.length > 0) yield* scanner.items.splice(0);
  }
  scanner.end();
  if (scanner.items.length > 0) yield* scanner.items.splice(0);
}

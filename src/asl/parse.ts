import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Json } from '../json.js';
import { DiagnosticCodes, error, type Diagnostic } from './diagnostics.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { jsonTooDeep, tooDeepMessage, yamlTooDeep } from '../vocabulary/json-depth.js';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface ParsedDefinition {
  ok: true;
  definition: Json;
  locate(pointer: string): SourcePosition | undefined;
}

export type ParseResult = ParsedDefinition | { ok: false; diagnostics: Diagnostic[] };

const noPositions = (): undefined => undefined;

/**
 * JSON or YAML text, or an already-parsed value (which then has no positions). Text that starts
 * with `{` or `[` is JSON and gets JSON's semantics exactly (duplicate keys: the last wins; big
 * numbers: doubles; `\/` escapes); YAML is read with the core schema. Either way positions come
 * from the `yaml` CST, which reads JSON as a flow mapping; for JSON it is built only when a
 * position is asked for, so valid JSON costs a syntax scan and `JSON.parse`.
 */
export function parseDefinition(source: string | Json): ParseResult {
  if (typeof source !== 'string') return { ok: true, definition: source, locate: noPositions };
  const json = looksLikeJson(source);
  // Before the recursive syntax scan, JSON.parse or the YAML parser sees it.
  if (json ? jsonTooDeep(source) : yamlTooDeep(source)) return invalid(tooDeepMessage('The definition'), undefined);
  if (json) {
    const syntax = findJsonSyntaxError(source);
    if (syntax) return invalid(syntax.message, positionOf(source, syntax.offset));
    let tree: Tree | undefined;
    return {
      ok: true,
      definition: JSON.parse(source) as Json,
      locate: (pointer) => locate((tree ??= readTree(source)), pointer),
    };
  }
  const tree = readTree(source);
  if (tree.doc.errors.length > 0) {
    const first = tree.doc.errors[0];
    const pos = first.linePos?.[0];
    return invalid(first.message, pos ? { line: pos.line, column: pos.col } : undefined);
  }
  return { ok: true, definition: tree.doc.toJS() as Json, locate: (pointer) => locate(tree, pointer) };
}

/** The text is read as JSON, strictly: malformed JSON is an error, never YAML's reading of it. */
function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

interface Tree {
  doc: Document;
  lineCounter: LineCounter;
}

function readTree(source: string): Tree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false });
  return { doc, lineCounter };
}

function invalid(message: string, position: SourcePosition | undefined): ParseResult {
  const diagnostic = error(DiagnosticCodes.InvalidJson, message, '/');
  return { ok: false, diagnostics: [{ ...diagnostic, ...position }] };
}

function positionOf(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Splits "Choices[0]" into the key and its indexes; a plain key has none. */
function indexSuffixes(segment: string): { key: string; indexes: number[] } {
  const match = /^(.*?)((?:\[\d+\])+)$/.exec(segment);
  if (!match) return { key: segment, indexes: [] };
  return { key: match[1], indexes: [...match[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])) };
}

function locate({ doc, lineCounter }: Tree, pointer: string): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  const segments = pointer === '/' || pointer === '' ? [] : pointer.slice(1).split('/');
  let i = 0;
  while (i < segments.length) {
    if (!isMap(node)) return undefined;
    const map = node;
    // A state name may itself contain "/": prefer the longest run of segments that is a key.
    let matched = false;
    for (let end = segments.length; end > i && !matched; end--) {
      const joined = segments.slice(i, end).join('/');
      for (const candidate of [joined, indexSuffixes(joined).key]) {
        const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === candidate);
        if (!pair) continue;
        node = pair.value;
        offset = rangeStart(pair.key) ?? offset;
        if (candidate !== joined) {
          for (const index of indexSuffixes(joined).indexes) {
            if (!isSeq(node)) return undefined;
            node = node.items[index];
            offset = rangeStart(node) ?? offset;
          }
        }
        i = end;
        matched = true;
        break;
      }
    }
    if (!matched) return undefined;
  }
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: [number, number, number] | null }).range;
  return range ? range[0] : undefined;
}

/**
 * How deeply a JSON or YAML text nests, found by one linear, iterative pass over its characters
 * (no recursion, no regex), so that a text too deep for a recursive parser, printer or regex is
 * refused before any of them sees it. The scan stops as soon as `limit` is passed.
 */
import { MAX_JSON_DEPTH } from './limits.js';

export { MAX_JSON_DEPTH };

/** True when the JSON text nests arrays/objects deeper than `limit`. Brackets inside strings do not count. */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * True when the YAML text nests deeper than `limit`: flow collections (`[`, `{`) outside quotes and
 * comments, plus block nesting (each deeper indentation, each `- ` or `? ` entry that opens a
 * collection on the same line). An over-estimate is harmless: only absurd texts reach the limit.
 */
export function yamlTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // One line: its indentation, its block entries, then its flow characters.
    let indent = 0;
    while (i < n && text.charCodeAt(i) === 0x20) {
      indent++;
      i++;
    }
    const blank = i >= n || text[i] === '\n' || text[i] === '\r' || text[i] === '#';
    if (!blank && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - x" and "? ? x" open one collection per indicator on the same line.
      while (i + 1 < n && (text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        i += 2;
        indent += 2;
        while (i < n && text.charCodeAt(i) === 0x20) {
          i++;
          indent++;
        }
        indents.push(indent);
        if (indents.length > limit) return true;
      }
      if (indents.length > limit) return true;
    }
    let quote = 0;
    for (; i < n && text[i] !== '\n'; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (quote === 0x22 && c === 0x5c) i++;
        else if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x23 && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else if (c === 0x5b || c === 0x7b) {
        if (flow + indents.length + 1 > limit) return true;
        flow++;
      } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    }
    i++;
  }
  return false;
}

/** The message every refusal uses, naming the limit. */
export function tooDeepMessage(what: string, limit = MAX_JSON_DEPTH): string {
  return `${what} nests arrays and objects more than ${limit} levels deep`;
}

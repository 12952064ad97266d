/**
 * Nesting depth of JSON and YAML text, measured by one linear pass with a counter (no recursion,
 * no regex), so text of any depth is answered in constant stack before a recursive parser sees it.
 */
import { MAX_JSON_DEPTH } from './limits.js';

/**
 * The deepest nesting of `[`/`{` in JSON text, ignoring brackets inside strings; the scan stops
 * as soon as `limit` is exceeded (returns limit + 1). Malformed text is measured all the same.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (depth > 0) depth--;
    }
  }
  return max;
}

/**
 * An upper bound of the nesting of YAML text: block levels (the stack of indentations, kept in an
 * array), `- ` and `key: ` introducers that open a level on the same line, and flow brackets
 * outside quotes and comments. Stops as soon as `limit` is exceeded.
 */
export function yamlDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  const indents: number[] = [];
  let flow = 0;
  let max = 0;
  let quote = 0; // 0, or the char code of the open quote (flow scalars may span lines)
  let i = 0;
  while (i < text.length) {
    // One line: [i, end).
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    let j = i;
    while (j < end && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++;
    const blank = j >= end || text.charCodeAt(j) === 0x23 /* # */ || text.charCodeAt(j) === 0x0d;
    if (!blank && quote === 0 && flow === 0) {
      const indent = j - i;
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
    }
    let inline = 0;
    let atStart = true;
    for (; j < end; j++) {
      const c = text.charCodeAt(j);
      if (quote !== 0) {
        if (quote === 0x22 && c === 0x5c) j++;
        else if (c === quote) quote = 0;
        continue;
      }
      if (c === 0x22 || c === 0x27) {
        quote = c;
        atStart = false;
      } else if (c === 0x23 && (j === i || text.charCodeAt(j - 1) === 0x20 || text.charCodeAt(j - 1) === 0x09)) {
        break; // a comment
      } else if (c === 0x5b || c === 0x7b) {
        flow++;
        atStart = false;
      } else if (c === 0x5d || c === 0x7d) {
        if (flow > 0) flow--;
      } else if ((c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a) /* : */ && isSpaceAt(text, j + 1, end)) {
        // "- - x", "? x", "a: b" open a level on the line; a dash counts only where an item may start.
        if (c !== 0x2d || atStart) inline++;
      } else if (c !== 0x20 && c !== 0x09) {
        atStart = false;
      }
      const depth = indents.length + inline + flow;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    }
    const depth = indents.length + flow;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    i = end + 1;
  }
  return max;
}

function isSpaceAt(text: string, at: number, end: number): boolean {
  if (at >= end) return true;
  const c = text.charCodeAt(at);
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/** The message every edge uses for text nested too deep. */
export function depthMessage(what: string, limit = MAX_JSON_DEPTH): string {
  return `${what} is nested deeper than the limit of ${limit} levels of arrays and objects`;
}

/** True when JSON text nests deeper than `limit` (MAX_JSON_DEPTH by default). */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  return jsonDepth(text, limit) > limit;
}

/** True when JSON or YAML text nests deeper than `limit` (MAX_JSON_DEPTH by default). */
export function yamlTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  return yamlDepth(text, limit) > limit;
}

/** The depth of a parsed value, iteratively, stopping past `limit`. */
export function valueDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth]);
    }
  }
  return max;
}

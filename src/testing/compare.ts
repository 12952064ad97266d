/**
 * Comparing JSON for test expectations: exactly, or as a subset (every key the expectation names
 * has a matching value; arrays match item by item and must have the same length). Differences are
 * listed by JSONPath so a failure says where the values part.
 */
import { isJsonObject, jsonEquals, type Json } from '../json.js';

export interface Difference {
  path: string;
  expected?: Json;
  actual?: Json;
  /** "missing" (the actual value has no such key), "unexpected" (exact match only), or "differs". */
  kind: 'missing' | 'unexpected' | 'differs';
}

const key = (path: string, k: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;

export function differences(expected: Json, actual: Json | undefined, subset: boolean, path = '$'): Difference[] {
  if (actual === undefined) return [{ path, expected, kind: 'missing' }];
  if (isJsonObject(expected) && isJsonObject(actual)) {
    const out: Difference[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (!Object.prototype.hasOwnProperty.call(actual, k))
        out.push({ path: key(path, k), expected: v, kind: 'missing' });
      else out.push(...differences(v, actual[k], subset, key(path, k)));
    }
    if (!subset)
      for (const [k, v] of Object.entries(actual))
        if (!Object.prototype.hasOwnProperty.call(expected, k))
          out.push({ path: key(path, k), actual: v, kind: 'unexpected' });
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length)
    return expected.flatMap((item, i) => differences(item, actual[i], subset, `${path}[${i}]`));
  return jsonEquals(expected, actual) ? [] : [{ path, expected, actual, kind: 'differs' }];
}

export const matchesSubset = (expected: Json, actual: Json | undefined) =>
  differences(expected, actual, true).length === 0;

const show = (value: Json | undefined) => (value === undefined ? '(nothing)' : JSON.stringify(value));

/** One line per difference: `$.a.b: expected 1, got 2`. */
export function describeDifferences(list: readonly Difference[]): string[] {
  return list.map((d) => {
    switch (d.kind) {
      case 'missing':
        return `${d.path}: expected ${show(d.expected)}, but it is missing`;
      case 'unexpected':
        return `${d.path}: not expected, got ${show(d.actual)}`;
      case 'differs':
        return `${d.path}: expected ${show(d.expected)}, got ${show(d.actual)}`;
    }
  });
}

/** `- expected` / `+ actual` lines of both values as indented JSON, for a failure report. */
export function sideBySide(expected: Json | undefined, actual: Json | undefined): string[] {
  const lines = (v: Json | undefined) => (v === undefined ? ['(nothing)'] : JSON.stringify(v, null, 2).split('\n'));
  return [...lines(expected).map((l) => `- ${l}`), ...lines(actual).map((l) => `+ ${l}`)];
}

/** A string expectation: the exact text, or `{ pattern }` (a regular expression). */
export type TextExpectation = string | RegExp | { pattern: string };

export function textMatches(expected: TextExpectation, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (typeof expected === 'string') return expected === actual;
  if (expected instanceof RegExp) return new RegExp(expected.source, expected.flags.replace(/[gy]/g, '')).test(actual);
  return new RegExp(expected.pattern, 'u').test(actual);
}

export const showText = (expected: TextExpectation) =>
  typeof expected === 'string'
    ? JSON.stringify(expected)
    : expected instanceof RegExp
      ? String(expected)
      : `/${expected.pattern}/`;

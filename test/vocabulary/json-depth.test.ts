/** Nesting depth measured on text by one linear pass, before any recursive parser sees it. */
import { describe, expect, it } from 'vitest';
import { jsonDepth, jsonTooDeep, valueDepth, yamlDepth, yamlTooDeep } from '../../src/vocabulary/json-depth.js';
import { MAX_JSON_DEPTH } from '../../src/vocabulary/limits.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('JSON text depth', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('["\\"[[[[", "\\\\", [1]]')).toBe(2);
  });

  it('answers for text nested 1,000,000 levels deep without recursion, in linear time', () => {
    const text = nested(1_000_000);
    const started = performance.now();
    expect(jsonDepth(text)).toBe(1_000_000);
    expect(jsonTooDeep(text)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops past the limit', () => {
    expect(jsonDepth(nested(100_000), 10)).toBe(11);
  });

  it('the limit is MAX_JSON_DEPTH: that many levels pass, one more does not', () => {
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });
});

describe('YAML text depth', () => {
  it('counts block levels by indentation', () => {
    const text = ['StartAt: A', 'States:', '  A:', '    Type: Pass', '    End: true', 'Comment: x'].join('\n');
    expect(yamlDepth(text)).toBeGreaterThanOrEqual(3);
    expect(yamlDepth(text)).toBeLessThan(8);
  });

  it('counts flow brackets, and dashes that open sequences on one line', () => {
    expect(yamlDepth('a: ' + nested(50))).toBeGreaterThanOrEqual(50);
    expect(yamlDepth('- '.repeat(50) + 'x')).toBeGreaterThanOrEqual(50);
  });

  it('ignores brackets in quotes and comments', () => {
    expect(yamlDepth(`a: "[[[[[[" # {{{{{{{\nb: '{{{{{'`)).toBeLessThan(4);
  });

  it('answers for 1,000,000 levels of flow brackets or indentation without recursion', () => {
    expect(yamlTooDeep('a: ' + nested(1_000_000))).toBe(true);
    const lines = Array.from({ length: 5000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n');
    expect(yamlTooDeep(lines)).toBe(true);
  });
});

describe('value depth', () => {
  it('measures a parsed value iteratively', () => {
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(valueDepth(v)).toBe(200_000);
    expect(valueDepth({ a: [1, { b: {} }] })).toBe(4);
  });
});

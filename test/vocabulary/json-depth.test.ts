import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonTooDeep, yamlTooDeep } from '../../src/vocabulary/json-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the JSON depth scan', () => {
  it('accepts exactly MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('counts objects and arrays alike', () => {
    expect(jsonTooDeep('{"a":'.repeat(3) + '1' + '}'.repeat(3), 3)).toBe(false);
    expect(jsonTooDeep('{"a":['.repeat(2) + '1' + ']}'.repeat(2), 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ s: '[[[[[[' }), 2)).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ s: '\\"[[[[' }), 2)).toBe(false);
  });

  it('measures depth, not the number of brackets: siblings do not add up', () => {
    expect(jsonTooDeep(JSON.stringify(Array.from({ length: 10_000 }, () => [[1]])), 3)).toBe(false);
  });

  it('answers a 1,000,000-deep text quickly and without recursion', () => {
    const text = nested(1_000_000);
    const started = performance.now();
    expect(jsonTooDeep(text, 2_000_000)).toBe(false); // the whole text scanned: no stack overflow
    expect(jsonTooDeep(text)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('the YAML depth scan', () => {
  it('counts flow collections like JSON', () => {
    expect(yamlTooDeep(`a: ${nested(MAX_JSON_DEPTH - 2)}`)).toBe(false);
    expect(yamlTooDeep(`a: ${nested(MAX_JSON_DEPTH + 1)}`)).toBe(true);
  });

  it('counts block nesting by indentation', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(yamlTooDeep(lines, 25)).toBe(false);
    expect(yamlTooDeep(lines, 10)).toBe(true);
  });

  it('counts "- - -" entries on one line as nested sequences', () => {
    expect(yamlTooDeep(`${'- '.repeat(20)}x`, 10)).toBe(true);
    expect(yamlTooDeep(`${'- '.repeat(5)}x`, 10)).toBe(false);
  });

  it('ignores brackets in quotes and comments', () => {
    expect(yamlTooDeep(`a: "[[[[[["\nb: '{{{{{{' # [[[[[[`, 3)).toBe(false);
  });

  it('answers a 1,000,000-deep text quickly', () => {
    const started = performance.now();
    expect(yamlTooDeep(`a: ${nested(1_000_000)}`)).toBe(true);
    expect(yamlTooDeep(`${'- '.repeat(1_000_000)}x`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

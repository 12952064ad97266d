import { describe, expect, it } from 'vitest';
import { jsonEquals } from '../src/json.js';

describe('jsonEquals', () => {
  it('ignores object key order', () => {
    expect(jsonEquals({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
  });
  it('tells arrays of different order apart', () => {
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
  });
  it('tells null from a missing value apart', () => {
    expect(jsonEquals(null, undefined)).toBe(false);
  });
});

/**
 * The payload walk measures a value's JSON text exactly (UTF-8 bytes) without building it: a value
 * of exactly the quota fits, one byte more is too large, and nesting past the depth limit is
 * reported before size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { measurePayload } from '../../src/interpreter/payload-size.js';

/** Strings JSON writes without escapes: the walk counts escapes as one byte (a close lower bound). */
const plainString = fc.string({ unit: 'binary' }).filter((s) => JSON.stringify(s).length === s.length + 2);
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    plainString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(plainString, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const bytes = (v: Json) => Buffer.byteLength(JSON.stringify(v));

describe('measurePayload', () => {
  it('a value of exactly the limit fits, and one byte under the value is too large', () => {
    fc.assert(
      fc.property(json, (v) => {
        const size = bytes(v);
        expect(measurePayload(v, size)).toBe('fits');
        expect(measurePayload(v, size - 1)).toBe('too large');
      }),
      { numRuns: 500 },
    );
  });

  it('counts multi-byte characters as their UTF-8 length', () => {
    const v = { clé: ['€', '𝄞', 'ß'] };
    expect(measurePayload(v, bytes(v))).toBe('fits');
    expect(measurePayload(v, bytes(v) - 1)).toBe('too large');
  });

  it('nesting past the depth limit is too deep, even when the value is also too large', () => {
    let deep: Json = 'x'.repeat(1000);
    for (let i = 0; i < 10; i++) deep = [deep];
    // Ten arrays nest ten deep: over a limit of 9, within a limit of 10.
    expect(measurePayload(deep, 100, 9)).toBe('too deep');
    expect(measurePayload(deep, 100, 10)).toBe('too large');
    expect(measurePayload(deep, 100, Infinity)).toBe('too large');
  });
});

/**
 * "Did you mean" suggestions: the nearest defined name within one edit per three letters, and
 * nothing for names longer than AWS allows (80 characters), whose distances would cost the product
 * of the lengths: a mutated definition with a 100,000-character Next once ran the server out of memory.
 */
import { describe, expect, it } from 'vitest';
import { nearestName } from '../../src/asl/suggest.js';
import { validateDefinition } from '../../src/asl/validate.js';

describe('nearestName', () => {
  it('suggests the nearest name within one edit in three letters, a swapped pair counting as one', () => {
    expect(nearestName('ChargeCrad', ['ChargeCard', 'Ship'])).toBe('ChargeCard');
    expect(nearestName('chargecard', ['ChargeCard'])).toBe('ChargeCard');
    expect(nearestName('Sihp', ['Ship', 'Done'])).toBe('Ship');
    expect(nearestName('Xyz', ['Ship', 'Done'])).toBeUndefined();
  });

  it('suggests nothing for a name longer than 80 characters, or among names that long', () => {
    expect(nearestName('A'.repeat(100_000), ['A'.repeat(100_000 - 1), 'Ship'])).toBeUndefined();
    expect(nearestName('Ship', ['S'.repeat(100_000)])).toBeUndefined();
  });

  it('a definition whose Next is 100,000 characters long validates with its diagnostics, not out of memory', () => {
    const next = '"'.repeat(100_000);
    const definition = {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.v', BooleanEquals: true, Next: next }], Default: next + 'x' },
      },
    };
    const result = validateDefinition(JSON.stringify(definition), {});
    expect(result.result).toBe('FAIL');
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});

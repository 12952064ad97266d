/**
 * The Retry decision executions and TestState share (errors/retry.ts): the first retrier whose
 * ErrorEquals matches decides, with the backoff of its next attempt.
 */
import { describe, expect, it } from 'vitest';
import type { Retrier } from '../../src/interpreter/compiled.js';
import { compileRetry, decideRetry } from '../../src/interpreter/errors/retry.js';

const retriers: Retrier[] = compileRetry([
  { ErrorEquals: ['Custom'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 3 },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5, MaxDelaySeconds: 4, JitterStrategy: 'FULL' },
]);
const half = () => 0.5;

describe('decideRetry', () => {
  it('the first matching retrier decides, with the backoff of the attempt it is at', () => {
    expect(decideRetry(retriers, [], 'Custom', half)).toEqual({ retryIndex: 0, attempt: 0, backoffMs: 2000 });
    expect(decideRetry(retriers, [1], 'Custom', half)).toEqual({ retryIndex: 0, attempt: 1, backoffMs: 6000 });
  });

  it('an exhausted retrier means no retry, even when a later retrier matches too', () => {
    expect(decideRetry(retriers, [2], 'Custom', half)).toBeUndefined();
  });

  it('MaxDelaySeconds caps the backoff before FULL jitter scales it', () => {
    expect(decideRetry(retriers, [0, 3], 'Other', half)).toEqual({ retryIndex: 1, attempt: 3, backoffMs: 2000 });
  });

  it('States.ALL does not match States.Runtime, so nothing retries it', () => {
    expect(decideRetry(retriers, [], 'States.Runtime', half)).toBeUndefined();
  });
});

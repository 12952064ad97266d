import { integerArg, intrinsicFailure, numberArg, plain, type IntrinsicDefinition } from './definition.js';
import { javaRandomNextInt } from './java-random.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * AWS: "If you specify a non-integer value ... Step Functions will round it off to the nearest integer."
 * The corpus shows Java's Math.round (half up: -2.5 → -2, 2.5 → 3), which is JavaScript's Math.round too.
 */
function roundedIntArg(fn: string, args: Parameters<typeof numberArg>[1], index: number): number {
  const rounded = Math.round(numberArg(fn, args, index)) + 0; // + 0 turns -0 into 0
  if (rounded < INT_MIN || rounded > INT_MAX) {
    throw intrinsicFailure(fn, `the values must be integers in the range ${INT_MIN} to ${INT_MAX}, but got ${rounded}`);
  }
  return rounded;
}

export const mathFunctions: Record<string, IntrinsicDefinition> = {
  'States.MathAdd': plain(2, 2, (args) => {
    const fn = 'States.MathAdd';
    return roundedIntArg(fn, args, 0) + roundedIntArg(fn, args, 1);
  }),

  /** A random integer with start ≤ n < end; with a seed the result is the same on every run. */
  'States.MathRandom': plain(2, 3, (args, scope) => {
    const fn = 'States.MathRandom';
    const start = roundedIntArg(fn, args, 0);
    const end = roundedIntArg(fn, args, 1);
    if (end <= start)
      throw intrinsicFailure(fn, `the end number (${end}) must be greater than the start number (${start})`);
    const bound = end - start;
    if (args.length === 3) return start + javaRandomNextInt(integerArg(fn, args, 2), bound);
    return start + Math.floor(scope.runtime.random() * bound);
  }),
};

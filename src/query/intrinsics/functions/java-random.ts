/**
 * `new java.util.Random(seed).nextInt(bound)`: the seeded generator Step Functions' Java runtime most
 * plausibly uses, so seeded States.MathRandom calls are deterministic (48-bit LCG, done in BigInt).
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export function javaRandomNextInt(seed: number, bound: number): number {
  let state = (BigInt(seed) ^ MULTIPLIER) & MASK;
  const next31 = (): number => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return Number(state >> 17n);
  };
  if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next31())) >> 31n);
  for (;;) {
    const bits = next31();
    const value = bits % bound;
    if (bits - value + (bound - 1) <= 0x7fffffff) return value; // Java rejects draws that overflow int
  }
}

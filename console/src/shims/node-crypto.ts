/** Browser stand-in for node:crypto: the validator only compiles expressions, it never hashes. */
export function createHash(): never {
  throw new Error('createHash is not available in the console');
}

/**
 * A UUID derived from a seed (name-based, version 5 layout over SHA-256): the same seed gives the
 * same UUID, so a child an engine starts again after a restart gets the name it had.
 */
import { createHash } from 'node:crypto';

export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Whether the previous server on a data directory stopped cleanly: its close() ran to the end and
 * left a marker file, which the next start takes (reads and removes). A process that crashed, or
 * was killed, left none: then recovery counts a process ending for every execution it had in
 * flight (src/engine/durable/poison.ts); after a clean stop it counts nothing.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = 'stopped-cleanly';

/** True if the previous server here stopped cleanly; the marker is gone afterwards either way. */
export function takeCleanStopMarker(dataDir: string): boolean {
  const file = join(dataDir, MARKER);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

export function leaveCleanStopMarker(dataDir: string): void {
  writeFileSync(join(dataDir, MARKER), `${new Date().toISOString()}\n`);
}

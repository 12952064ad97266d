/**
 * The server's clock mode: `real` (the default) or `virtual` (`--clock virtual`, STEPWISE_CLOCK),
 * where time stands still until the API moves it (src/api/clock-routes.ts).
 *
 * Across a restart on the same SQLite data directory the virtual clock carries on from where it
 * was (kept in `<dataDir>/virtual-clock.json` after every move): the executions stored there have
 * timestamps and timer rows in virtual time, and starting again at real time could put the clock
 * before them (history going backwards, timers years away). With no data directory of its own
 * (a store given to startServer) it starts at real time.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from './engine/virtual-clock.js';

export type ClockMode = 'real' | 'virtual';

export const VIRTUAL_CLOCK_FILE = 'virtual-clock.json';

/** The mode from its setting (option or STEPWISE_CLOCK); undefined is real. Throws a message for a bad one. */
export function parseClockMode(text: string | undefined): ClockMode {
  if (text === undefined || text.trim() === '') return 'real';
  const mode = text.trim().toLowerCase();
  if (mode === 'real' || mode === 'virtual') return mode;
  throw new Error(`invalid clock mode '${text}': expected real or virtual`);
}

/** A virtual clock, kept in `dataDir` when given; and where it started from, for the log. */
export function openVirtualClock(
  dataDir: string | undefined,
  realNow: number = Date.now(),
): { clock: VirtualClock; resumed: boolean } {
  if (dataDir === undefined) return { clock: new VirtualClock(realNow), resumed: false };
  const file = join(dataDir, VIRTUAL_CLOCK_FILE);
  const saved = readSaved(file);
  const save = (epochMs: number) => {
    const temp = `${file}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ now: new Date(epochMs).toISOString(), epochMillis: epochMs })}\n`);
    renameSync(temp, file);
  };
  const clock = new VirtualClock(saved ?? realNow, save);
  if (saved === undefined) save(realNow);
  return { clock, resumed: saved !== undefined };
}

function readSaved(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const { epochMillis } = JSON.parse(text) as { epochMillis?: unknown };
    if (typeof epochMillis === 'number' && Number.isFinite(epochMillis)) return epochMillis;
  } catch {
    // fall through
  }
  throw new Error(`${file} is not a virtual clock file (delete it to start the virtual clock at real time)`);
}

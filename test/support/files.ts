/** Temp directories for tests: made fresh under the system temp directory, removed by the caller. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix = 'stepwise-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

// Results files: bench/results/<prefix><ISO date>.json and bench/results/<prefix>latest.json.
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { URL } from 'node:url';

/** The checked-out commit and whether src/ has uncommitted changes ('unknown' and false outside a git checkout). */
export function gitState() {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
    dirty = execSync('git status --porcelain -- src', { encoding: 'utf8' }).trim() !== '';
  } catch {
    // not a git checkout
  }
  return { commit, srcDirty: dirty };
}

/**
 * Writes `report` (pretty JSON) to bench/results/ twice: stamped with `date` and as the latest.
 * Returns the two paths as the scripts print them (`bench/results/...`).
 */
export async function writeResults(prefix, date, report) {
  const directory = new URL('../results/', import.meta.url);
  await mkdir(directory, { recursive: true });
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(new URL(`${prefix}${stamp}.json`, directory), text);
  await writeFile(new URL(`${prefix}latest.json`, directory), text);
  return { stamped: `bench/results/${prefix}${stamp}.json`, latest: `bench/results/${prefix}latest.json` };
}

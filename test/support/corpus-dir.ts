/**
 * Where the AWS-recorded conformance corpus is, and whether it is there. It lives beside the
 * checkout (`../shared/conformance`), which a clone of this repository alone does not have: then
 * every corpus-driven test is skipped (the vitest setup prints one line saying so), and the rest of
 * the suite runs. STEPWISE_REQUIRE_CONFORMANCE=1 (CI) makes a missing corpus a failure instead.
 *
 * STEPWISE_CONFORMANCE_DIR names a copy: the corpus folder or its `cases/` folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function casesDir(): string {
  const given = process.env.STEPWISE_CONFORMANCE_DIR || process.env.STEPWISE_CONFORMANCE_CASES || undefined;
  if (given === undefined) return resolve(repoRoot, '..', 'shared', 'conformance', 'cases');
  const dir = resolve(given);
  return existsSync(join(dir, 'cases')) ? join(dir, 'cases') : dir;
}

/** The corpus's `cases/` folder (one subfolder per group of `<case>.json` files). */
export const CONFORMANCE_CASES_DIR = casesDir();

/** Whether the corpus is there; the corpus-driven tests skip when it is not. */
export const conformanceAvailable = existsSync(CONFORMANCE_CASES_DIR);

/** STEPWISE_REQUIRE_CONFORMANCE=1: a missing corpus fails the run (CI sets it). */
export const conformanceRequired = process.env.STEPWISE_REQUIRE_CONFORMANCE === '1';

/** The one line a run without the corpus prints: what is skipped, and how to run it. */
export const conformanceMissingNote = (what = 'the tests driven by its AWS-recorded cases are'): string =>
  `conformance corpus not found at ${CONFORMANCE_CASES_DIR}: ${what} skipped (set STEPWISE_CONFORMANCE_DIR to a copy of the corpus, e.g. shared/conformance, to run them)`;

/** Why a run that requires the corpus cannot start, or undefined. */
export const conformanceRequiredError = (): string | undefined =>
  !conformanceAvailable && conformanceRequired
    ? `the conformance corpus is missing at ${CONFORMANCE_CASES_DIR}, and STEPWISE_REQUIRE_CONFORMANCE=1 requires it (set STEPWISE_CONFORMANCE_DIR to a copy)`
    : undefined;

/** The corpus's groups, sorted; none without the corpus. */
export function corpusGroups(): string[] {
  return conformanceAvailable ? readdirSync(CONFORMANCE_CASES_DIR).sort() : [];
}

/** A group's folder. */
export const corpusGroupDir = (group: string): string => join(CONFORMANCE_CASES_DIR, group);

/** The `.json` case files of one group, sorted, as full paths; none without the corpus. */
export function corpusGroupFiles(group: string): string[] {
  if (!conformanceAvailable) return [];
  const dir = corpusGroupDir(group);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => join(dir, file));
}

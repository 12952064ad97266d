/**
 * `npm run conformance`: every case of the AWS-recorded corpus through the library API.
 * Fails when a case not on the allow-list fails, or when an allow-listed case now passes
 * (so the allow-list only shrinks). Prints per-group counts and "N passed, M failed".
 */
import { loadAllowList, loadCases, runCase, allowListPath } from '../test/conformance/corpus.js';

const verbose = process.argv.includes('--verbose');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

async function main(): Promise<number> {
  const cases = loadCases().filter((c) => !only || c.id.startsWith(only));
  const allow = loadAllowList();
  const groups = new Map<string, { passed: number; failed: number }>();
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    let problem: string | undefined;
    try {
      problem = await runCase(c);
    } catch (e) {
      problem = `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
    const g = groups.get(c.group) ?? { passed: 0, failed: 0 };
    groups.set(c.group, g);
    if (problem === undefined) {
      passed++;
      g.passed++;
      if (c.id in allow) nowPassing.push(c.id);
    } else {
      failed++;
      g.failed++;
      if (!(c.id in allow)) unexpected.push(`${c.id}: ${problem}`);
      else if (verbose) console.log(`allowed failure ${c.id}: ${problem}`);
    }
  }
  for (const [group, g] of [...groups].sort()) {
    const total = g.passed + g.failed;
    console.log(`${group.padEnd(20)} ${String(g.passed).padStart(4)}/${String(total).padEnd(4)} ${((100 * g.passed) / total).toFixed(1)}%`);
  }
  for (const line of unexpected) console.log(`\nFAIL ${line}`);
  for (const id of nowPassing) console.log(`\nNOW PASSING (remove from ${allowListPath}): ${id}`);
  const stale = Object.keys(allow).filter((id) => !cases.some((c) => c.id === id));
  if (!only) for (const id of stale) console.log(`\nSTALE allow-list entry (no such case): ${id}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  return unexpected.length > 0 || nowPassing.length > 0 || (!only && stale.length > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`conformance: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);

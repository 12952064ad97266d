/**
 * `npm run conformance`: every case of the AWS-recorded corpus through the library API.
 * `--transport=http`: every case through the real server (in-process, SQLite in a temp folder) and
 * the AWS SDK instead (see test/conformance/http.ts). `--store=postgres` with it: the server is one
 * cluster node on a fresh PostgreSQL schema (STEPWISE_DATABASE_URL, default the local `test`
 * database), dropped afterwards; skipped with a note when there is no PostgreSQL, unless
 * STEPWISE_REQUIRE_POSTGRES=1.
 *
 * Fails when a case not on the allow-list fails, or when an allow-listed case now passes
 * (so the allow-list only shrinks). Prints per-group counts and "N passed, M failed".
 * Allow-list keys: `group/name` allows a failure on every transport; `http:group/name` only over HTTP;
 * `links:group/name` only a difference in the history's links (which event each event follows).
 */
import {
  allowListPath,
  LINKS_PROBLEM,
  conformanceAvailable,
  conformanceMissingNote,
  loadAllowList,
  loadCases,
  runCase,
  type Case,
} from '../test/conformance/corpus.js';
import { conformanceRequiredError } from '../test/support/corpus-dir.js';
import { runCasesOverHttp, type HttpCaseResult, type HttpStore } from '../test/conformance/http.js';
import {
  databaseUrl,
  dropSchemas,
  freshSchema,
  postgresRequired,
  unreachableReason,
} from '../test/store/postgres-helper.js';

const HTTP_PREFIX = 'http:';
const LINKS_PREFIX = 'links:';
const verbose = process.argv.includes('--verbose');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const transportArg = process.argv.find((a) => a.startsWith('--transport='))?.slice('--transport='.length) ?? 'library';
const storeArg = process.argv.find((a) => a.startsWith('--store='))?.slice('--store='.length) ?? 'sqlite';

/** Where the HTTP run keeps its data; undefined when PostgreSQL was asked for and is not there (skipped). */
async function httpStore(): Promise<HttpStore | undefined> {
  if (storeArg === 'sqlite') return { kind: 'sqlite' };
  if (storeArg !== 'postgres') throw new Error(`unknown --store=${storeArg}: expected sqlite or postgres`);
  const unreachable = await unreachableReason();
  if (unreachable !== undefined) {
    if (postgresRequired) throw new Error(`no PostgreSQL at ${databaseUrl}: ${unreachable}`);
    console.log(
      `conformance over HTTP on PostgreSQL skipped: no PostgreSQL at ${databaseUrl} (${unreachable}). Set STEPWISE_DATABASE_URL, or STEPWISE_REQUIRE_POSTGRES=1 to fail instead.`,
    );
    return undefined;
  }
  return { kind: 'postgres', databaseUrl, schema: freshSchema() };
}

async function runInProcess(cases: Case[]): Promise<Map<string, HttpCaseResult>> {
  const results = new Map<string, HttpCaseResult>();
  for (const c of cases) {
    try {
      const problem = await runCase(c);
      results.set(c.id, problem === undefined ? {} : { problem });
    } catch (e) {
      results.set(c.id, { problem: `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
    }
  }
  return results;
}

async function main(): Promise<number> {
  if (transportArg !== 'library' && transportArg !== 'http')
    throw new Error(`unknown --transport=${transportArg}: expected library or http`);
  const http = transportArg === 'http';
  const required = conformanceRequiredError();
  if (required !== undefined) throw new Error(required);
  if (!conformanceAvailable) {
    const run = http
      ? `the corpus over HTTP${storeArg === 'postgres' ? ' on PostgreSQL' : ''} is`
      : 'the corpus through the library is';
    console.log(conformanceMissingNote(run));
    return 0;
  }
  const cases = loadCases().filter((c) => !only || c.id.startsWith(only));
  const allow = loadAllowList();
  const started = performance.now();
  const where = http ? await httpStore() : undefined;
  if (http && where === undefined) return 0;
  let results: Map<string, HttpCaseResult>;
  try {
    results = http ? await runCasesOverHttp(cases, where) : await runInProcess(cases);
  } finally {
    if (where?.kind === 'postgres') await dropSchemas();
  }

  const groups = new Map<string, { passed: number; failed: number; skipped: number }>();
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  const skippedLines: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    const result = results.get(c.id) ?? { problem: 'not run' };
    const g = groups.get(c.group) ?? { passed: 0, failed: 0, skipped: 0 };
    groups.set(c.group, g);
    // Over HTTP a case may carry its own entry; a plain entry allows it on every transport. A
    // `links:` entry allows only a history whose links differ (everything else matched AWS).
    const linksKey = `${LINKS_PREFIX}${c.id}`;
    const linksOnly = result.problem?.startsWith(LINKS_PROBLEM) ?? false;
    const allowKey =
      http && `${HTTP_PREFIX}${c.id}` in allow
        ? `${HTTP_PREFIX}${c.id}`
        : linksKey in allow && (linksOnly || result.problem === undefined)
          ? linksKey
          : c.id;
    if (result.skipped !== undefined) {
      skipped++;
      g.skipped++;
      skippedLines.push(`${c.id}: ${result.skipped}`);
    } else if (result.problem === undefined) {
      passed++;
      g.passed++;
      // An HTTP run reports only its own entries; plain ones are for the library run to report.
      // A `links:` entry is the library's to report (the same history comes over HTTP).
      if (allowKey in allow && (!http || allowKey.startsWith(HTTP_PREFIX))) nowPassing.push(allowKey);
    } else {
      failed++;
      g.failed++;
      if (!(allowKey in allow)) unexpected.push(`${c.id}: ${result.problem}`);
      else if (verbose) console.log(`allowed failure ${c.id}: ${result.problem}`);
    }
  }
  for (const [group, g] of [...groups].sort()) {
    const total = g.passed + g.failed;
    const skippedNote = g.skipped > 0 ? `  (${g.skipped} skipped)` : '';
    console.log(
      `${group.padEnd(20)} ${String(g.passed).padStart(4)}/${String(total).padEnd(4)} ${((100 * g.passed) / Math.max(total, 1)).toFixed(1)}%${skippedNote}`,
    );
  }
  for (const line of skippedLines) console.log(`\nSKIPPED ${line}`);
  for (const line of unexpected) console.log(`\nFAIL ${line}`);
  for (const id of nowPassing) console.log(`\nNOW PASSING (remove from ${allowListPath}): ${id}`);
  const stale = Object.keys(allow).filter((key) => {
    const id = key.replace(/^(http|links):/, '');
    return !cases.some((c) => c.id === id);
  });
  if (!only) for (const id of stale) console.log(`\nSTALE allow-list entry (no such case): ${id}`);
  const transport = http ? (where?.kind === 'postgres' ? 'over HTTP, PostgreSQL' : 'over HTTP') : 'through the library';
  console.log(
    `\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''} (${transport}, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return unexpected.length > 0 || nowPassing.length > 0 || (!only && stale.length > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`conformance: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);

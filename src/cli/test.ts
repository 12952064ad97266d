/**
 * `stepwise test [paths...]`: runs *.sfn-test.yaml / *.sfn-test.json files in process (mocks, a
 * fake clock), prints what failed and why, optionally as JUnit XML, with ASL coverage and a
 * threshold, once or on every change (--watch).
 *
 * Exit codes: 0 every test passed; 1 a test failed or coverage is below the threshold; 2 bad input
 * (a malformed test file, no test file found, bad options).
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { computeCoverage, coverageText, type MachineCoverage } from '../testing/coverage.js';
import { coverageHtml } from '../testing/coverage-html.js';
import { junitReport } from '../testing/junit.js';
import { runTestFile, type FileResult } from '../testing/runner.js';
import type { WorkflowRun } from '../testing/run.js';
import { ExitCode, UsageError, reportError, type CliIO, type CommandContext } from './common.js';

export interface TestOptions {
  reporter: 'text' | 'junit';
  output?: string;
  watch?: boolean;
  coverage?: boolean;
  coverageJson?: string;
  coverageHtml?: string;
  coverageThreshold?: number;
}

const TEST_FILE = /\.sfn-test\.(ya?ml|json)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.stepwise']);

/** The test files under the paths (files as given, folders searched), sorted. */
export async function findTestFiles(paths: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(full);
      else if (entry.isFile() && TEST_FILE.test(entry.name)) found.add(full);
    }
  };
  for (const path of paths.length === 0 ? ['.'] : paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`${path}: no such file or directory`);
    }
    if (info.isDirectory()) await walk(path);
    else found.add(path);
  }
  return [...found].sort();
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function textReport(files: readonly FileResult[], rel: (p: string) => string): string {
  const out: string[] = [];
  for (const file of files) {
    if (file.error !== undefined) {
      out.push(`✗ ${file.error}`);
      continue;
    }
    for (const test of file.tests) {
      const where = `${rel(file.file)}:${test.line} › ${test.name}`;
      if (test.passed) {
        out.push(`✓ ${where}`);
        continue;
      }
      out.push(`✗ ${where}`);
      for (const failure of test.failures) {
        out.push(`    ${failure.message}`);
        for (const detail of failure.details) out.push(`      ${detail}`);
      }
    }
    for (const warning of file.warnings) out.push(`warning: ${rel(file.file)}: ${warning}`);
  }
  return out.map((l) => `${l}\n`).join('');
}

function summary(files: readonly FileResult[]): string {
  const tests = files.flatMap((f) => f.tests);
  const passed = tests.filter((t) => t.passed).length;
  const broken = files.filter((f) => f.error !== undefined).length;
  const line = `${passed} passed, ${tests.length - passed} failed`;
  return broken > 0 ? `${line}\n${plural(broken, 'test file')} could not be run\n` : `${line}\n`;
}

function coverageOf(files: readonly FileResult[]): MachineCoverage[] {
  const byMachine = new Map<string, { definition: FileResult['definition']; runs: WorkflowRun[] }>();
  for (const file of files) {
    if (file.stateMachine === undefined || file.definition === undefined) continue;
    let entry = byMachine.get(file.stateMachine);
    if (!entry) byMachine.set(file.stateMachine, (entry = { definition: file.definition, runs: [] }));
    for (const test of file.tests) if (test.run) entry.runs.push(test.run);
  }
  return [...byMachine.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([machine, { definition, runs }]) => computeCoverage(machine, definition ?? {}, runs));
}

/** One pass over the test files; resolves to the exit code and the files it involved (for --watch). */
export async function runTests(
  paths: readonly string[],
  options: TestOptions,
  io: CliIO,
): Promise<{ code: ExitCode; watched: string[] }> {
  const cwd = process.cwd();
  const rel = (p: string) => relative(cwd, resolve(p)) || p;
  const testFiles = await findTestFiles(paths);
  if (testFiles.length === 0)
    throw new UsageError(
      `no test files (*.sfn-test.yaml, *.sfn-test.yml, *.sfn-test.json) found in ${paths.length === 0 ? '.' : paths.join(', ')}`,
    );
  const files: FileResult[] = [];
  for (const file of testFiles) files.push(await runTestFile(file));

  const junit = options.reporter === 'junit';
  const report = junit ? junitReport(files, rel) : textReport(files, rel);
  if (options.output !== undefined) await writeFile(options.output, report);
  else io.stdout(report);
  // With JUnit on stdout, the human lines go to stderr so stdout stays XML.
  const human = junit && options.output === undefined ? io.stderr : io.stdout;
  if (junit || options.output !== undefined)
    for (const f of files) for (const w of f.warnings) io.stderr(`warning: ${rel(f.file)}: ${w}\n`);
  human(summary(files));

  let coverageFailed = false;
  const wantsCoverage =
    options.coverage ||
    options.coverageJson !== undefined ||
    options.coverageHtml !== undefined ||
    options.coverageThreshold !== undefined;
  if (wantsCoverage) {
    const coverage = coverageOf(files);
    if (options.coverage || options.coverageThreshold !== undefined) human(coverageText(coverage, rel));
    if (options.coverageJson !== undefined)
      await writeFile(
        options.coverageJson,
        `${JSON.stringify(
          coverage.map((c) => ({ ...c, stateMachine: rel(c.stateMachine) })),
          null,
          2,
        )}\n`,
      );
    if (options.coverageHtml !== undefined)
      await writeFile(options.coverageHtml, await coverageHtml(coverage, files, rel));
    if (options.coverageThreshold !== undefined) {
      const below = coverage.filter((c) => c.percent < (options.coverageThreshold as number));
      for (const c of below)
        human(
          `coverage of ${rel(c.stateMachine)} is ${c.percent}%, below the threshold of ${options.coverageThreshold}%\n`,
        );
      coverageFailed = below.length > 0;
    }
  }

  const watched = new Set<string>(testFiles.map((f) => resolve(f)));
  for (const f of files) {
    if (f.stateMachine) watched.add(f.stateMachine);
    for (const read of f.reads) watched.add(read);
  }
  const code = files.some((f) => f.error !== undefined)
    ? ExitCode.Usage
    : files.some((f) => f.tests.some((t) => !t.passed)) || coverageFailed
      ? ExitCode.Failure
      : ExitCode.Ok;
  return { code, watched: [...watched] };
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Runs again on every change to a test file, a state machine it tests, or a file beside them. */
async function watchTests(paths: readonly string[], options: TestOptions, io: CliIO): Promise<never> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const once = async () => {
    let watched: string[] = [];
    try {
      watched = (await runTests(paths, options, io)).watched;
    } catch (error) {
      reportError(io, error);
    }
    io.stderr('watching for changes (Ctrl-C to stop)\n');
    for (const w of watchers) w.close();
    const dirs = new Set([
      // A folder (the functions) is watched itself, a file through its folder.
      ...watched.map((f) => (isDirectory(f) ? f : dirname(f))),
      ...(paths.length === 0 ? ['.'] : paths).map((p) => resolve(p)),
    ]);
    watchers = [...dirs].flatMap((dir) => {
      try {
        return [
          watch(dir, () => {
            clearTimeout(timer);
            timer = setTimeout(() => void once(), 150);
          }),
        ];
      } catch {
        return [];
      }
    });
  };
  await once();
  return new Promise<never>(() => undefined);
}

function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('expected a percentage from 0 to 100.');
  return n;
}

export function registerTest(program: Command, context: CommandContext): void {
  program
    .command('test')
    .description('run state machine tests (*.sfn-test.yaml / .json) with mocks and a fake clock')
    .argument('[paths...]', 'test files or folders to search (default: the current folder)')
    .addOption(new Option('--reporter <reporter>', 'text or junit').choices(['text', 'junit']).default('text'))
    .option('--output <file>', 'write the report to this file instead of stdout')
    .option('--watch', 'run again whenever a test file or state machine changes')
    .option('--coverage', 'report ASL coverage: states, Choice rules, Catch and Retry rules, branches')
    .option('--coverage-json <file>', 'write the coverage as JSON to this file')
    .option('--coverage-html <file>', 'write the coverage as an HTML page drawing each state machine')
    .addOption(
      new Option('--coverage-threshold <percent>', 'fail when a state machine is covered below this').argParser(
        parsePercent,
      ),
    )
    .action(async (paths: string[], options: TestOptions) => {
      try {
        if (options.watch) await watchTests(paths, options, context.io);
        context.setExitCode((await runTests(paths, options, context.io)).code);
      } catch (error) {
        context.setExitCode(reportError(context.io, error));
      }
    });
}

/** `stepwise check [--data-dir D]`: run SQLite's integrity_check on the data dir's database and report. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import Database from '../store/sqlite/driver.js';
import { integrityProblems } from '../store/sqlite/open-database.js';
import { classifyStoreFault, describeFault } from '../store/faults.js';
import { ExitCode, UsageError, reportError, type CliIO, type CommandContext } from './common.js';

export interface CheckOptions {
  dataDir: string;
}

/** Runs the check; resolves to the exit code (0 sound, 1 problems found, 2 cannot open) and never throws. */
export async function checkCommand(options: CheckOptions, io: CliIO): Promise<ExitCode> {
  const file = join(resolve(options.dataDir), 'stepwise.db');
  try {
    if (!existsSync(file)) throw new UsageError(`${file}: no such database`);
    const started = performance.now();
    let problems: string[];
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
      try {
        problems = integrityProblems(db, 'integrity_check', 100);
      } finally {
        db.close();
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
        throw new UsageError(`${file} is in use by a running Stepwise server (see ${file}.owner); stop it first`);
      const fault = classifyStoreFault(error);
      if (fault && (fault.kind === 'corrupt' || fault.kind === 'notadb')) problems = [describeFault(fault)];
      else throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ms = Math.round(performance.now() - started);
    if (problems.length === 0) {
      io.stdout(`${file}: OK (integrity_check, ${ms} ms)\n`);
      return ExitCode.Ok;
    }
    for (const problem of problems) io.stdout(`${file}: ${problem}\n`);
    io.stdout(`${file}: CORRUPT (${problems.length} problem${problems.length === 1 ? '' : 's'})\n`);
    return ExitCode.Failure;
  } catch (error) {
    return reportError(io, error);
  }
}

export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command('check')
    .description("check the data dir's SQLite database for corruption (integrity_check)")
    .option('--data-dir <dir>', 'where the SQLite database is kept', process.env.STEPWISE_DATA_DIR || '.stepwise')
    .action(async (options: CheckOptions) => {
      context.setExitCode(await checkCommand(options, context.io));
    });
}

/** The `stepwise` command line: global options, error handling and the list of commands. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, oneLine, reportError, type CliIO, type CommandContext } from './common.js';
import { registerBackup } from './backup.js';
import { registerCheck } from './check.js';
import { registerDeploy } from './deploy.js';
import { registerGraph } from './graph.js';
import { registerMocks } from './mocks.js';
import { registerRun } from './run.js';
import { registerRunFrom } from './run-from.js';
import { registerServe } from './serve.js';
import { registerTest } from './test.js';
import { registerValidate } from './validate.js';

/** Each command lives in its own module and adds itself to the program. */
type RegisterCommand = (program: Command, context: CommandContext) => void;

const COMMANDS: readonly RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerServe,
  registerGraph,
  registerCheck,
  registerBackup,
  registerDeploy,
  registerMocks,
  registerRunFrom,
  registerTest,
];

/** The package version; package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const { version } = JSON.parse(text) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('stepwise')
    .description('AWS Step Functions, self-hosted: run and check Amazon States Language state machines')
    .version(packageVersion(), '-V, --version')
    // Settings made before commands are added are inherited by them.
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // One line, like every other usage error ("(Did you mean ...?)" included).
      outputError: (text, write) => write(`stepwise: ${oneLine(text.replace(/^error: /, ''))}\n`),
    });
  for (const register of COMMANDS) register(program, context);
  return program;
}

/** Parses `argv` (without the node and script paths), runs the command and resolves to its exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram({
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Commander has already printed its message (or the help/version text).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return reportError(io, error);
  }
  return exitCode;
}

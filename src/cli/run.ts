/** `stepwise run <file>`: execute a state machine in memory and print its output. */
import type { Command } from 'commander';
import { execute, validate, type Diagnostic, type ExecuteResult } from '../index.js';
import type { Json } from '../json.js';
import {
  ExitCode,
  UsageError,
  definitionCommand,
  parseJsonInput,
  printDiagnostics,
  readDefinition,
  readTextFile,
  reportError,
  stateMachineTypeOption,
  type CliIO,
  type CommandContext,
  type StateMachineType,
} from './common.js';

export interface RunOptions {
  /** Execution input as JSON text. */
  input?: string;
  /** Path of a file holding the execution input as JSON. */
  inputFile?: string;
  /** Print the whole result object instead of just the output. */
  json?: boolean;
  type?: StateMachineType;
}

/** AWS's StartExecution defaults the input to an empty object. */
const DEFAULT_INPUT: Json = {};

async function resolveInput(options: RunOptions): Promise<Json> {
  if (options.input !== undefined && options.inputFile !== undefined) {
    throw new UsageError('use either --input or --input-file, not both');
  }
  if (options.input !== undefined) return parseJsonInput(options.input, '--input');
  if (options.inputFile !== undefined) {
    const text = await readTextFile(options.inputFile, 'input file');
    return parseJsonInput(text, `input file ${options.inputFile}`);
  }
  return DEFAULT_INPUT;
}

/** `execute` throws a DefinitionError carrying diagnostics; recognised by shape, not by class. */
function definitionDiagnostics(error: unknown): Diagnostic[] | undefined {
  if (typeof error !== 'object' || error === null || !('diagnostics' in error)) return undefined;
  const { diagnostics } = error;
  return Array.isArray(diagnostics) ? (diagnostics as Diagnostic[]) : undefined;
}

function reportFailure(io: CliIO, result: ExecuteResult): void {
  io.stderr(`stepwise: execution ${result.status}\n`);
  if (result.error !== undefined) io.stderr(`error: ${result.error}\n`);
  if (result.cause !== undefined) io.stderr(`cause: ${result.cause}\n`);
}

/** Runs the command; resolves to the exit code and never throws. */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<ExitCode> {
  try {
    const input = await resolveInput(options);
    const definition = await readDefinition(file);
    const stateMachineType = options.type ?? 'STANDARD';

    const checked = validate(definition, { stateMachineType });
    if (checked.result === 'FAIL') {
      printDiagnostics(io.stderr, file, checked.diagnostics);
      return ExitCode.Usage;
    }

    let result: ExecuteResult;
    try {
      // History is only shown by --json; without it there is no point building it.
      result = await execute(definition, input, { stateMachineType, history: options.json === true });
    } catch (error) {
      const diagnostics = definitionDiagnostics(error);
      if (diagnostics === undefined) throw error;
      printDiagnostics(io.stderr, file, diagnostics);
      return ExitCode.Usage;
    }

    if (options.json === true) {
      // The short fields first, the (long) history last.
      const { status, output, error, cause, history } = result;
      io.stdout(`${JSON.stringify({ status, output, error, cause, history }, null, 2)}\n`);
    } else if (result.status === 'SUCCEEDED') {
      io.stdout(`${JSON.stringify(result.output ?? null)}\n`);
    }
    if (result.status === 'SUCCEEDED') return ExitCode.Ok;
    reportFailure(io, result);
    return ExitCode.Failure;
  } catch (error) {
    return reportError(io, error);
  }
}

export function registerRun(program: Command, context: CommandContext): void {
  definitionCommand(program, 'run', 'run a state machine in memory and print its output')
    .option('--input <json>', 'execution input as JSON text (default: {})')
    .option('--input-file <file>', 'read the execution input (JSON) from a file')
    .option('--json', 'print the whole result (status, output, error, cause, history) as JSON')
    .addOption(stateMachineTypeOption())
    .action(async (file: string, options: RunOptions) => {
      context.setExitCode(await runCommand(file, options, context.io));
    });
}

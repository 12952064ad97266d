/** `stepwise validate <file>`: check a definition and print its diagnostics. */
import type { Command } from 'commander';
import { validate } from '../index.js';
import {
  ExitCode,
  definitionCommand,
  foldDiagnostics,
  printDiagnostics,
  readDefinition,
  reportError,
  stateMachineTypeOption,
  type CliIO,
  type CommandContext,
  type StateMachineType,
} from './common.js';

export interface ValidateOptions {
  type?: StateMachineType;
}

/** Runs the command; resolves to the exit code and never throws. */
export async function validateCommand(file: string, options: ValidateOptions, io: CliIO): Promise<ExitCode> {
  try {
    const definition = await readDefinition(file);
    const { result, diagnostics } = validate(definition, { stateMachineType: options.type ?? 'STANDARD' });
    printDiagnostics(io.stdout, file, diagnostics);
    if (result === 'OK') {
      io.stdout(`${file}: OK\n`);
      return ExitCode.Ok;
    }
    const errors = diagnostics.filter((d) => d.severity === 'ERROR').length;
    const folded = foldDiagnostics(diagnostics).reduce((n, entry) => n + entry.folded.length, 0);
    const cascade = folded > 0 ? `, ${folded} of them unreachable states folded into their cause` : '';
    io.stdout(`${file}: FAIL (${errors} error${errors === 1 ? '' : 's'}${cascade})\n`);
    return ExitCode.Failure;
  } catch (error) {
    return reportError(io, error);
  }
}

export function registerValidate(program: Command, context: CommandContext): void {
  definitionCommand(program, 'validate', 'check a state machine definition and print its diagnostics')
    .addOption(stateMachineTypeOption())
    .action(async (file: string, options: ValidateOptions) => {
      context.setExitCode(await validateCommand(file, options, context.io));
    });
}

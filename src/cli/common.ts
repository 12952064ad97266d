/**
 * What the CLI commands share: where output goes, how bad input is reported, reading and
 * pre-checking definition and input files, and how diagnostics are printed.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../index.js';
import { isJsonObject, jsonTypeName, type Json } from '../json.js';

/** Where a command writes. Injected so commands can be tested without a child process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr may be coloured (a terminal, and NO_COLOR unset). */
  colour?: boolean;
}

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get colour() {
    return process.stderr.isTTY === true && !process.env.NO_COLOR;
  },
};

/** Exit codes shared by every command. */
export const ExitCode = {
  /** The command did what was asked (run SUCCEEDED, validate OK). */
  Ok: 0,
  /** The command ran but the answer is "no" (run did not succeed, validate FAIL), or Stepwise itself broke. */
  Failure: 1,
  /** Bad input: bad arguments, unreadable files, text that is not JSON/YAML, an invalid definition on `run`. */
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** Bad input from the user: reported as one `stepwise: ...` line and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Collapse a message to one line so every report stays greppable. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The last line of defence for a command: prints one line, never a stack trace, and returns the
 * exit code. Anything that is not a UsageError is a Stepwise bug and is labelled as such.
 */
export function reportError(io: CliIO, error: unknown): ExitCode {
  if (error instanceof UsageError) {
    io.stderr(`stepwise: ${oneLine(error.message)}\n`);
    return ExitCode.Usage;
  }
  io.stderr(`stepwise: internal error: ${oneLine(errorMessage(error)) || 'unknown error'}\n`);
  return ExitCode.Failure;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of it is not a directory',
};

/** Reads a UTF-8 text file (without a byte-order mark); unreadable files become a UsageError. */
export async function readTextFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = (code !== undefined && READ_ERRORS[code]) || errorMessage(error);
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Line and column (1-based) of a character offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/**
 * V8's JSON.parse messages end in "in JSON at position N" for most syntax errors: turn that into a
 * `:line:column` to put after the file name, and the rest of the message.
 */
function describeJsonError(text: string, error: unknown): { where: string; message: string } {
  const message = errorMessage(error);
  const match = / in JSON at position (\d+)/.exec(message);
  if (match === null) return { where: '', message };
  const { line, column } = positionOf(text, Number(match[1]));
  return { where: `:${line}:${column}`, message: message.slice(0, match.index) };
}

/**
 * Parses definition text the way the engine does (text starting with `{` or `[` is strict JSON,
 * anything else YAML) and checks it is an object. The engine parses the text again itself, so
 * that its diagnostics carry line and column; this pre-check only exists to turn "not a
 * definition at all" into a one-line usage error rather than a diagnostic.
 */
export function checkDefinitionText(text: string, file: string): void {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new UsageError(`${file}: the definition is empty`);

  let value: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const { where, message } = describeJsonError(text, error);
      throw new UsageError(`${file}${where}: not valid JSON: ${message}`);
    }
  } else {
    // Duplicate keys are the engine's business, not a syntax error.
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter });
    const [yamlError] = document.errors;
    if (yamlError !== undefined) {
      const start = lineCounter.linePos(yamlError.pos[0]);
      const where = `:${start.line}:${start.col}`;
      throw new UsageError(`${file}${where}: not valid YAML: ${yamlError.message}`);
    }
    try {
      value = document.toJS();
    } catch (error) {
      throw new UsageError(`${file}: not valid YAML: ${errorMessage(error)}`);
    }
  }
  if (!isJsonObject(value)) {
    const kind = value === undefined ? 'nothing' : jsonTypeName(value as Json);
    throw new UsageError(`${file}: a state machine definition must be a JSON or YAML object, not ${kind}`);
  }
}

/** Reads a definition file and checks it is JSON/YAML text for an object; returns the text. */
export async function readDefinition(file: string): Promise<string> {
  const text = await readTextFile(file, 'definition file');
  checkDefinitionText(text, file);
  return text;
}

/** Parses execution input, which must be JSON (like AWS's StartExecution input). */
export function parseJsonInput(text: string, source: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${errorMessage(error)}`);
  }
}

/** How many folded state names a root diagnostic lists before "…". */
const FOLDED_NAMES_SHOWN = 5;

/**
 * `file:line:column: severity code message (at /location)`, the position parts omitted when
 * unknown, the location (AWS's field path) whenever there is one; then the nearest state name for a
 * misspelt transition and the unreachable states folded under this diagnostic, if any.
 */
export function formatDiagnostic(file: string, diagnostic: Diagnostic, folded: readonly Diagnostic[] = []): string {
  let where = file;
  if (diagnostic.line !== undefined) {
    where += `:${diagnostic.line}`;
    if (diagnostic.column !== undefined) where += `:${diagnostic.column}`;
  }
  const at = diagnostic.location ? ` (at ${diagnostic.location})` : '';
  const hint = diagnostic.suggestion !== undefined ? `: did you mean "${diagnostic.suggestion}"?` : '';
  let cascade = '';
  if (folded.length > 0) {
    const names = folded.map((d) => stateNameOf(d.location));
    const shown = names.slice(0, FOLDED_NAMES_SHOWN).join(', ') + (names.length > FOLDED_NAMES_SHOWN ? ', …' : '');
    const states = folded.length === 1 ? 'state' : 'states';
    cascade = ` (+${folded.length} ${states} unreachable because of it: ${shown})`;
  }
  return `${where}: ${diagnostic.severity} ${diagnostic.code} ${oneLine(diagnostic.message)}${at}${hint}${cascade}`;
}

/** `/States/P/Branches[0]/States/Ship` → `Ship`. */
function stateNameOf(location: string): string {
  return location.slice(location.lastIndexOf('/') + 1);
}

export interface FoldedDiagnostic {
  diagnostic: Diagnostic;
  /** The "not reachable" diagnostics of the states this one makes unreachable. */
  folded: Diagnostic[];
}

/**
 * The root causes, in their order, each with the unreachable states it causes folded under it (one
 * misspelt `Next` is one problem, not ten). A diagnostic whose cause is not among them stays.
 */
export function foldDiagnostics(diagnostics: readonly Diagnostic[]): FoldedDiagnostic[] {
  const roots = new Map<string, FoldedDiagnostic>();
  const result: FoldedDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.causedBy !== undefined) continue;
    const entry = { diagnostic, folded: [] };
    result.push(entry);
    if (diagnostic.location && !roots.has(diagnostic.location)) roots.set(diagnostic.location, entry);
  }
  for (const diagnostic of diagnostics) {
    if (diagnostic.causedBy === undefined) continue;
    const root = roots.get(diagnostic.causedBy);
    if (root) root.folded.push(diagnostic);
    else result.push({ diagnostic, folded: [] });
  }
  return result;
}

/** Prints the diagnostics root causes first, each with its cascade folded into it. */
export function printDiagnostics(
  write: (text: string) => void,
  file: string,
  diagnostics: readonly Diagnostic[],
): void {
  for (const { diagnostic, folded } of foldDiagnostics(diagnostics))
    write(`${formatDiagnostic(file, diagnostic, folded)}\n`);
}

/** Commander argument parser for `--type`: case-insensitive, exact values. */
export function parseStateMachineType(value: string): StateMachineType {
  const upper = value.toUpperCase();
  if (upper === 'STANDARD' || upper === 'EXPRESS') return upper;
  throw new InvalidArgumentError('expected STANDARD or EXPRESS.');
}

/** The `--type` option of the commands that read a definition. */
export function stateMachineTypeOption(): Option {
  return new Option('--type <type>', 'state machine type: STANDARD or EXPRESS (default: STANDARD)').argParser(
    parseStateMachineType,
  );
}

/** A command whose argument is one definition file (run, validate, graph). */
export function definitionCommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).argument('<file>', 'state machine definition (JSON or YAML)');
}

/** What `program.ts` hands each command when it registers it. */
export interface CommandContext {
  io: CliIO;
  /** Records the exit code of the command that ran (commander actions cannot return one). */
  setExitCode(code: ExitCode): void;
}

/**
 * The one way a definition becomes a runnable machine: parse (JSON or YAML text, or a value),
 * validate with AWS's rules, compile. The API, the engine, the library, the CLI and TestState all
 * load through here, so whatever one of them accepts the others can run.
 *
 * It lives in interpreter/, not asl/, because it compiles: the interpreter imports asl/, so asl/
 * importing the compiler would make the two folders a cycle.
 */
import { schemaError, type Diagnostic } from '../asl/diagnostics.js';
import { parseDefinition, type ParsedDefinition } from '../asl/parse.js';
import { invalidDefinitionMessage, validateParsed } from '../asl/validate.js';
import type { Json } from '../json.js';
import { CompileError, compileMachine } from './compile.js';
import type { CompiledMachine } from './compiled.js';
import type { StateMachineType } from './types.js';

export interface LoadOptions {
  /** Which rules apply (Express forbids `.sync` and `.waitForTaskToken`). Default STANDARD. */
  stateMachineType?: StateMachineType;
  /**
   * Makes the value to validate and compile from the parsed one (TestState wraps a lone state in
   * a machine). Its diagnostics then have no line or column: they point into the made value.
   */
  prepare?: (parsed: Json) => Json;
  /** The text was validated when it was stored (the engine's definitions): parse and compile only. */
  trusted?: boolean;
}

export type LoadStage = 'parse' | 'validate' | 'compile';

export interface LoadedDefinition {
  ok: true;
  machine: CompiledMachine;
  /** The parsed value (after `prepare`). */
  definition: Json;
  /** The validator's warnings (none when `trusted`). */
  diagnostics: Diagnostic[];
}

export interface LoadFailure {
  ok: false;
  stage: LoadStage;
  /**
   * Every diagnostic, warnings included, with line and column when the text was given. A compile
   * failure (a gap in the validator) is one SCHEMA_VALIDATION_FAILED error at its location.
   */
  diagnostics: Diagnostic[];
  /** AWS's InvalidDefinition message, as CreateStateMachine and TestState answer it. */
  message: string;
}

export type LoadResult = LoadedDefinition | LoadFailure;

export function loadDefinition(source: string | Json, options: LoadOptions = {}): LoadResult {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  const parsed = parseDefinition(source);
  if (!parsed.ok) return failure('parse', parsed.diagnostics, text);
  const prepared: ParsedDefinition = options.prepare
    ? { ok: true, definition: options.prepare(parsed.definition), locate: () => undefined }
    : parsed;
  let warnings: Diagnostic[] = [];
  if (options.trusted !== true) {
    const checked = validateParsed(prepared, { stateMachineType: options.stateMachineType ?? 'STANDARD' });
    if (checked.result === 'FAIL') return failure('validate', checked.diagnostics, text);
    warnings = checked.diagnostics;
  }
  try {
    return {
      ok: true,
      machine: compileMachine(prepared.definition),
      definition: prepared.definition,
      diagnostics: warnings,
    };
  } catch (e) {
    // Whatever the compiler throws on a definition the validator let through is that definition's
    // fault to the caller (InvalidDefinition), never an internal failure of the server.
    const error = e instanceof CompileError ? e : new CompileError('/', e instanceof Error ? e.message : String(e));
    return { ok: false, stage: 'compile', diagnostics: [compileDiagnostic(error, prepared)], message: error.message };
  }
}

function failure(stage: LoadStage, diagnostics: Diagnostic[], text: string): LoadFailure {
  return { ok: false, stage, diagnostics, message: invalidDefinitionMessage(diagnostics, text) };
}

function compileDiagnostic(e: CompileError, parsed: ParsedDefinition): Diagnostic {
  // CompileError's message ends with " at <location>"; the diagnostic carries the location apart.
  const suffix = ` at ${e.location}`;
  const message = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
  const position = parsed.locate(e.location);
  const diagnostic = schemaError(message, e.location);
  return position ? { ...diagnostic, line: position.line, column: position.column } : diagnostic;
}

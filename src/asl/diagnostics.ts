/**
 * Definition diagnostics (error layer 1): values, never thrown. Codes and texts follow AWS's
 * ValidateStateMachineDefinition; `invalidDefinitionMessage` renders CreateStateMachine's wording.
 */
export const DiagnosticCodes = {
  SchemaValidationFailed: 'SCHEMA_VALIDATION_FAILED',
  InvalidJson: 'INVALID_JSON_DESCRIPTION',
  MissingTransitionTarget: 'MISSING_TRANSITION_TARGET',
  MissingEndState: 'MISSING_END_STATE',
  DuplicateStateName: 'DUPLICATE_STATE_NAME',
  InvalidStateName: 'INVALID_STATE_NAME',
  InvalidJsonataExpression: 'INVALID_JSONATA_EXPRESSION',
} as const;
export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  /**
   * AWS style JSON pointer: "/" for the root, "/States/A/Next", array items as "Catch[0]".
   * The empty string means AWS reports no location (MISSING_END_STATE).
   */
  location: string;
  line?: number;
  column?: number;
  /**
   * Set when AWS does not report this problem as a diagnostic but fails CreateStateMachine with
   * a Python exception text (`Error=ValueError Args=[...] in definition '...'`), as it does for
   * Map Labels. Holds the exception's class name.
   */
  pythonError?: 'ValueError';
  /**
   * Not AWS's: for a transition to a state that does not exist, the defined name nearest to it
   * ("did you mean"), when one is close.
   */
  suggestion?: string;
  /**
   * Not AWS's: for an unreachable state, the location of the diagnostic that makes it so (a
   * misspelt transition, or the unreachable state that leads to this one), for folding the cascade.
   */
  causedBy?: string;
}

export function error(code: DiagnosticCode, message: string, location: string): Diagnostic {
  return { severity: 'ERROR', code, message, location };
}

export function schemaError(message: string, location: string): Diagnostic {
  return error(DiagnosticCodes.SchemaValidationFailed, message, location);
}

/** A JSON pointer one level down: `child('/States', 'A')` is "/States/A"; numbers index arrays AWS's way. */
export function child(location: string, key: string | number): string {
  if (typeof key === 'number') return `${location}[${key}]`;
  return location === '/' ? `/${key}` : `${location}/${key}`;
}

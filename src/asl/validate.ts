import { isJsonObject, type Json } from '../json.js';
import { child, schemaError, type Diagnostic } from './diagnostics.js';
import { parseDefinition, type ParsedDefinition } from './parse.js';
import { pythonRepr } from './python-repr.js';
import type { RuleContext, ScopeVisit } from './rules/context.js';
import { ruleFamilies } from './rules/index.js';
import { nestedScopes } from './rules/map-parallel.js';
import { checkTopLevel } from './rules/top-level.js';
import { requiredError, typeError } from './rules/values.js';
import { StateTypes, type QueryLanguage, type StateType } from '../vocabulary/names.js';

export interface ValidateOptions {
  stateMachineType?: 'STANDARD' | 'EXPRESS';
}

export interface ValidationResult {
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
}

/** Parses (JSON/YAML text or a value) and applies every rule; line/column filled from the text. */
export function validateDefinition(source: string | Json, options: ValidateOptions = {}): ValidationResult {
  const parsed = parseDefinition(source);
  if (!parsed.ok) return { result: 'FAIL', diagnostics: parsed.diagnostics };
  return validateParsed(parsed, options);
}

/** Applies every rule to a parsed definition (what the loader calls, so the text is read once). */
export function validateParsed(parsed: ParsedDefinition, options: ValidateOptions = {}): ValidationResult {
  const diagnostics = check(parsed.definition, options).map((d) => {
    const position = d.location === '' ? undefined : parsed.locate(d.location);
    return position ? { ...d, line: position.line, column: position.column } : d;
  });
  const failed = diagnostics.some((d) => d.severity === 'ERROR');
  return { result: failed ? 'FAIL' : 'OK', diagnostics };
}

function check(definition: Json, options: ValidateOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const top = checkTopLevel(definition, report);
  if (!top) return diagnostics;
  // Only the exact spelling "JSONPath" (or none) means JSONPath; anything else resolves to JSONata.
  const language = (value: Json | undefined, inherited: QueryLanguage): QueryLanguage =>
    value === undefined ? inherited : value === 'JSONPath' ? 'JSONPath' : 'JSONata';
  const ctx: RuleContext = {
    stateMachineType: options.stateMachineType ?? 'STANDARD',
    machineLanguage: language(top.definition.QueryLanguage, 'JSONPath'),
    report,
  };
  const visitScope = (scope: ScopeVisit) => {
    for (const family of ruleFamilies) family.scope?.(ctx, scope);
    for (const [name, state] of Object.entries(scope.states)) {
      const location = child(child(scope.location, 'States'), name);
      if (!isJsonObject(state)) {
        report(typeError(['OBJECT'], location));
        continue;
      }
      if (state.Type === undefined) {
        report(requiredError(['Type'], location));
        continue;
      }
      if (!(StateTypes as readonly Json[]).includes(state.Type)) {
        report(
          schemaError(`Value should be one of the following: [${StateTypes.join(', ')}]`, child(location, 'Type')),
        );
        continue;
      }
      const visit = {
        name,
        state,
        location,
        type: state.Type as StateType,
        language: language(state.QueryLanguage, ctx.machineLanguage),
      };
      for (const family of ruleFamilies) family.state?.(ctx, visit);
      nestedScopes(visit).forEach(visitScope);
    }
  };
  visitScope({ location: '/', startAt: top.startAt, states: top.states, topLevel: true });
  return diagnostics;
}

/**
 * AWS's CreateStateMachine InvalidDefinition message for these diagnostics:
 * "Invalid State Machine Definition: 'CODE: message at /location, CODE: ...'". A Map Label
 * problem instead surfaces as AWS's Python exception text quoting the submitted definition.
 */
export function invalidDefinitionMessage(diagnostics: Diagnostic[], definitionText: string): string {
  const python = diagnostics.find((d) => d.pythonError !== undefined);
  if (python) {
    return `Error=${python.pythonError} Args=[${pythonRepr(python.message)}] in definition '${definitionText}'.`;
  }
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  const parts = errors.map((d) => `${d.code}: ${d.message} at ${d.location === '' ? 'null' : d.location}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}

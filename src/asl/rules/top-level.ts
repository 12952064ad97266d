import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { schemaError, type Diagnostic } from '../diagnostics.js';
import { QueryLanguages, TopLevelFields, TopLevelRequired } from '../../vocabulary/names.js';
import { enumError, hasField, requiredError, typeError } from './values.js';

export interface TopLevel {
  startAt: string;
  states: JsonObject;
  definition: JsonObject;
}

/**
 * The machine's own fields. Returns the parts the other rules need, or undefined when they are
 * missing: AWS then reports only these problems (`{}` gives one diagnostic, not five).
 */
export function checkTopLevel(definition: Json, report: (d: Diagnostic) => void): TopLevel | undefined {
  if (!isJsonObject(definition)) {
    report(typeError(['OBJECT'], '/'));
    return undefined;
  }
  const missing = TopLevelRequired.filter((field) => !hasField(definition, field));
  if (missing.length > 0) {
    report(requiredError(missing, '/'));
    return undefined;
  }
  const known: readonly string[] = TopLevelFields;
  for (const field of Object.keys(definition)) {
    if (!known.includes(field)) report(schemaError(`Field '${field}' is not supported`, '/'));
  }
  const { StartAt: startAt, States: states, Comment: comment, Version: version } = definition;
  let ok = true;
  if (typeof startAt !== 'string') {
    report(typeError(['STRING'], '/StartAt'));
    ok = false;
  }
  if (!isJsonObject(states)) {
    report(typeError(['OBJECT'], '/States'));
    ok = false;
  }
  if (comment !== undefined && typeof comment !== 'string') report(typeError(['STRING'], '/Comment'));
  if (version !== undefined && typeof version !== 'string') report(typeError(['STRING'], '/Version'));
  checkTimeout(definition.TimeoutSeconds, report);
  checkQueryLanguage(definition.QueryLanguage, '/QueryLanguage', report);
  if (!ok || typeof startAt !== 'string' || !isJsonObject(states)) return undefined;
  return { startAt, states, definition };
}

function checkTimeout(value: Json | undefined, report: (d: Diagnostic) => void): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) report(typeError(['INTEGER'], '/TimeoutSeconds'));
  else if (value < 0) report(schemaError('Minimum value is 0', '/TimeoutSeconds'));
}

/** A QueryLanguage outside the enum is reported at the field itself, whatever it resolves to. */
export function checkQueryLanguage(value: Json | undefined, location: string, report: (d: Diagnostic) => void): void {
  if (value === undefined) return;
  if (typeof value !== 'string') report(typeError(['STRING'], location));
  else if (!(QueryLanguages as readonly string[]).includes(value)) report(enumError(QueryLanguages, location));
}

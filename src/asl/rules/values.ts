import type { Json, JsonObject } from '../../json.js';
import { schemaError, type Diagnostic } from '../diagnostics.js';

/** AWS's type names in "Expected value of type [STRING]". */
export type SchemaType = 'STRING' | 'INTEGER' | 'NUMBER' | 'BOOLEAN' | 'OBJECT' | 'ARRAY';

export function hasField(object: JsonObject, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, field);
}

export function typeError(types: readonly SchemaType[], location: string): Diagnostic {
  return schemaError(`Expected value of type [${types.join(', ')}]`, location);
}

export function requiredError(fields: readonly string[], location: string): Diagnostic {
  return schemaError(`These fields are required: [${fields.join(', ')}]`, location);
}

export function enumError(values: readonly string[], location: string): Diagnostic {
  return schemaError(`Value should be one of the following: [${values.join(', ')}]`, location);
}

export const JSONATA_PATTERN = /^\{%([\s\S]*)%\}$/;

/** The expression inside "{% ... %}", or undefined when the value is not a JSONata template. */
export function jsonataExpression(value: Json): string | undefined {
  if (typeof value !== 'string') return undefined;
  return JSONATA_PATTERN.exec(value)?.[1];
}

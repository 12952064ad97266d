/** Fields that may be literals, `...Path` references or JSONata expressions, and their number checks. */
import type { Json } from '../json.js';
import type { Dynamic } from './compiled.js';
import { StatesError, StatesErrors } from '../vocabulary/states-errors.js';
import type { StepContext } from './step-context.js';
import type { Frame } from './types.js';

/** The value of a literal / `...Path` / JSONata field. Paths read the effective input. */
export async function dynamicValue<T extends Json>(
  run: StepContext,
  frame: Frame,
  field: Dynamic<T>,
  effective: Json,
): Promise<Json> {
  switch (field.kind) {
    case 'literal':
      return field.value;
    case 'path': {
      const value = field.path.evaluate(run.scope(frame, effective));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.Runtime,
          `The JSONPath '${field.path.source}' specified for the field '${field.field}' could not be found in the input '${JSON.stringify(effective)}'`,
        );
      }
      return value;
    }
    case 'jsonata': {
      const value = await field.expr.evaluate(run.bindings(frame, { input: frame.stateInput }));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.QueryEvaluationError,
          `The JSONata expression '${field.expr.source}' specified for the field '${field.field}' returned nothing (undefined).`,
        );
      }
      return value;
    }
  }
}

/** An integer field (MaxConcurrency, ToleratedFailureCount, MaxItemsPerBatch); strings of digits count, as on AWS. */
export function integerField(field: string, source: Dynamic<number>, value: Json): number {
  const parsed =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (Number.isInteger(parsed)) return parsed;
  if (source.kind === 'path') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The ${field}Path field refers to value "${shown(value)}" which is not a valid integer: ${source.path.source}`,
    );
  }
  throw new StatesError(
    source.kind === 'jsonata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime,
    `The ${field} field refers to value "${shown(value)}" which is not a valid integer`,
  );
}

/** ToleratedFailurePercentage (or its Path form). */
export function floatField(source: Dynamic<number>, value: Json): number {
  const parsed =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isFinite(parsed)) return parsed;
  if (source.kind === 'path') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The ToleratedFailurePercentagePath field refers to value "${shown(value)}" which is not a valid float: ${source.path.source}`,
    );
  }
  throw new StatesError(
    source.kind === 'jsonata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime,
    `The ToleratedFailurePercentage field refers to value "${shown(value)}" which is not a valid float`,
  );
}

function shown(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

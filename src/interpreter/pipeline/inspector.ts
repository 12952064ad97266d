/**
 * An observer of the data-flow pipeline, for TestState's inspection data. The pipeline reports
 * each intermediate value to it; an execution runs without one, and then each report point costs
 * one property read.
 */
import type { Json } from '../../json.js';

/** The values TestState shows, in AWS's InspectionData names. */
export type InspectedValue =
  | 'afterInputPath'
  | 'afterParameters'
  | 'afterArguments'
  | 'result'
  | 'afterResultSelector'
  | 'afterResultPath'
  | 'afterItemsPath'
  | 'afterItemBatcher'
  | 'afterItemSelector';

/** The numbers TestState shows for a Map state. */
export type InspectedNumber = 'maxConcurrency' | 'toleratedFailureCount' | 'toleratedFailurePercentage';

export interface Inspector {
  value(step: InspectedValue, value: Json): void;
  number(field: InspectedNumber, value: number): void;
}

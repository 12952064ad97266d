/**
 * A Map's input side, shared by inline Maps, Map Runs and TestState: InputPath, the items
 * (ItemsPath, Items or the input; an array), MaxConcurrency, the tolerated failure thresholds,
 * ItemBatcher, and ItemSelector over one item.
 */
import { jsonTypeName, type Json } from '../../json.js';
import type { MapState } from '../compiled.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { dynamicValue, floatField, integerField } from '../fields.js';
import { inputPath, selectPath } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import type { MaybePromise } from '../outcome.js';

/** A Map's input pipeline, before any iteration: the values its iterations and limits come from. */
export interface PreparedMap {
  /** The effective input (after InputPath), for ItemSelector's `$`. */
  mapInput: Json;
  /** The items (batched by ItemBatcher) the iterations get; undefined when a reader gave none. */
  items: Json[] | undefined;
  maxConcurrency: number;
  /** Undefined when the state sets no threshold. */
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** Where the items come from instead of ItemsPath / Items (TestState: an ItemReader's mocked data). */
export type ItemSource = (mapInput: Json) => Promise<Json[] | undefined>;

/** InputPath, the items, MaxConcurrency, the tolerated failure thresholds and ItemBatcher. */
export async function prepareMap(
  run: StepContext,
  frame: Frame,
  state: MapState,
  readItems?: ItemSource,
  { batch = true }: { batch?: boolean } = {},
): Promise<PreparedMap> {
  const mapInput = state.queryLanguage === 'JSONata' ? frame.stateInput : inputPath(run, frame, state);
  const items = readItems ? await readItems(mapInput) : await mapItems(run, frame, state, mapInput);
  const maxConcurrency = state.maxConcurrency
    ? integerField(
        'MaxConcurrency',
        state.maxConcurrency,
        await dynamicValue(run, frame, state.maxConcurrency, mapInput),
      )
    : 0;
  run.inspector?.number('maxConcurrency', maxConcurrency);
  run.emit(frame, 'MapStateStarted', () => ({ length: items?.length ?? 0 }));
  const prepared: PreparedMap = { mapInput, items, maxConcurrency };
  if (state.toleratedFailureCount) {
    const count = integerField(
      'ToleratedFailureCount',
      state.toleratedFailureCount,
      await dynamicValue(run, frame, state.toleratedFailureCount, mapInput),
    );
    if (count < 0) throw new StatesError(StatesErrors.Runtime, 'ToleratedFailureCount cannot be negative.');
    run.inspector?.number('toleratedFailureCount', count);
    prepared.toleratedFailureCount = count;
  }
  if (state.toleratedFailurePercentage) {
    const percentage = floatField(
      state.toleratedFailurePercentage,
      await dynamicValue(run, frame, state.toleratedFailurePercentage, mapInput),
    );
    if (percentage < 0 || percentage > 100)
      throw new StatesError(StatesErrors.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
    run.inspector?.number('toleratedFailurePercentage', percentage);
    prepared.toleratedFailurePercentage = percentage;
  }
  if (batch && items && state.itemBatcher) {
    prepared.items = await batchItems(run, frame, state, items, mapInput);
    run.inspector?.value('afterItemBatcher', prepared.items);
  }
  return prepared;
}

/** The items of an execution's Map: Items (JSONata), ItemsPath (JSONPath), or the input; an array. */
export async function mapItems(run: StepContext, frame: Frame, state: MapState, mapInput: Json): Promise<Json[]> {
  const value = await itemsValue(run, frame, state, mapInput);
  if (state.queryLanguage === 'JSONPath') run.inspector?.value('afterItemsPath', value);
  return requireItems(state, value);
}

/** What a Map iterates over, before it is checked: Items (JSONata), ItemsPath (JSONPath), or the input. */
async function itemsValue(run: StepContext, frame: Frame, state: MapState, mapInput: Json): Promise<Json> {
  if (state.queryLanguage === 'JSONata') {
    return state.items
      ? state.items.template.evaluate(run.bindings(frame, { input: frame.stateInput }), 'Items')
      : mapInput;
  }
  return state.itemsPath ? selectPath(run, frame, state.itemsPath, mapInput) : mapInput;
}

/** The items must be an array; AWS's errors otherwise. */
export function requireItems(state: MapState, value: Json): Json[] {
  if (Array.isArray(value)) return value;
  if (state.queryLanguage === 'JSONata' && state.items) {
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `The JSONata expression '${state.items.source}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
    );
  }
  const error = state.queryLanguage === 'JSONata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime;
  throw new StatesError(error, `Map state input must be an array but was: ${JSON.stringify(value)}`);
}

/** ItemBatcher: groups items into `{ "Items": [...] }` batches, with the BatchInput alongside. */
export async function batchItems(
  run: StepContext,
  frame: Frame,
  state: MapState,
  items: Json[],
  mapInput: Json,
): Promise<Json[]> {
  const batcher = state.itemBatcher;
  if (!batcher) return items;
  const size = batcher.maxItemsPerBatch
    ? integerField(
        'MaxItemsPerBatch',
        batcher.maxItemsPerBatch,
        await dynamicValue(run, frame, batcher.maxItemsPerBatch, mapInput),
      )
    : items.length;
  const per = Math.max(1, size || items.length);
  const batches: Json[] = [];
  for (let i = 0; i < items.length; i += per) {
    const batch: { [key: string]: Json } = { Items: items.slice(i, i + per) };
    if (batcher.batchInput !== undefined) batch.BatchInput = batcher.batchInput;
    batches.push(batch);
  }
  return batches;
}

/** ItemSelector over one item: an iteration's input (synchronous but for a JSONata ItemSelector). */
export function iterationInput(
  run: StepContext,
  frame: Frame,
  state: MapState,
  mapInput: Json,
  index: number,
  value: Json,
): MaybePromise<Json> {
  const selector = state.itemSelector;
  if (!selector) return value;
  const mapItem = { index, value };
  if (selector.kind === 'jsonata') {
    return selector.template.evaluate(run.bindings(frame, { input: frame.stateInput }, { mapItem }), 'ItemSelector');
  }
  return selector.template.evaluate(run.scope(frame, mapInput, { mapItem }));
}

/**
 * Map: runs its ItemProcessor once per item, each in a child frame of the same execution, at most
 * MaxConcurrency at a time, and gathers their outputs. A distributed Map's iterations are child
 * executions: isolated from outer variables, with their events in the Map Run.
 */
import { isJsonObject, jsonTypeName, type Json } from '../../json.js';
import { CompileError, FieldCompiler } from '../compile-fields.js';
import type { MapState } from '../compiled.js';
import { formatMapRunArn, homeOf } from '../../vocabulary/arn.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { dynamicValue, floatField, integerField } from '../fields.js';
import { abortChildren, newChild, removeId } from '../frames.js';
import { joinChild } from '../links.js';
import type { Outcome } from '../outcome.js';
import { finishWithResult } from '../pipeline/index.js';
import { inputPath, selectPath } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import type { Frame, MapPhase } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const map: StateBehaviour<MapState> = {
  compile(base, { raw, fields: c, language, address, pointer, list }) {
    const processorRaw = isJsonObject(raw.ItemProcessor) ? raw.ItemProcessor : raw.Iterator;
    if (!isJsonObject(processorRaw)) throw new CompileError(pointer, 'These fields are required: [ItemProcessor]');
    const config = isJsonObject(processorRaw.ProcessorConfig) ? processorRaw.ProcessorConfig : {};
    const batcher = isJsonObject(raw.ItemBatcher) ? raw.ItemBatcher : undefined;
    const processorPointer = `${pointer}/${isJsonObject(raw.ItemProcessor) ? 'ItemProcessor' : 'Iterator'}`;
    return {
      ...base,
      type: 'Map',
      processor: list(processorRaw, `${address}/processor`, processorPointer),
      distributed: config.Mode === 'DISTRIBUTED',
      itemsPath: c.optionalPath('ItemsPath') ?? undefined,
      items: c.items(),
      itemSelector: c.assign(
        raw.ItemSelector ?? raw.Parameters,
        raw.ItemSelector === undefined ? 'Parameters' : 'ItemSelector',
      ),
      maxConcurrency: c.dynamicNumber('MaxConcurrency'),
      toleratedFailureCount: c.dynamicNumber('ToleratedFailureCount'),
      toleratedFailurePercentage: c.dynamicNumber('ToleratedFailurePercentage'),
      itemBatcher: batcher && {
        maxItemsPerBatch: new FieldCompiler(batcher, language, `${pointer}/ItemBatcher`).dynamicNumber(
          'MaxItemsPerBatch',
        ),
        batchInput: batcher.BatchInput,
      },
      label: typeof raw.Label === 'string' ? raw.Label : undefined,
      itemReader: raw.ItemReader !== undefined,
      resultWriter: raw.ResultWriter !== undefined,
    };
  },

  run: (run, frame, state) => startMap(run, frame, state),

  async childFinished(run, parent, state, child, outcome) {
    if (parent.phase.kind !== 'map') return;
    // `parent` is this step's own copy (StepContext.frame), so its phase arrays may be updated in place.
    const phase = parent.phase;
    removeId(phase.running, child.id);
    const details = () => ({ name: parent.stateName, index: child.index });
    if (outcome.ok) {
      // The Map goes on from the MapIterationSucceeded; a failed iteration, from its own last event.
      if (!phase.distributed)
        joinChild(parent, child, run.emit(parent, 'MapIterationSucceeded', details, child.lastEventId));
      phase.results[child.index] = outcome.output;
      phase.done[child.index] = true;
      phase.succeeded += 1;
    } else {
      if (!phase.distributed) {
        run.emit(parent, 'MapIterationFailed', details, child.lastEventId);
        joinChild(parent, child);
      }
      phase.failed += 1;
      phase.firstFailure ??= { error: outcome.error, cause: outcome.cause };
      if (!withinTolerance(phase)) {
        abortChildren(run, parent, false);
        parent.retained = { kind: 'map', results: phase.results, done: phase.done };
        parent.phase = { kind: 'ready' };
        const failure = phase.distributed
          ? {
              error: StatesErrors.ExceedToleratedFailureThreshold,
              cause: 'The specified tolerated failure threshold was exceeded',
            }
          : { error: outcome.error, cause: outcome.cause };
        if (phase.distributed) run.emit(parent, 'MapRunFailed', () => omit(failure));
        await run.advance(parent.id, async () => ({ kind: 'error', ...failure }));
        return;
      }
    }
    await run.advance(parent.id, async () => {
      const current = run.frame(parent.id);
      // An iteration taking the finished one's place follows that one's last event.
      await spawnIterations(run, current, state, child.isolated ? undefined : child.lastEventId);
      const now = current.phase as MapPhase;
      if (now.running.length === 0 && now.nextIndex >= now.items.length) return finishMap(run, current, state);
      return { kind: 'blocked' };
    });
  },
};

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
  if (items && state.itemBatcher) {
    prepared.items = await batchItems(run, frame, state, items, mapInput);
    run.inspector?.value('afterItemBatcher', prepared.items);
  }
  return prepared;
}

async function startMap(run: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  const prepared = await prepareMap(run, frame, state);
  // An execution always reads its items (ItemsPath, Items or the input).
  const items = prepared.items ?? [];
  const { mapInput, maxConcurrency } = prepared;
  const toleratedFailureCount = prepared.toleratedFailureCount ?? 0;
  const toleratedFailurePercentage = prepared.toleratedFailurePercentage ?? 0;
  // A redriven Map keeps the iterations that succeeded and reruns the others.
  const kept =
    frame.retained?.kind === 'map' && frame.retained.done.length === items.length ? frame.retained : undefined;
  frame.retained = undefined;
  const phase: MapPhase = {
    kind: 'map',
    items,
    results: kept ? [...kept.results] : items.map(() => null),
    done: kept ? [...kept.done] : items.map(() => false),
    nextIndex: 0,
    running: [],
    maxConcurrency,
    succeeded: kept ? kept.done.filter(Boolean).length : 0,
    failed: 0,
    toleratedFailureCount,
    toleratedFailurePercentage,
    distributed: state.distributed,
    mapInput,
  };
  frame.phase = phase;
  if (state.distributed) {
    phase.mapRunArn = mapRunArn(run, state);
    const arn = phase.mapRunArn;
    run.emit(frame, 'MapRunStarted', () => ({ mapRunArn: arn }));
  }
  await spawnIterations(run, frame, state);
  if (phase.running.length === 0) return finishMap(run, frame, state);
  return { kind: 'blocked' };
}

/** The items of an execution's Map: Items (JSONata), ItemsPath (JSONPath), or the input; an array. */
async function mapItems(run: StepContext, frame: Frame, state: MapState, mapInput: Json): Promise<Json[]> {
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

function mapRunArn(run: StepContext, state: MapState): string {
  const info = run.state.info;
  return formatMapRunArn(homeOf(info.stateMachineArn), info.stateMachineName, state.label ?? state.name, run.rt.uuid());
}

/** Starts iterations while the concurrency limit allows; their first events follow `after` (default: the Map's last). */
async function spawnIterations(run: StepContext, frame: Frame, state: MapState, after?: number): Promise<void> {
  const phase = frame.phase as MapPhase;
  const limit = phase.maxConcurrency > 0 ? phase.maxConcurrency : Number.POSITIVE_INFINITY;
  while (phase.nextIndex < phase.items.length && phase.running.length < limit) {
    const index = phase.nextIndex++;
    if (phase.done[index]) continue;
    const value = phase.items[index] as Json;
    const input = await iterationInput(run, frame, state, phase.mapInput, index, value);
    const list = `${state.address}/processor`;
    const mapItem = { index, value };
    const child = newChild(run, frame, list, state.processor, index, input, state.distributed, mapItem, after);
    phase.running.push(child.id);
  }
}

/** ItemSelector over one item: an iteration's input. */
export async function iterationInput(
  run: StepContext,
  frame: Frame,
  state: MapState,
  mapInput: Json,
  index: number,
  value: Json,
): Promise<Json> {
  const selector = state.itemSelector;
  if (!selector) return value;
  const mapItem = { index, value };
  if (selector.kind === 'jsonata') {
    return selector.template.evaluate(run.bindings(frame, { input: frame.stateInput }, { mapItem }), 'ItemSelector');
  }
  return selector.template.evaluate(run.scope(frame, mapInput, { mapItem }));
}

async function finishMap(run: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  const phase = frame.phase as MapPhase;
  // Neither moves the Map's link: its MapStateExited follows what they follow (see links.ts).
  const runSucceeded = phase.distributed ? run.emit(frame, 'MapRunSucceeded') : undefined;
  run.emit(frame, 'MapStateSucceeded', undefined, runSucceeded);
  frame.phase = { kind: 'ready' };
  return finishWithResult(run, frame, state, phase.results);
}

function withinTolerance(phase: MapPhase): boolean {
  if (!phase.distributed) return false;
  if (phase.failed <= phase.toleratedFailureCount) return true;
  return phase.items.length > 0 && (phase.failed / phase.items.length) * 100 <= phase.toleratedFailurePercentage;
}

function omit(failure: { error?: string; cause?: string }): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (failure.error !== undefined) out.error = failure.error;
  if (failure.cause !== undefined) out.cause = failure.cause;
  return out;
}

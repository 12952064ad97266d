/**
 * The interpreter's side of a Map Run: what a Distributed Map hands its host, and the one rule the
 * host needs back from it (an item's input through ItemSelector).
 *
 * A Distributed Map in an execution whose host runs Map Runs (RunOptions.mapRuns) does not start
 * iteration frames: it evaluates its fields (items or the reader's arguments, limits, batching,
 * the writer's arguments), records MapRunStarted, and issues an `invokeTask` of MAP_RUN_RESOURCE
 * whose parameters are a MapRunSpec. The host runs the children as executions of their own and
 * answers the task with the Map's result (`taskSucceeded`) or its error (`taskFailed`).
 */
import type { Json, JsonObject } from '../json.js';
import type { QueryRuntime, Variables } from '../query/scope.js';
import type { CompiledMachine, MapState } from './compiled.js';

/** The resource of the task a Map Run is: not a Task resource, so no definition can name it. */
export const MAP_RUN_RESOURCE = 'stepwise:mapRun';

/** An ItemReader or ResultWriter with its arguments evaluated. */
export interface MapDataSpec {
  resource: string;
  /** The evaluated Parameters (JSONPath) or Arguments (JSONata). */
  parameters: JsonObject;
}

/** What the host needs to run a Map Run: all of it JSON, so it survives in the outbox. */
export interface MapRunSpec {
  mapRunArn: string;
  /** The parent was redriven: the existing run continues with its failed and unfinished children. */
  redrive: boolean;
  /** Where the Map state is in the parent's definition (its list address and name). */
  list: string;
  stateName: string;
  executionType: 'STANDARD' | 'EXPRESS';
  /** The children's definition (the ItemProcessor as a state machine). */
  processor: JsonObject;
  /** 0: no limit set (AWS then runs up to 10,000 children at a time). */
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** The items, when no ItemReader reads them (ItemsPath, Items or the input). */
  items?: Json[];
  reader?: MapDataSpec & { readerConfig: JsonObject };
  batcher?: { maxItemsPerBatch?: number; maxInputBytesPerBatch?: number; batchInput?: Json };
  writer?: MapDataSpec & { writerConfig?: JsonObject };
  /** What ItemSelector reads besides the item. */
  selector: MapRunSelector;
}

export interface MapRunSelector {
  /** `$` of a JSONPath ItemSelector: the Map's effective input. */
  mapInput: Json;
  /** `$states.input` of a JSONata ItemSelector: the Map's raw input. */
  stateInput: Json;
  /** The Map state's context object (without `Map`, which each item adds). */
  context: JsonObject;
  /** The workflow variables the Map state sees. */
  variables: JsonObject;
}

/** The Map state a spec names, in the parent's compiled definition. */
export function mapRunState(machine: CompiledMachine, spec: Pick<MapRunSpec, 'list' | 'stateName'>): MapState {
  const state = machine.lists.get(spec.list)?.states.get(spec.stateName);
  if (!state || state.type !== 'Map') throw new Error(`No Map state ${spec.stateName} in '${spec.list}'`);
  return state;
}

/** One item's child input: the item through ItemSelector, with `$$.Map.Item` (its index, value and, for an object's members, key). */
export async function mapRunItemInput(
  state: MapState,
  selector: MapRunSelector,
  item: { index: number; value: Json; key?: string },
  runtime: QueryRuntime,
): Promise<Json> {
  const compiled = state.itemSelector;
  if (!compiled) return item.value;
  const entry: JsonObject = { Index: item.index, Value: item.value };
  if (item.key !== undefined) entry.Key = item.key;
  const context: JsonObject = { ...selector.context, Map: { Item: entry } };
  const variables: Variables = {
    lookup: (name) =>
      Object.prototype.hasOwnProperty.call(selector.variables, name) ? selector.variables[name] : undefined,
  };
  if (compiled.kind === 'jsonata') {
    return compiled.template.evaluate(
      { states: { input: selector.stateInput, context }, variables, runtime },
      'ItemSelector',
    );
  }
  return compiled.template.evaluate({ input: selector.mapInput, context, variables, runtime });
}

/**
 * A Distributed Map as a Map Run (RunOptions.mapRuns): the Map evaluates its fields, records
 * MapRunStarted (MapRunRedriven when its parent is redriven) and hands the run to its host as one
 * task (../map-run.ts). The host's answer ends the Map: its result, or the run's error.
 */
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { formatMapRunArn, homeOf } from '../../vocabulary/arn.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { CompiledAssign, MapDataStep, MapState } from '../compiled.js';
import { dynamicValue, integerField } from '../fields.js';
import { MAP_RUN_RESOURCE, type MapDataSpec, type MapRunSpec } from '../map-run.js';
import type { Outcome } from '../outcome.js';
import { finishWithResult } from '../pipeline/index.js';
import type { StepContext } from '../step-context.js';
import type { Frame, MapPhase } from '../types.js';
import { prepareMap } from './map-items.js';
import type { TaskSignal } from './task.js';

/** Starts the Map Run: evaluates what the host needs, then waits for its task. */
export async function startMapRun(run: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  // With an ItemReader the host reads the items; the batching is the host's either way.
  const prepared = await prepareMap(run, frame, state, state.itemReader ? async () => undefined : undefined, {
    batch: false,
  });
  const { mapInput, maxConcurrency } = prepared;
  const kept = frame.retained?.kind === 'map' ? frame.retained.mapRunArn : undefined;
  frame.retained = undefined;
  const mapRunArn = kept ?? newMapRunArn(run, state);
  const spec: MapRunSpec = {
    mapRunArn,
    redrive: kept !== undefined,
    list: frame.list,
    stateName: state.name,
    executionType: state.executionType,
    processor: state.processorDefinition,
    maxConcurrency,
    ...(prepared.toleratedFailureCount !== undefined ? { toleratedFailureCount: prepared.toleratedFailureCount } : {}),
    ...(prepared.toleratedFailurePercentage !== undefined
      ? { toleratedFailurePercentage: prepared.toleratedFailurePercentage }
      : {}),
    ...(prepared.items !== undefined ? { items: prepared.items } : {}),
    selector: {
      mapInput,
      stateInput: frame.stateInput,
      context: run.context(frame),
      variables: visibleVariables(run, frame),
    },
  };
  if (state.itemReader) {
    const reader = await dataSpec(run, frame, state, state.itemReader, mapInput, 'ItemReader');
    const readerConfig: JsonObject = { ...state.itemReader.readerConfig };
    if (state.itemReader.maxItems) {
      const value = await dynamicValue(run, frame, state.itemReader.maxItems, mapInput);
      const maxItems = integerField('MaxItems', state.itemReader.maxItems, value);
      if (maxItems < 0) throw new StatesError(StatesErrors.Runtime, 'MaxItems cannot be negative.');
      readerConfig.MaxItems = maxItems;
    }
    spec.reader = { ...reader, readerConfig };
  }
  if (state.itemBatcher) spec.batcher = await batcherSpec(run, frame, state, mapInput);
  if (state.resultWriter) {
    const writer = await dataSpec(run, frame, state, state.resultWriter, mapInput, 'ResultWriter');
    spec.writer = {
      ...writer,
      ...(state.resultWriter.writerConfig ? { writerConfig: state.resultWriter.writerConfig } : {}),
    };
  }
  if (kept) run.emit(frame, 'MapRunRedriven', () => ({ mapRunArn, redriveCount: run.state.info.redriveCount ?? 1 }));
  else run.emit(frame, 'MapRunStarted', () => ({ mapRunArn }));

  const taskId = run.nextId('task');
  run.wait(taskId, frame.id);
  const phase: MapPhase = {
    kind: 'map',
    items: [],
    results: [],
    done: [],
    nextIndex: 0,
    running: [],
    maxConcurrency,
    succeeded: 0,
    failed: 0,
    toleratedFailureCount: prepared.toleratedFailureCount ?? 0,
    toleratedFailurePercentage: prepared.toleratedFailurePercentage ?? 0,
    distributed: true,
    mapInput,
    mapRunArn,
    taskId,
  };
  frame.phase = phase;
  run.commands.push({
    kind: 'invokeTask',
    taskId,
    resource: MAP_RUN_RESOURCE,
    parameters: spec as unknown as Json,
    stateName: state.name,
    attempt: 0,
  });
  return { kind: 'blocked' };
}

/** The host answered the Map Run's task: the Map ends with the run's result or its error. */
export async function mapRunAnswered(run: StepContext, frame: Frame, signal: TaskSignal): Promise<Outcome> {
  const phase = frame.phase;
  if (phase.kind !== 'map' || phase.taskId !== signal.taskId) return { kind: 'blocked' };
  const state = run.current(frame);
  if (state.type !== 'Map') return { kind: 'blocked' };
  switch (signal.kind) {
    case 'taskSucceeded': {
      run.unwait(signal.taskId);
      // Neither moves the Map's link: its MapStateExited follows what they follow (see links.ts).
      const runSucceeded = run.emit(frame, 'MapRunSucceeded');
      run.emit(frame, 'MapStateSucceeded', undefined, runSucceeded);
      frame.phase = { kind: 'ready' };
      const output = isJsonObject(signal.output) ? (signal.output.result ?? null) : null;
      return finishWithResult(run, frame, state, output);
    }
    case 'taskFailed': {
      run.unwait(signal.taskId);
      const failure: { error?: string; cause?: string } = {};
      if (signal.error !== undefined) failure.error = signal.error;
      if (signal.cause !== undefined) failure.cause = signal.cause;
      run.emit(frame, 'MapRunFailed', () => failure);
      // A redrive of the parent continues this run.
      frame.retained = {
        kind: 'map',
        results: [],
        done: [],
        ...(phase.mapRunArn ? { mapRunArn: phase.mapRunArn } : {}),
      };
      frame.phase = { kind: 'ready' };
      return { kind: 'error', ...failure };
    }
    case 'taskStarted':
    case 'taskHeartbeat':
    case 'taskSubmitted':
      return { kind: 'blocked' };
  }
}

function newMapRunArn(run: StepContext, state: MapState): string {
  const info = run.state.info;
  return formatMapRunArn(homeOf(info.stateMachineArn), info.stateMachineName, state.label ?? state.name, run.rt.uuid());
}

/** An ItemReader's or ResultWriter's resource and evaluated arguments. */
async function dataSpec(
  run: StepContext,
  frame: Frame,
  state: MapState,
  step: MapDataStep,
  mapInput: Json,
  field: string,
): Promise<MapDataSpec> {
  const value = step.arguments ? await evaluate(run, frame, step.arguments, mapInput, field) : {};
  if (!isJsonObject(value)) {
    const argumentsField = state.queryLanguage === 'JSONata' ? 'Arguments' : 'Parameters';
    throw new StatesError(
      state.queryLanguage === 'JSONata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime,
      `The ${field} field's ${argumentsField} must be a JSON object, but was: ${JSON.stringify(value)}`,
    );
  }
  return { resource: step.resource ?? '', parameters: value };
}

async function batcherSpec(
  run: StepContext,
  frame: Frame,
  state: MapState,
  mapInput: Json,
): Promise<NonNullable<MapRunSpec['batcher']>> {
  const batcher = state.itemBatcher;
  const spec: NonNullable<MapRunSpec['batcher']> = {};
  if (!batcher) return spec;
  if (batcher.maxItemsPerBatch) {
    const value = await dynamicValue(run, frame, batcher.maxItemsPerBatch, mapInput);
    spec.maxItemsPerBatch = positive(
      'MaxItemsPerBatch',
      integerField('MaxItemsPerBatch', batcher.maxItemsPerBatch, value),
    );
  }
  if (batcher.maxInputBytesPerBatch) {
    const value = await dynamicValue(run, frame, batcher.maxInputBytesPerBatch, mapInput);
    spec.maxInputBytesPerBatch = positive(
      'MaxInputBytesPerBatch',
      integerField('MaxInputBytesPerBatch', batcher.maxInputBytesPerBatch, value),
    );
  }
  if (batcher.batchInputTemplate)
    spec.batchInput = await evaluate(run, frame, batcher.batchInputTemplate, mapInput, 'BatchInput');
  return spec;
}

function positive(field: string, value: number): number {
  if (value > 0) return value;
  throw new StatesError(StatesErrors.Runtime, `The ${field} field must be a positive integer, but was: ${value}`);
}

/** A payload template over the Map's effective input (JSONPath), or a JSONata template over its input. */
async function evaluate(
  run: StepContext,
  frame: Frame,
  template: CompiledAssign,
  mapInput: Json,
  field: string,
): Promise<Json> {
  if (template.kind === 'jsonata')
    return template.template.evaluate(run.bindings(frame, { input: frame.stateInput }), field);
  return template.template.evaluate(run.scope(frame, mapInput));
}

/** The workflow variables `frame` sees, innermost first wins (as FrameVariables looks them up). */
function visibleVariables(run: StepContext, frame: Frame): JsonObject {
  const chain: Frame[] = [];
  for (
    let f: Frame | undefined = frame;
    f;
    f = f.isolated || f.parentId === undefined ? undefined : run.state.frames[f.parentId]
  )
    chain.push(f);
  const out: JsonObject = {};
  for (const f of chain.reverse()) Object.assign(out, f.variables);
  return out;
}

/**
 * Map: runs its ItemProcessor once per item, each in a child frame of the same execution, at most
 * MaxConcurrency at a time, and gathers their outputs. A distributed Map runs as a Map Run when the
 * host has them (./map-run.ts: children are executions of their own); otherwise (the library's
 * in-memory runs) its iterations are isolated frames, with their events kept out of the parent's.
 */
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { CompileError, FieldCompiler } from '../compile-fields.js';
import type { MapDataStep, MapState, QueryLanguage } from '../compiled.js';
import { formatMapRunArn, homeOf } from '../../vocabulary/arn.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { abortChildren, newChild, removeId } from '../frames.js';
import { joinChild } from '../links.js';
import { andThen, type MaybePromise, type Outcome } from '../outcome.js';
import { finishWithResult } from '../pipeline/index.js';
import type { StepContext } from '../step-context.js';
import type { Frame, MapPhase } from '../types.js';
import type { StateBehaviour } from './behaviour.js';
import { startMapRun } from './map-run.js';
import { iterationInput, prepareMap } from './map-items.js';

export const map: StateBehaviour<MapState> = {
  compile(base, { raw, fields: c, language, address, pointer, list }) {
    const processorRaw = isJsonObject(raw.ItemProcessor) ? raw.ItemProcessor : raw.Iterator;
    if (!isJsonObject(processorRaw)) throw new CompileError(pointer, 'These fields are required: [ItemProcessor]');
    const config = isJsonObject(processorRaw.ProcessorConfig) ? processorRaw.ProcessorConfig : {};
    const batcher = isJsonObject(raw.ItemBatcher) ? raw.ItemBatcher : undefined;
    const processorPointer = `${pointer}/${isJsonObject(raw.ItemProcessor) ? 'ItemProcessor' : 'Iterator'}`;
    const processorList = `${address}/processor`;
    return {
      ...base,
      type: 'Map',
      processor: list(processorRaw, processorList, processorPointer),
      processorList,
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
      itemBatcher: batcher && compileBatcher(batcher, language, `${pointer}/ItemBatcher`),
      label: typeof raw.Label === 'string' ? raw.Label : undefined,
      ...compileMapData(raw, language, pointer),
      executionType: config.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      processorDefinition: processorDefinition(processorRaw, language),
    };
  },

  run: (run, frame, state) =>
    state.distributed && run.mapRuns ? startMapRun(run, frame, state) : startMap(run, frame, state),

  childFinished(run, parent, state, child, outcome) {
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
        return run.advance(parent.id, () => ({ kind: 'error', ...failure }));
      }
    }
    // Synchronous for JSONPath: a Map of many items passes here once per iteration.
    return run.advance(parent.id, () => {
      const current = run.frame(parent.id);
      // An iteration taking the finished one's place follows that one's last event.
      const spawned = spawnIterations(run, current, state, child.isolated ? undefined : child.lastEventId);
      return andThen(spawned, () => {
        const now = current.phase as MapPhase;
        if (now.running.length === 0 && now.nextIndex >= now.items.length) return finishMap(run, current, state);
        return { kind: 'blocked' };
      });
    });
  },
};

function compileBatcher(
  batcher: JsonObject,
  language: QueryLanguage,
  pointer: string,
): NonNullable<MapState['itemBatcher']> {
  const fields = new FieldCompiler(batcher, language, pointer);
  const batchInputTemplate = fields.assign(batcher.BatchInput, 'BatchInput');
  return {
    maxItemsPerBatch: fields.dynamicNumber('MaxItemsPerBatch'),
    maxInputBytesPerBatch: fields.dynamicNumber('MaxInputBytesPerBatch'),
    batchInput: batcher.BatchInput,
    ...(batchInputTemplate ? { batchInputTemplate } : {}),
  };
}

/** ItemReader and ResultWriter: resource, Parameters or Arguments, and their configs. */
function compileMapData(
  raw: JsonObject,
  language: QueryLanguage,
  pointer: string,
): Pick<MapState, 'itemReader' | 'resultWriter'> {
  const out: Pick<MapState, 'itemReader' | 'resultWriter'> = {};
  const step = (value: JsonObject, field: string): MapDataStep => {
    const fields = new FieldCompiler(value, language, `${pointer}/${field}`);
    const argumentsField = language === 'JSONata' ? 'Arguments' : 'Parameters';
    const compiled = fields.assign(value[argumentsField], argumentsField);
    return {
      ...(typeof value.Resource === 'string' ? { resource: value.Resource } : {}),
      ...(compiled ? { arguments: compiled } : {}),
    };
  };
  if (isJsonObject(raw.ItemReader)) {
    const reader = raw.ItemReader;
    const config = isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
    const { MaxItems: _max, MaxItemsPath: _maxPath, ...readerConfig } = config;
    const maxItems = new FieldCompiler(config, language, `${pointer}/ItemReader/ReaderConfig`).dynamicNumber(
      'MaxItems',
    );
    out.itemReader = { ...step(reader, 'ItemReader'), readerConfig, ...(maxItems ? { maxItems } : {}) };
  }
  if (isJsonObject(raw.ResultWriter)) {
    const writer = raw.ResultWriter;
    out.resultWriter = {
      ...step(writer, 'ResultWriter'),
      ...(isJsonObject(writer.WriterConfig) ? { writerConfig: writer.WriterConfig } : {}),
    };
  }
  return out;
}

/** The ItemProcessor as a state machine definition of its own, in the Map state's query language. */
function processorDefinition(processor: JsonObject, language: QueryLanguage): JsonObject {
  const { ProcessorConfig: _config, ...definition } = processor;
  return language === 'JSONata' ? { ...definition, QueryLanguage: 'JSONata' } : definition;
}

async function startMap(run: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  // Only Map Runs read S3 (a server's Standard executions); an inline run says so plainly.
  if (state.itemReader || state.resultWriter?.resource)
    throw new StatesError(
      state.itemReader ? StatesErrors.ItemReaderFailed : StatesErrors.ResultWriterFailed,
      `The ${state.itemReader ? 'ItemReader' : 'ResultWriter'} of a Distributed Map is read and written by a Map Run: run the state machine as a Standard execution on a server (stepwise serve); this run (${state.distributed ? "the library's execute(), or an Express execution" : 'an inline Map'}) runs the items inline`,
    );
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

function mapRunArn(run: StepContext, state: MapState): string {
  const info = run.state.info;
  return formatMapRunArn(homeOf(info.stateMachineArn), info.stateMachineName, state.label ?? state.name, run.rt.uuid());
}

/**
 * Starts iterations while the concurrency limit allows; their first events follow `after` (default:
 * the Map's last). Synchronous unless an ItemSelector is a JSONata expression.
 */
function spawnIterations(run: StepContext, frame: Frame, state: MapState, after?: number): MaybePromise<void> {
  const phase = frame.phase as MapPhase;
  const limit = phase.maxConcurrency > 0 ? phase.maxConcurrency : Number.POSITIVE_INFINITY;
  while (phase.nextIndex < phase.items.length && phase.running.length < limit) {
    const index = phase.nextIndex++;
    if (phase.done[index]) continue;
    const value = phase.items[index] as Json;
    const input = iterationInput(run, frame, state, phase.mapInput, index, value);
    if (input instanceof Promise) {
      return input.then((ready) => {
        spawnIteration(run, frame, state, index, value, ready, after);
        return spawnIterations(run, frame, state, after);
      });
    }
    spawnIteration(run, frame, state, index, value, input, after);
  }
}

function spawnIteration(
  run: StepContext,
  frame: Frame,
  state: MapState,
  index: number,
  value: Json,
  input: Json,
  after: number | undefined,
): void {
  const mapItem = { index, value };
  const child = newChild(
    run,
    frame,
    state.processorList,
    state.processor,
    index,
    input,
    state.distributed,
    mapItem,
    after,
  );
  (frame.phase as MapPhase).running.push(child.id);
}

function finishMap(run: StepContext, frame: Frame, state: MapState): MaybePromise<Outcome> {
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

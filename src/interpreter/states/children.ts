/**
 * Parallel and Map: states that run child frames (branches, iterations) and gather their results.
 * Children are frames of the same execution state, queued and moved by the same step; the parent
 * frame only keeps the bookkeeping.
 */
import type { Json } from '../../json.js';
import { jsonTypeName } from '../../json.js';
import { StatesError, StatesErrors } from '../errors.js';
import type { Dynamic, MapState, ParallelState, StateList } from '../compiled.js';
import type { Run } from '../run.js';
import type { Frame, MapPhase } from '../types.js';
import { dynamicValue } from './simple.js';
import {
  effectiveInput,
  finishWithResult,
  jsonataArguments,
  processState,
  type MaybePromise,
  type Outcome,
} from './index.js';

// ---- frames ---------------------------------------------------------------------------------

function newChild(
  run: Run,
  parent: Frame,
  list: string,
  start: StateList,
  index: number,
  input: Json,
  isolated: boolean,
  mapItem?: Frame['mapItem'],
): Frame {
  const child: Frame = {
    id: run.nextId('frame'),
    parentId: parent.id,
    index,
    list,
    variables: {},
    isolated,
    stateName: start.startAt,
    stateInput: input,
    enteredEventId: 0,
    enteredTime: 0,
    retryAttempts: [],
    retryCount: 0,
    phase: { kind: 'start' },
    mapItem,
  };
  run.addFrame(child);
  run.schedule(child.id);
  return child;
}

/** A queued child frame starts: a Map iteration announces itself, then its first state is entered. */
export function startFrame(run: Run, frame: Frame): MaybePromise<Outcome> {
  const parent = frame.parentId !== undefined ? run.state.frames[frame.parentId] : undefined;
  if (parent && parent.phase.kind === 'map' && !parent.phase.distributed) {
    run.emit(frame, 'MapIterationStarted', () => ({ name: parent.stateName, index: frame.index }));
  }
  run.enterState(frame, frame.stateName, frame.stateInput);
  return processState(run, run.frame(frame.id));
}

// ---- Parallel -------------------------------------------------------------------------------

export async function parallel(run: Run, frame: Frame, state: ParallelState): Promise<Outcome> {
  const input =
    state.queryLanguage === 'JSONata' ? await jsonataArguments(run, frame, state) : effectiveInput(run, frame, state);
  run.emit(frame, 'ParallelStateStarted');
  // A redriven Parallel keeps the branches that succeeded and reruns the others.
  const kept =
    frame.retained?.kind === 'parallel' && frame.retained.done.length === state.branches.length
      ? frame.retained
      : undefined;
  frame.retained = undefined;
  const results = kept ? [...kept.results] : state.branches.map(() => null);
  const done = kept ? [...kept.done] : state.branches.map(() => false);
  const children: string[] = [];
  state.branches.forEach((branch, i) => {
    if (!done[i]) children.push(newChild(run, frame, `${state.address}/branch/${i}`, branch, i, input, false).id);
  });
  frame.phase = { kind: 'parallel', results, done, pending: children.length, children };
  if (children.length === 0) return finishParallel(run, frame, state);
  return { kind: 'blocked' };
}

async function finishParallel(run: Run, frame: Frame, state: ParallelState): Promise<Outcome> {
  const results = frame.phase.kind === 'parallel' ? frame.phase.results : [];
  run.emit(frame, 'ParallelStateSucceeded');
  frame.phase = { kind: 'ready' };
  return finishWithResult(run, frame, state, results);
}

// ---- Map ------------------------------------------------------------------------------------

export async function map(run: Run, frame: Frame, state: MapState): Promise<Outcome> {
  const jsonata = state.queryLanguage === 'JSONata';
  const mapInput = jsonata ? frame.stateInput : run.selectPath(frame, state.inputPath, frame.stateInput);
  const items = await mapItems(run, frame, state, mapInput);
  const maxConcurrency = state.maxConcurrency
    ? integerField(
        'MaxConcurrency',
        state.maxConcurrency,
        await dynamicValue(run, frame, state.maxConcurrency, mapInput),
      )
    : 0;
  run.emit(frame, 'MapStateStarted', () => ({ length: items.length }));
  let toleratedFailureCount = 0;
  let toleratedFailurePercentage = 0;
  if (state.toleratedFailureCount) {
    toleratedFailureCount = integerField(
      'ToleratedFailureCount',
      state.toleratedFailureCount,
      await dynamicValue(run, frame, state.toleratedFailureCount, mapInput),
    );
    if (toleratedFailureCount < 0)
      throw new StatesError(StatesErrors.Runtime, 'ToleratedFailureCount cannot be negative.');
  }
  if (state.toleratedFailurePercentage) {
    toleratedFailurePercentage = floatField(
      state.toleratedFailurePercentage,
      await dynamicValue(run, frame, state.toleratedFailurePercentage, mapInput),
    );
    if (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100)
      throw new StatesError(StatesErrors.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
  }
  const batched = state.itemBatcher ? await batchItems(run, frame, state, items, mapInput) : items;
  // A redriven Map keeps the iterations that succeeded and reruns the others.
  const kept =
    frame.retained?.kind === 'map' && frame.retained.done.length === batched.length ? frame.retained : undefined;
  frame.retained = undefined;
  const phase: MapPhase = {
    kind: 'map',
    items: batched,
    results: kept ? [...kept.results] : batched.map(() => null),
    done: kept ? [...kept.done] : batched.map(() => false),
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

async function mapItems(run: Run, frame: Frame, state: MapState, mapInput: Json): Promise<Json[]> {
  return requireItems(state, await itemsValue(run, frame, state, mapInput));
}

/** What a Map iterates over, before it is checked: Items (JSONata), ItemsPath (JSONPath), or the input. */
export async function itemsValue(run: Run, frame: Frame, state: MapState, mapInput: Json): Promise<Json> {
  if (state.queryLanguage === 'JSONata') {
    return state.items
      ? state.items.template.evaluate(run.bindings(frame, { input: frame.stateInput }), 'Items')
      : mapInput;
  }
  return state.itemsPath ? run.selectPath(frame, state.itemsPath, mapInput) : mapInput;
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
  run: Run,
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

function mapRunArn(run: Run, state: MapState): string {
  const info = run.state.info;
  const parts = info.stateMachineArn.split(':');
  const prefix = parts.slice(0, 5).join(':');
  const label = state.label ?? state.name;
  return `${prefix}:mapRun:${info.stateMachineName}/${label}:${run.rt.uuid()}`;
}

/** Starts iterations while the concurrency limit allows. */
async function spawnIterations(run: Run, frame: Frame, state: MapState): Promise<void> {
  const phase = frame.phase as MapPhase;
  const limit = phase.maxConcurrency > 0 ? phase.maxConcurrency : Number.POSITIVE_INFINITY;
  while (phase.nextIndex < phase.items.length && phase.running.length < limit) {
    const index = phase.nextIndex++;
    if (phase.done[index]) continue;
    const value = phase.items[index] as Json;
    const input = await iterationInput(run, frame, state, phase, index, value);
    const child = newChild(run, frame, `${state.address}/processor`, state.processor, index, input, state.distributed, {
      index,
      value,
    });
    phase.running.push(child.id);
  }
}

async function iterationInput(
  run: Run,
  frame: Frame,
  state: MapState,
  phase: MapPhase,
  index: number,
  value: Json,
): Promise<Json> {
  const selector = state.itemSelector;
  if (!selector) return value;
  const mapItem = { index, value };
  if (selector.kind === 'jsonata') {
    return selector.template.evaluate(run.bindings(frame, { input: frame.stateInput }, { mapItem }), 'ItemSelector');
  }
  return selector.template.evaluate(run.scope(frame, phase.mapInput, { mapItem }));
}

async function finishMap(run: Run, frame: Frame, state: MapState): Promise<Outcome> {
  const phase = frame.phase as MapPhase;
  if (phase.distributed) run.emit(frame, 'MapRunSucceeded');
  run.emit(frame, 'MapStateSucceeded');
  frame.phase = { kind: 'ready' };
  return finishWithResult(run, frame, state, phase.results);
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

// ---- children finishing -------------------------------------------------------------------------

/** A branch or iteration ended; the parent state gathers its result or fails. */
export async function childFinished(run: Run, child: Frame): Promise<void> {
  const parentId = child.parentId as string;
  run.removeFrame(child.id);
  if (!run.state.frames[parentId]) return;
  const parent = run.frame(parentId);
  const outcome = child.outcome;
  if (!outcome) return;
  const state = run.current(parent);
  // `parent` is this step's own copy (Run.frame), so its phase arrays may be updated in place.
  if (parent.phase.kind === 'parallel' && state.type === 'Parallel') {
    const phase = parent.phase;
    remove(phase.children, child.id);
    if (!outcome.ok) {
      abortChildren(run, parent, false);
      parent.retained = { kind: 'parallel', results: phase.results, done: phase.done };
      parent.phase = { kind: 'ready' };
      await run.advance(parentId, async () => ({ kind: 'error', error: outcome.error, cause: outcome.cause }));
      return;
    }
    phase.results[child.index] = outcome.output;
    phase.done[child.index] = true;
    phase.pending -= 1;
    if (phase.pending === 0) await run.advance(parentId, () => finishParallel(run, run.frame(parentId), state));
    return;
  }
  if (parent.phase.kind === 'map' && state.type === 'Map') {
    const phase = parent.phase;
    remove(phase.running, child.id);
    if (outcome.ok) {
      if (!phase.distributed)
        run.emit(parent, 'MapIterationSucceeded', () => ({ name: parent.stateName, index: child.index }));
      phase.results[child.index] = outcome.output;
      phase.done[child.index] = true;
      phase.succeeded += 1;
    } else {
      if (!phase.distributed)
        run.emit(parent, 'MapIterationFailed', () => ({ name: parent.stateName, index: child.index }));
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
        await run.advance(parentId, async () => ({ kind: 'error', ...failure }));
        return;
      }
    }
    await run.advance(parentId, async () => {
      const current = run.frame(parentId);
      await spawnIterations(run, current, state);
      const now = current.phase as MapPhase;
      if (now.running.length === 0 && now.nextIndex >= now.items.length) return finishMap(run, current, state);
      return { kind: 'blocked' };
    });
  }
}

function remove(ids: string[], id: string): void {
  const i = ids.indexOf(id);
  if (i >= 0) ids.splice(i, 1);
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

/**
 * Stops every child of a frame (recursively): their tasks and timers are cancelled and, when
 * `record` or the child is mid-state, the Aborted events AWS writes are recorded.
 */
export function abortChildren(run: Run, frame: Frame, record: boolean): void {
  const phase = frame.phase;
  const childIds = phase.kind === 'parallel' ? phase.children : phase.kind === 'map' ? phase.running : [];
  for (const id of childIds) {
    const child = run.state.frames[id];
    if (!child) continue;
    // The child's own state is aborted here, once; the recursion only reaches its descendants.
    abortChildren(run, child, false);
    abortFrameState(run, child);
    if (phase.kind === 'map' && !phase.distributed)
      run.emit(frame, 'MapIterationAborted', () => ({ name: frame.stateName, index: child.index }));
    run.removeFrame(id);
  }
  if (record) abortFrameState(run, frame);
}

function abortFrameState(run: Run, frame: Frame): void {
  const phase = frame.phase;
  switch (phase.kind) {
    case 'task':
      run.unwait(phase.taskId);
      run.commands.push({ kind: 'cancelTask', taskId: phase.taskId });
      run.cancelTimer(phase.timeoutTimerId);
      run.cancelTimer(phase.heartbeatTimerId);
      run.emit(frame, 'TaskStateAborted');
      break;
    case 'wait':
      run.cancelTimer(phase.timerId);
      run.emit(frame, 'WaitStateAborted');
      break;
    case 'retryBackoff':
      run.cancelTimer(phase.timerId);
      break;
    case 'parallel':
      run.emit(frame, 'ParallelStateAborted');
      break;
    case 'map':
      if (phase.distributed) run.emit(frame, 'MapRunAborted');
      run.emit(frame, 'MapStateAborted');
      break;
    default:
      break;
  }
}

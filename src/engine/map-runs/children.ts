/**
 * A Map Run's children: the inputs its items make (ItemSelector per item, then ItemBatcher), the
 * state machine they run (the ItemProcessor under `<parent>/<label>`) and their names, which are
 * derived from the run and the child's position so a restarted run finds the children it started.
 */
import type { Json, JsonObject } from '../../json.js';
import type { MapState } from '../../interpreter/compiled.js';
import { mapRunItemInput, type MapRunSpec } from '../../interpreter/map-run.js';
import type { QueryRuntime } from '../../query/scope.js';
import type { StateMachineRecord } from '../../store/types.js';
import type { MapItem } from './ports.js';
import { parseStatesArn } from '../../vocabulary/arn.js';
import { derivedUuid } from '../../vocabulary/derived-uuid.js';

/** One child to start: its position, its input, and how many items it carries. */
export interface ChildInput {
  index: number;
  input: Json;
  itemCount: number;
}

/** The children's inputs in order, as the items arrive (never all of them at once). */
export async function* childInputs(
  spec: MapRunSpec,
  state: MapState,
  items: AsyncIterable<MapItem> | Iterable<MapItem>,
  rt: QueryRuntime,
): AsyncGenerator<ChildInput> {
  const batcher = spec.batcher;
  let itemIndex = 0;
  let childIndex = 0;
  let batch: Json[] = [];
  let batchBytes = 0;
  const flush = (): ChildInput => {
    const input: JsonObject = { Items: batch };
    if (batcher?.batchInput !== undefined) input.BatchInput = batcher.batchInput;
    const child = { index: childIndex++, input, itemCount: batch.length };
    batch = [];
    batchBytes = 0;
    return child;
  };
  for await (const item of items) {
    const value = await mapRunItemInput(state, spec.selector, { index: itemIndex++, ...item }, rt);
    if (!batcher) {
      yield { index: childIndex++, input: value, itemCount: 1 };
      continue;
    }
    const bytes = batcher.maxInputBytesPerBatch !== undefined ? Buffer.byteLength(JSON.stringify(value)) : 0;
    const full =
      batch.length > 0 &&
      ((batcher.maxItemsPerBatch !== undefined && batch.length >= batcher.maxItemsPerBatch) ||
        (batcher.maxInputBytesPerBatch !== undefined && batchBytes + bytes > batcher.maxInputBytesPerBatch));
    if (full) yield flush();
    batch.push(value);
    batchBytes += bytes;
  }
  if (batch.length > 0) yield flush();
}

/** The state machine a run's children execute: `arn:...:stateMachine:<parent>/<label>`, the processor as its definition. */
export function childMachine(
  spec: MapRunSpec,
  parent: { roleArn: string; stateMachineName: string },
  startDate: number,
): StateMachineRecord {
  const parsed = parseStatesArn(spec.mapRunArn);
  if (!parsed.ok || parsed.arn.kind !== 'mapRun') throw new Error(`Not a Map Run ARN: ${spec.mapRunArn}`);
  const { partition, region, account } = parsed.arn;
  const name = `${parsed.arn.stateMachineName}/${parsed.arn.mapLabel ?? spec.stateName}`;
  return {
    arn: `arn:${partition}:states:${region}:${account}:stateMachine:${name}`,
    name,
    type: spec.executionType,
    definition: JSON.stringify(spec.processor),
    roleArn: parent.roleArn,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    status: 'ACTIVE',
    creationDate: startDate,
    // One definition per run: the compile cache keys on it.
    revisionId: spec.mapRunArn,
  };
}

/** A child's name: a UUID derived from the run and the child's position, the same after a restart. */
export function childName(mapRunArn: string, index: number): string {
  return derivedUuid(`${mapRunArn}\n${index}`);
}

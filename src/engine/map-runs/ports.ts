/**
 * What a Map Run needs from outside the engine: its items read from S3 (ItemReader) and its results
 * written there (ResultWriter). The engine defines the port; `integrations/map-data` implements it
 * over the AWS SDK, and the server wires the two together.
 */
import type { Json, JsonObject } from '../../json.js';
import type { MapDataSpec } from '../../interpreter/map-run.js';

/** Which execution a read or write is for (its region, its role). */
export interface MapDataContext {
  executionArn: string;
  roleArn?: string;
}

/** One child of a Map Run as the ResultWriter writes it (DescribeExecution's fields). */
export interface ChildResult {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING';
  /** JSON text. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
}

/** One item as read: its value, and its member name when the items are a JSON object's members ($$.Map.Item.Key). */
export interface MapItem {
  value: Json;
  key?: string;
}

export interface MapRunData {
  /**
   * The items in order, streamed. Throws StatesError('States.ItemReaderFailed', cause) when the
   * object cannot be read or is not what ReaderConfig says; stops when `signal` aborts.
   */
  readItems(
    reader: MapDataSpec & { readerConfig: JsonObject },
    context: MapDataContext,
    options: { signal?: AbortSignal },
  ): AsyncIterable<MapItem>;
  /**
   * Writes the run's results (manifest and result files) and answers what the Map's output holds.
   * Throws StatesError('States.ResultWriterFailed', cause) when it cannot.
   */
  writeResults(
    writer: MapDataSpec & { writerConfig?: JsonObject },
    mapRunArn: string,
    results: AsyncIterable<ChildResult>,
    context: MapDataContext,
  ): Promise<Json>;
}

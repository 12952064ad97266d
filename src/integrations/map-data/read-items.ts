/**
 * ItemReader: the items of a Distributed Map read from S3, streamed in order.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { asReaderFailure, readerFailed } from './errors.js';
import { CSV_DELIMITERS, checkHeaders, csvRecords, rowObject, type CsvDelimiterName } from './csv-stream.js';
import { jsonItems, parsePointer } from './json-stream.js';
import { athenaManifestFiles, readInventoryManifest } from './manifest.js';
import { parquetRows } from './parquet.js';
import type { S3Access, S3Context } from './s3-access.js';
import { lines, objectText, type ObjectLocation } from './source.js';

/** What the Map state says about its reader, evaluated. */
export interface ItemReaderSpec {
  /** `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2` (any partition; the `aws-sdk:s3:` forms too). */
  resource: string;
  /** The reader's evaluated Parameters (JSONPath) or Arguments (JSONata): Bucket, Key, VersionId, Prefix... */
  parameters: JsonObject;
  /** ReaderConfig with MaxItemsPath already resolved into MaxItems by the caller. */
  readerConfig: JsonObject;
}

/** One item and where it came from. */
export interface ItemRecord {
  value: Json;
  /** The member's name, when the items are the members of a JSON object (`$$.Map.Item.Key`). */
  key?: string;
  /** The data file the item was read from, for Athena manifests and LOAD_AND_FLATTEN (`s3://bucket/key`). */
  source?: string;
}

export interface ReadOptions {
  /** Items read past and not yielded: those a Map Run already had before a restart. */
  skip?: number;
  /** Stops the reading: open requests are cancelled and the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The largest item read from a CSV, JSON or JSON Lines file (AWS: 8 MB). */
  maxItemBytes?: number;
}

/**
 * AWS: "Step Functions supports reading an item of up to 8 MB from a text delimited file, JSON, or
 * JSON Lines file" (the child's input, after ItemSelector, is bounded at 256 KiB by the caller).
 */
export const MAX_ITEM_BYTES = 8 * 1024 * 1024;

type Action = 'getObject' | 'listObjectsV2';

function actionOf(resource: string): Action {
  const match = /^arn:[^:]+:states:::(?:aws-sdk:)?s3:(getObject|listObjectsV2)$/.exec(resource);
  if (!match) throw readerFailed(`The ItemReader resource '${resource}' is not supported.`);
  return match[1] as Action;
}

function text(params: JsonObject, name: string, required: boolean): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) {
    if (required) throw readerFailed(`The ItemReader's parameters must have a '${name}' string.`);
    return undefined;
  }
  if (typeof value !== 'string') throw readerFailed(`The ItemReader's '${name}' parameter must be a string.`);
  return value;
}

function locationOf(params: JsonObject): ObjectLocation {
  const location: ObjectLocation = {
    Bucket: text(params, 'Bucket', true) as string,
    Key: text(params, 'Key', true) as string,
  };
  const version = text(params, 'VersionId', false);
  if (version !== undefined) location.VersionId = version;
  const owner = text(params, 'ExpectedBucketOwner', false);
  if (owner !== undefined) location.ExpectedBucketOwner = owner;
  return location;
}

function tooLarge(maxItemBytes: number): () => Error {
  return () => readerFailed(`An item is larger than the ${maxItemBytes} bytes Step Functions reads from a file.`);
}

interface Format {
  inputType: string;
  delimiter: string;
  givenHeaders?: string[];
  pointer: string[];
  maxItemBytes: number;
}

function formatOf(config: JsonObject, maxItemBytes: number): Format {
  const inputType = typeof config.InputType === 'string' ? config.InputType : '';
  const delimiterName = (config.CSVDelimiter ?? 'COMMA') as string;
  const delimiter = CSV_DELIMITERS[delimiterName as CsvDelimiterName];
  if (delimiter === undefined)
    throw readerFailed(`The CSVDelimiter '${delimiterName}' is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB.`);
  const format: Format = { inputType, delimiter, pointer: [], maxItemBytes };
  if (config.CSVHeaderLocation === 'GIVEN') {
    const headers = config.CSVHeaders;
    if (!Array.isArray(headers) || !headers.every((h) => typeof h === 'string'))
      throw readerFailed('CSVHeaders must be an array of strings when CSVHeaderLocation is GIVEN.');
    format.givenHeaders = checkHeaders(headers as string[]);
  }
  if (typeof config.ItemsPointer === 'string') format.pointer = parsePointer(config.ItemsPointer);
  return format;
}

/** The items of one data file of this format. */
async function* fileItems(
  client: S3Client,
  location: ObjectLocation,
  format: Format,
  signal: AbortSignal | undefined,
): AsyncGenerator<ItemRecord> {
  switch (format.inputType) {
    case 'JSON':
      yield* jsonItems(
        objectText(client, location, signal),
        format.pointer,
        format.maxItemBytes,
        tooLarge(format.maxItemBytes),
      );
      return;
    case 'JSONL': {
      let n = 0;
      for await (const line of lines(objectText(client, location, signal))) {
        n++;
        if (line.trim() === '') continue;
        // A UTF-16 code unit is at most 3 bytes of UTF-8: only a line that could be over is measured.
        if (line.length * 3 > format.maxItemBytes && Buffer.byteLength(line) > format.maxItemBytes)
          throw tooLarge(format.maxItemBytes)();
        try {
          yield { value: JSON.parse(line) as Json };
        } catch {
          throw readerFailed(`The JSON Lines file could not be read: line ${n} is not JSON.`);
        }
      }
      return;
    }
    case 'CSV': {
      let headers = format.givenHeaders;
      for await (const record of csvRecords(
        objectText(client, location, signal),
        format.delimiter,
        format.maxItemBytes,
        tooLarge(format.maxItemBytes),
      )) {
        if (!headers) {
          headers = checkHeaders(record);
          continue;
        }
        yield { value: rowObject(headers, record) };
      }
      return;
    }
    case 'PARQUET':
      for await (const row of parquetRows(client, location, signal)) yield { value: row };
      return;
    default:
      throw readerFailed(
        `The InputType '${format.inputType}' cannot be read here; use CSV, JSON, JSONL, PARQUET or MANIFEST.`,
      );
  }
}

async function* getObjectItems(
  client: S3Client,
  spec: ItemReaderSpec,
  signal: AbortSignal | undefined,
  maxItemBytes: number,
): AsyncGenerator<ItemRecord> {
  const location = locationOf(spec.parameters);
  const config = spec.readerConfig;
  const format = formatOf(config, maxItemBytes);
  if (config.ManifestType === 'ATHENA_DATA') {
    if (!['CSV', 'JSONL', 'PARQUET'].includes(format.inputType))
      throw readerFailed('With ManifestType ATHENA_DATA, InputType must be CSV, JSONL or PARQUET.');
    for await (const file of athenaManifestFiles(client, location, signal))
      for await (const item of fileItems(client, { Bucket: file.bucket, Key: file.key }, format, signal))
        yield { ...item, source: file.uri };
    return;
  }
  if (config.ManifestType === 'S3_INVENTORY' || format.inputType === 'MANIFEST') {
    const manifest = await readInventoryManifest(client, location, signal);
    const headers = format.givenHeaders ?? checkHeaders(manifest.headers);
    for (const key of manifest.files) {
      const rows = csvRecords(
        objectText(client, { Bucket: manifest.bucket, Key: key }, signal),
        format.delimiter,
        maxItemBytes,
        tooLarge(maxItemBytes),
      );
      for await (const record of rows) yield { value: rowObject(headers, record) };
    }
    return;
  }
  if (config.ManifestType !== undefined)
    throw readerFailed(`The ManifestType '${String(config.ManifestType)}' is not one of ATHENA_DATA, S3_INVENTORY.`);
  yield* fileItems(client, location, format, signal);
}

/** The listing entry AWS gives a child: `Etag` (so spelt), `LastModified` in epoch seconds. */
function listingItem(entry: {
  Key?: string;
  ETag?: string;
  LastModified?: Date;
  Size?: number;
  StorageClass?: string;
}): JsonObject {
  const item: JsonObject = {};
  if (entry.ETag !== undefined) item.Etag = entry.ETag;
  if (entry.Key !== undefined) item.Key = entry.Key;
  if (entry.LastModified !== undefined) item.LastModified = Math.floor(entry.LastModified.getTime() / 1000);
  if (entry.Size !== undefined) item.Size = entry.Size;
  if (entry.StorageClass !== undefined) item.StorageClass = entry.StorageClass;
  return item;
}

async function* listObjectsItems(
  client: S3Client,
  spec: ItemReaderSpec,
  signal: AbortSignal | undefined,
  maxItemBytes: number,
): AsyncGenerator<ItemRecord> {
  const params = spec.parameters;
  const Bucket = text(params, 'Bucket', true) as string;
  const Prefix = text(params, 'Prefix', false);
  const StartAfter = text(params, 'StartAfter', false);
  const ExpectedBucketOwner = text(params, 'ExpectedBucketOwner', false);
  const flatten = spec.readerConfig.Transformation === 'LOAD_AND_FLATTEN';
  const format = flatten ? formatOf(spec.readerConfig, maxItemBytes) : undefined;
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket,
        ...(Prefix !== undefined ? { Prefix } : {}),
        ...(StartAfter !== undefined ? { StartAfter } : {}),
        ...(ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner } : {}),
        ...(ContinuationToken !== undefined ? { ContinuationToken } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    for (const entry of page.Contents ?? []) {
      if (!format) {
        yield { value: listingItem(entry) };
        continue;
      }
      if (entry.Key === undefined || entry.Key.endsWith('/')) continue;
      for await (const item of fileItems(client, { Bucket, Key: entry.Key }, format, signal))
        yield { ...item, source: `s3://${Bucket}/${entry.Key}` };
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken !== undefined);
}

function maxItemsOf(config: JsonObject): number {
  const max = config.MaxItems;
  if (max === undefined || max === null) return Infinity;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
    throw readerFailed('ReaderConfig.MaxItems must be a non-negative integer.');
  return max;
}

/**
 * The items with where they came from, in order, streamed. `skip` items are read past. Failures
 * reject with StatesError('States.ItemReaderFailed', cause); an abort rejects with the signal's reason.
 */
export async function* readItemRecords(
  spec: ItemReaderSpec,
  s3: S3Access,
  ctx: S3Context,
  options: ReadOptions = {},
): AsyncGenerator<ItemRecord> {
  const { signal } = options;
  const skip = options.skip ?? 0;
  const maxItemBytes = options.maxItemBytes ?? MAX_ITEM_BYTES;
  let index = 0;
  try {
    signal?.throwIfAborted();
    if (!isJsonObject(spec.parameters)) throw readerFailed("The ItemReader's parameters must be an object.");
    const max = maxItemsOf(spec.readerConfig ?? {});
    if (max <= skip) return;
    const client = await s3.client(ctx);
    const source =
      actionOf(spec.resource) === 'getObject'
        ? getObjectItems(client, spec, signal, maxItemBytes)
        : listObjectsItems(client, spec, signal, maxItemBytes);
    for await (const item of source) {
      signal?.throwIfAborted();
      if (index++ >= skip) yield item;
      if (index >= max) return;
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw asReaderFailure(e);
  }
}

/** The items, in order, streamed (see readItemRecords). */
export async function* readItems(
  spec: ItemReaderSpec,
  s3: S3Access,
  ctx: S3Context,
  options: ReadOptions = {},
): AsyncGenerator<Json> {
  for await (const record of readItemRecords(spec, s3, ctx, options)) yield record.value;
}

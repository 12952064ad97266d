/**
 * Parquet objects read with hyparquet through ranged GETs: the footer first, then one row group at
 * a time (AWS's limits: row groups of at most 256 MB, a footer of at most 5 MB), so the object is
 * never held whole. Snappy is hyparquet's own; GZIP comes from node:zlib; ZSTD needs a Node.js with
 * zstd in node:zlib.
 */
import * as zlib from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parquetMetadataAsync, parquetReadObjects, toJson, type AsyncBuffer, type Compressors } from 'hyparquet';
import type { Json } from '../../json.js';
import { readerFailed } from './errors.js';
import type { ObjectLocation } from './source.js';

/** AWS: "256MB is the maximum row-group size, and 5MB is the maximum footer size." */
export const MAX_ROW_GROUP_BYTES = 256 * 1000 * 1000;
export const MAX_FOOTER_BYTES = 5 * 1000 * 1000;

const compressors: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  ZSTD: (input) => {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
    if (!zstd) throw readerFailed('ZSTD-compressed Parquet pages need Node.js 22.15 or later to be read.');
    return new Uint8Array(zstd(input));
  },
};

/** An AsyncBuffer whose slices are S3 `Range` GETs. */
export async function s3AsyncBuffer(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
): Promise<AsyncBuffer> {
  const options = signal ? { abortSignal: signal } : {};
  const { Bucket, Key, ExpectedBucketOwner } = location;
  const base = { Bucket, Key, ...(ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner } : {}) };
  let head;
  try {
    head = await client.send(new HeadObjectCommand(base), options);
  } catch (e) {
    // HEAD answers a bare 404; GetObject says which (NoSuchKey, NoSuchBucket) as other readers do.
    const answer = await client.send(new GetObjectCommand(base), options);
    (answer.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw e;
  }
  const byteLength = head.ContentLength ?? 0;
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      if (end <= start) return new ArrayBuffer(0);
      const answer = await client.send(new GetObjectCommand({ ...base, Range: `bytes=${start}-${end - 1}` }), options);
      const bytes = await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

function failed(key: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  return readerFailed(`The Parquet file '${key}' could not be read: ${detail}`);
}

/** The rows of a Parquet object, in order, one row group in memory at a time. */
export async function* parquetRows(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
): AsyncGenerator<Json> {
  if (location.VersionId !== undefined)
    throw readerFailed('The VersionId field is not supported for the PARQUET InputType.');
  const file = await s3AsyncBuffer(client, location, signal);
  if (file.byteLength >= 8) {
    const tail = new DataView(await file.slice(file.byteLength - 8, file.byteLength));
    const footer = tail.getUint32(0, true);
    const magic = tail.getUint32(4, true) === 0x31524150; // "PAR1"
    if (magic && footer > MAX_FOOTER_BYTES)
      throw readerFailed(`The Parquet file '${location.Key}' has a footer larger than ${MAX_FOOTER_BYTES} bytes.`);
  }
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw failed(location.Key, e);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    signal?.throwIfAborted();
    const rows = Number(group.num_rows);
    if (Number(group.total_compressed_size ?? group.total_byte_size) > MAX_ROW_GROUP_BYTES)
      throw readerFailed(
        `The Parquet file '${location.Key}' has a row group larger than ${MAX_ROW_GROUP_BYTES} bytes.`,
      );
    let objects: Record<string, unknown>[];
    try {
      objects = await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + rows, compressors });
    } catch (e) {
      throw failed(location.Key, e);
    }
    for (const row of objects) yield toJson(row) as Json;
    rowStart += rows;
  }
}

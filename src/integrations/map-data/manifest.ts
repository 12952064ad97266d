/**
 * Manifests that list the data files of a dataset (`ReaderConfig.ManifestType`):
 * - `S3_INVENTORY` (or `InputType: MANIFEST`): an S3 Inventory `manifest.json` whose `files` are
 *   gzip'd CSV files in `destinationBucket`, with the columns its `fileSchema` names; each row is an
 *   item of column → string (the developer guide's example: `{"Bucket", "Key", "Size", "LastModifiedDate"}`).
 *   AWS reads CSV inventories only.
 * - `ATHENA_DATA`: the manifest an Athena `UNLOAD` writes, a text list of `s3://bucket/key` URIs,
 *   each file read as the `InputType` (CSV, JSONL or PARQUET) says.
 */
import type { Json } from '../../json.js';
import { isJsonObject } from '../../json.js';
import { readerFailed } from './errors.js';
import { lines, objectText, type ObjectLocation } from './source.js';
import type { S3Client } from '@aws-sdk/client-s3';

/** The S3 manifest is read whole: it is small (AWS bounds nothing here; Stepwise bounds it at 16 MiB). */
export const MAX_MANIFEST_CHARS = 16 * 1024 * 1024;

export interface InventoryManifest {
  bucket: string;
  headers: string[];
  files: string[];
}

export async function readInventoryManifest(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
): Promise<InventoryManifest> {
  let text = '';
  for await (const chunk of objectText(client, location, signal)) {
    text += chunk;
    if (text.length > MAX_MANIFEST_CHARS)
      throw readerFailed(
        `The S3 inventory manifest '${location.Key}' is larger than ${MAX_MANIFEST_CHARS} characters.`,
      );
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw readerFailed(`The S3 inventory manifest '${location.Key}' is not JSON.`);
  }
  if (!isJsonObject(manifest as Json) || !Array.isArray((manifest as Record<string, unknown>).files))
    throw readerFailed(`The S3 inventory manifest '${location.Key}' has no files.`);
  const m = manifest as Record<string, unknown>;
  if (m.fileFormat !== undefined && m.fileFormat !== 'CSV')
    throw readerFailed(
      `The S3 inventory report's fileFormat is ${String(m.fileFormat)}; Step Functions reads CSV inventory reports only.`,
    );
  const destination = typeof m.destinationBucket === 'string' ? m.destinationBucket : location.Bucket;
  const bucket = destination.replace(/^arn:[^:]+:s3:::/, '');
  const headers = typeof m.fileSchema === 'string' ? m.fileSchema.split(',').map((h) => h.trim()) : [];
  const files = (m.files as unknown[]).map((file) => {
    if (!isJsonObject(file as Json) || typeof (file as Record<string, unknown>).key !== 'string')
      throw readerFailed(`The S3 inventory manifest '${location.Key}' lists a file without a key.`);
    return (file as Record<string, string>).key as string;
  });
  return { bucket, headers, files };
}

/** `s3://bucket/key` → its bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri.trim().replace(/^"(.*)"$/, '$1'));
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

/** The data files an Athena UNLOAD manifest lists, one URI a line. */
export async function* athenaManifestFiles(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
): AsyncGenerator<{ bucket: string; key: string; uri: string }> {
  for await (const line of lines(objectText(client, location, signal))) {
    if (line.trim() === '') continue;
    const parsed = parseS3Uri(line);
    if (!parsed)
      throw readerFailed(`The Athena manifest '${location.Key}' lists '${line}', which is not an s3:// URI.`);
    yield { ...parsed, uri: line.trim() };
  }
}

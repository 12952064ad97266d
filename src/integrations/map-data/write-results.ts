/**
 * ResultWriter: a Map Run's child results exported to S3 as AWS lays them out
 * ("ResultWriter (Map)" in the developer guide):
 *
 *   <Prefix>/<map run id>/manifest.json      {DestinationBucket, MapRunArn, ResultFiles: {FAILED, PENDING, SUCCEEDED}}
 *   <Prefix>/<map run id>/SUCCEEDED_<n>.json  the succeeded children
 *   <Prefix>/<map run id>/FAILED_<n>.json     the failed, timed out and aborted ones
 *   <Prefix>/<map run id>/PENDING_<n>.json    those never started because the Map Run failed or was aborted
 *
 * A file holds at most 5 GB; past it the next index starts. Results are streamed: each status has
 * one part in memory at a time, sent as a multipart upload part when full.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { asWriterFailure, writerFailed } from './errors.js';
import type { S3Access, S3Context } from './s3-access.js';

export interface ResultWriterSpec {
  /** `arn:aws:states:::s3:putObject` (any partition). */
  resource: string;
  /** The writer's evaluated Parameters / Arguments: Bucket, Prefix. */
  parameters: JsonObject;
  /** WriterConfig: OutputType (JSON | JSONL), Transformation (NONE | COMPACT | FLATTEN). */
  writerConfig?: JsonObject;
}

export type ChildStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING';

/** One child of a Map Run, as the coordinator knows it. Dates are epoch milliseconds. */
export interface ChildResult {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: ChildStatus;
  /** The child's input, JSON text. */
  input: string;
  /** The child's output, JSON text (succeeded children). */
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  redriveCount?: number;
  redriveStatus?: string;
  redriveStatusReason?: string;
}

export interface WriteOptions {
  /** The largest result file (AWS: 5 GB); a test forces it small. */
  maxFileBytes?: number;
  /** The multipart part size (S3's minimum is 5 MiB, except the last part). */
  partBytes?: number;
}

/** AWS: "Step Functions supports individual result files of up to 5 GB." */
export const MAX_RESULT_FILE_BYTES = 5 * 1000 ** 3;
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export type Transformation = 'NONE' | 'COMPACT' | 'FLATTEN';
export type OutputType = 'JSON' | 'JSONL';

/** The file a status goes to. */
function group(status: ChildStatus): 'SUCCEEDED' | 'FAILED' | 'PENDING' {
  return status === 'SUCCEEDED' ? 'SUCCEEDED' : status === 'PENDING' ? 'PENDING' : 'FAILED';
}

/** A child as `Transformation: NONE` exports it: DescribeExecution's fields, in AWS's order. */
export function describedResult(result: ChildResult): JsonObject {
  const entry: JsonObject = {};
  if (result.cause !== undefined) entry.Cause = result.cause;
  if (result.error !== undefined) entry.Error = result.error;
  if (result.executionArn) entry.ExecutionArn = result.executionArn;
  entry.Input = result.input;
  entry.InputDetails = { Included: true };
  if (result.name) entry.Name = result.name;
  if (result.output !== undefined) {
    entry.Output = result.output;
    entry.OutputDetails = { Included: true };
  }
  if (result.status !== 'PENDING') {
    entry.RedriveCount = result.redriveCount ?? 0;
    const succeeded = result.status === 'SUCCEEDED';
    const redriveStatus = result.redriveStatus ?? (succeeded ? 'NOT_REDRIVABLE' : undefined);
    if (redriveStatus !== undefined) entry.RedriveStatus = redriveStatus;
    const reason =
      result.redriveStatusReason ?? (succeeded ? 'Execution is SUCCEEDED and cannot be redriven' : undefined);
    if (reason !== undefined) entry.RedriveStatusReason = reason;
  }
  if (result.startDate) entry.StartDate = new Date(result.startDate).toISOString();
  if (result.stateMachineArn) entry.StateMachineArn = result.stateMachineArn;
  entry.Status = result.status;
  if (result.stopDate !== undefined) entry.StopDate = new Date(result.stopDate).toISOString();
  return entry;
}

function parsedOutput(result: ChildResult): Json {
  try {
    return JSON.parse(result.output ?? 'null') as Json;
  } catch {
    return result.output ?? null;
  }
}

/**
 * What one child contributes to the results under a Transformation: NONE its described entry,
 * COMPACT its output, FLATTEN its output's elements (an array's) or its output. A child that did not
 * succeed is always its described entry, as AWS documents.
 */
export function transformedResult(result: ChildResult, transformation: Transformation): Json[] {
  if (transformation === 'NONE' || result.status !== 'SUCCEEDED') return [describedResult(result)];
  const output = parsedOutput(result);
  if (transformation === 'FLATTEN' && Array.isArray(output)) return output;
  return [output];
}

function writerConfigOf(spec: ResultWriterSpec): { transformation: Transformation; outputType: OutputType } {
  const config = spec.writerConfig ?? {};
  const transformation = (config.Transformation ?? 'NONE') as Transformation;
  const outputType = (config.OutputType ?? 'JSON') as OutputType;
  if (!['NONE', 'COMPACT', 'FLATTEN'].includes(transformation))
    throw writerFailed(`The Transformation '${String(transformation)}' is not one of NONE, COMPACT, FLATTEN.`);
  if (!['JSON', 'JSONL'].includes(outputType))
    throw writerFailed(`The OutputType '${String(outputType)}' is not one of JSON, JSONL.`);
  return { transformation, outputType };
}

interface ResultFile {
  Key: string;
  Size: number;
}

/** The files of one status, written one after the other. */
class StatusFiles {
  readonly files: ResultFile[] = [];
  private index = 0;
  private key = '';
  private size = 0;
  private entries = 0;
  private parts: Buffer[] = [];
  private partSize = 0;
  private uploadId: string | undefined;
  private uploaded: { ETag: string; PartNumber: number }[] = [];

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly directory: string,
    private readonly name: string,
    private readonly outputType: OutputType,
    private readonly maxFileBytes: number,
    private readonly partBytes: number,
  ) {}

  async add(entry: Json): Promise<void> {
    const text = JSON.stringify(entry);
    const bytes = Buffer.byteLength(text) + 1; // its separator, or the newline of JSONL
    const closing = this.outputType === 'JSON' ? 1 : 0;
    if (this.entries > 0 && this.size + bytes + closing > this.maxFileBytes) await this.finishFile();
    if (this.entries === 0) {
      this.key = `${this.directory}${this.name}_${this.index}.json`;
      this.size = 0;
      if (this.outputType === 'JSON') await this.write('[');
    } else if (this.outputType === 'JSON') await this.write(',');
    await this.write(this.outputType === 'JSON' ? text : `${text}\n`);
    this.entries++;
  }

  async finish(): Promise<void> {
    if (this.entries > 0) await this.finishFile();
  }

  async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId }))
      .catch(() => undefined);
  }

  private async write(text: string): Promise<void> {
    const chunk = Buffer.from(text);
    this.parts.push(chunk);
    this.partSize += chunk.length;
    this.size += chunk.length;
    if (this.partSize >= this.partBytes) await this.uploadPart();
  }

  private async uploadPart(): Promise<void> {
    if (this.uploadId === undefined) {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: 'application/json' }),
      );
      this.uploadId = created.UploadId;
      this.uploaded = [];
    }
    const body = Buffer.concat(this.parts);
    this.parts = [];
    this.partSize = 0;
    const PartNumber = this.uploaded.length + 1;
    const answer = await this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber, Body: body }),
    );
    this.uploaded.push({ ETag: answer.ETag ?? '', PartNumber });
  }

  private async finishFile(): Promise<void> {
    if (this.outputType === 'JSON') {
      const end = Buffer.from(']');
      this.parts.push(end);
      this.partSize += 1;
      this.size += 1;
    }
    if (this.uploadId === undefined) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: Buffer.concat(this.parts),
          ContentType: 'application/json',
        }),
      );
    } else {
      if (this.partSize > 0) await this.uploadPart();
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: this.uploaded },
        }),
      );
      this.uploadId = undefined;
    }
    this.files.push({ Key: this.key, Size: this.size });
    this.parts = [];
    this.partSize = 0;
    this.entries = 0;
    this.index++;
  }
}

/** `<Prefix>/<id>/`: the map run id is the last part of its ARN (`...:mapRun:<machine>/<label>:<id>`). */
export function resultDirectory(prefix: string | undefined, mapRunArn: string): string {
  const id = mapRunArn.split(':').at(-1) ?? mapRunArn;
  if (!prefix) return `${id}/`;
  return prefix.endsWith('/') ? `${prefix}${id}/` : `${prefix}/${id}/`;
}

/**
 * Writes the Map Run's results and returns the Map state's output as AWS gives it:
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }` (Key: the manifest's). Failures reject with
 * StatesError('States.ResultWriterFailed', cause); uploads under way are aborted.
 */
export async function writeResults(
  spec: ResultWriterSpec,
  mapRunArn: string,
  results: AsyncIterable<ChildResult>,
  s3: S3Access,
  ctx: S3Context,
  options: WriteOptions = {},
): Promise<JsonObject> {
  const writers: StatusFiles[] = [];
  try {
    if (!/^arn:[^:]+:states:::(?:aws-sdk:)?s3:putObject$/.test(spec.resource))
      throw writerFailed(`The ResultWriter resource '${spec.resource}' is not supported.`);
    const params = isJsonObject(spec.parameters) ? spec.parameters : {};
    const bucket = params.Bucket;
    if (typeof bucket !== 'string' || bucket === '')
      throw writerFailed("The ResultWriter's parameters must have a 'Bucket' string.");
    const prefix = params.Prefix;
    if (prefix !== undefined && prefix !== null && typeof prefix !== 'string')
      throw writerFailed("The ResultWriter's 'Prefix' parameter must be a string.");
    const { transformation, outputType } = writerConfigOf(spec);
    const client = await s3.client(ctx);
    const directory = resultDirectory(prefix ?? undefined, mapRunArn);
    const maxFileBytes = options.maxFileBytes ?? MAX_RESULT_FILE_BYTES;
    const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    const files = {
      SUCCEEDED: new StatusFiles(client, bucket, directory, 'SUCCEEDED', outputType, maxFileBytes, partBytes),
      FAILED: new StatusFiles(client, bucket, directory, 'FAILED', outputType, maxFileBytes, partBytes),
      PENDING: new StatusFiles(client, bucket, directory, 'PENDING', outputType, maxFileBytes, partBytes),
    };
    writers.push(files.SUCCEEDED, files.FAILED, files.PENDING);
    for await (const result of results) {
      const target = files[group(result.status)];
      for (const entry of transformedResult(result, transformation)) await target.add(entry);
    }
    for (const writer of writers) await writer.finish();
    const manifestKey = `${directory}manifest.json`;
    const manifest = {
      DestinationBucket: bucket,
      MapRunArn: mapRunArn,
      ResultFiles: { FAILED: files.FAILED.files, PENDING: files.PENDING.files, SUCCEEDED: files.SUCCEEDED.files },
    };
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: manifestKey,
        Body: JSON.stringify(manifest),
        ContentType: 'application/json',
      }),
    );
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
  } catch (e) {
    await Promise.all(writers.map((writer) => writer.abort()));
    throw asWriterFailure(e);
  }
}

/**
 * An S3 object as a stream of text: GetObject's body, un-gzipped or un-zstd'd when its first bytes
 * say so (AWS reads `*.gz` and `*.zstd` objects; the magic bytes are what decide here), decoded as
 * UTF-8 across chunk boundaries. Never the whole object in memory; the body is destroyed when the
 * reader stops early, fails or is aborted.
 */
import { Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readerFailed } from './errors.js';

/** Where an object is: GetObject's Bucket, Key and (optionally) VersionId and ExpectedBucketOwner. */
export interface ObjectLocation {
  Bucket: string;
  Key: string;
  VersionId?: string;
  ExpectedBucketOwner?: string;
}

/** AWS reads objects of up to 10 GB (after decompression for inventory files). */
export const MAX_OBJECT_BYTES = 10 * 1000 ** 3;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(chunk: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => chunk[i] === byte);
}

function decompressor(first: Buffer): Transform | undefined {
  if (startsWith(first, GZIP_MAGIC)) return zlib.createGunzip();
  if (startsWith(first, ZSTD_MAGIC)) {
    const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    if (!zstd) throw readerFailed('ZSTD-compressed objects need Node.js 22.15 or later to be read.');
    return zstd();
  }
  return undefined;
}

/** The object's bytes, decompressed. */
export async function* objectBytes(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
  maxBytes = MAX_OBJECT_BYTES,
): AsyncGenerator<Buffer> {
  const answer = await client.send(new GetObjectCommand(location), signal ? { abortSignal: signal } : {});
  const body = answer.Body as Readable | undefined;
  if (!body) return;
  if (answer.ContentLength !== undefined && answer.ContentLength > maxBytes) {
    body.destroy();
    throw readerFailed(`The object '${location.Key}' is larger than the ${maxBytes} bytes Step Functions reads.`);
  }
  let stream: Readable = body;
  let inflater: Transform | undefined;
  let total = 0;
  try {
    const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await iterator.next();
    if (first.done) return;
    inflater = decompressor(first.value);
    if (inflater) {
      const rest = Readable.from(
        (async function* () {
          yield first.value;
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            yield next.value;
          }
        })(),
      );
      stream = rest.pipe(inflater);
      rest.on('error', (e) => inflater?.destroy(e));
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes)
          throw readerFailed(`The object '${location.Key}' is larger than the ${maxBytes} bytes Step Functions reads.`);
        yield chunk;
      }
    } else {
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        yield next.value;
      }
    }
  } catch (e) {
    if (e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('Z_'))
      throw readerFailed(`The object '${location.Key}' could not be decompressed: ${e.message}`);
    throw e;
  } finally {
    inflater?.destroy();
    body.destroy();
  }
}

/** The object's text, decoded as UTF-8 (a character split across chunks is kept whole). */
export async function* objectText(
  client: S3Client,
  location: ObjectLocation,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of objectBytes(client, location, signal)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** The lines of a text stream without their `\n` / `\r\n`; the last line needs no terminator. */
export async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of text) {
    let start = 0;
    const data = carry + chunk;
    for (;;) {
      const end = data.indexOf('\n', start);
      if (end < 0) break;
      yield data.charCodeAt(end - 1) === 13 && end > start ? data.slice(start, end - 1) : data.slice(start, end);
      start = end + 1;
    }
    carry = data.slice(start);
  }
  if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

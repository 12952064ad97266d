/**
 * An s3rver and the map-data S3 access pointed at it, for the Distributed Map data plane tests.
 *
 * s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy
 * provider: in this process every listing past 1,000 keys fails with an InternalError. So this
 * s3rver runs in a child Node.js started with --openssl-legacy-provider (the same s3rver as
 * ../aws/servers.ts starts in-process).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { removeDir, tempDir } from '../../support/files.js';
import type { Running } from '../aws/servers.js';
import { createS3Access, type S3Access, type S3Context } from '../../../src/integrations/map-data/index.js';
import { StatesError } from '../../../src/vocabulary/states-errors.js';

export const REGION = 'us-east-1';
export const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const ctx: S3Context = { executionArn: `arn:aws:states:${REGION}:123456789012:execution:machine:run-1` };

export interface S3Fixture {
  server: Running;
  client: S3Client;
  access: S3Access & { close(): void };
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  text(bucket: string, key: string): Promise<string>;
  keys(bucket: string, prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

const S3RVER = createRequire(import.meta.url).resolve('s3rver');

const CHILD = `
const S3rver = require(process.argv[1]);
const [directory, buckets] = [process.argv[2], JSON.parse(process.argv[3])];
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** s3rver in a child process that can page listings. */
export async function startLegacyS3(buckets: string[]): Promise<Running> {
  const directory = tempDir('stepwise-map-s3-');
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', CHILD, S3RVER, directory, JSON.stringify(buckets)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      removeDir(directory);
    },
  };
}

export async function startFixture(buckets: string[]): Promise<S3Fixture> {
  const server = await startLegacyS3(buckets);
  const client = new S3Client({
    endpoint: server.url,
    region: REGION,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const access = createS3Access({ endpoints: { s3: server.url }, credentials, ecsPollIntervalMs: 5000 });
  return {
    server,
    client,
    access,
    async put(Bucket, Key, Body) {
      await client.send(new PutObjectCommand({ Bucket, Key, Body }));
    },
    async text(Bucket, Key) {
      const answer = await client.send(new GetObjectCommand({ Bucket, Key }));
      return (await answer.Body?.transformToString()) ?? '';
    },
    async keys(Bucket, Prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
        for (const entry of page.Contents ?? []) keys.push(entry.Key ?? '');
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys;
    },
    async close() {
      access.close();
      client.destroy();
      await server.close();
    },
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The StatesError an iteration or promise rejects with. */
export async function failure(run: () => Promise<unknown>): Promise<{ error: string; cause: string }> {
  try {
    await run();
  } catch (e) {
    if (e instanceof StatesError) return { error: e.error, cause: e.cause };
    throw e;
  }
  throw new Error('expected a failure');
}

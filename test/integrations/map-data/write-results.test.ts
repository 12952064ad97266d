import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/json.js';
import {
  transformedResult,
  writeResults,
  type ChildResult,
  type ResultWriterSpec,
} from '../../../src/integrations/map-data/index.js';
import { ctx, failure, startFixture, type S3Fixture } from './helpers.js';

const BUCKET = 'results';
const PUT = 'arn:aws:states:::s3:putObject';
const MAP_RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:machine/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7';
let s3: S3Fixture;

beforeAll(async () => {
  s3 = await startFixture([BUCKET]);
}, 30_000);
afterAll(async () => {
  await s3?.close();
});

function child(i: number, status: ChildResult['status'], output?: unknown): ChildResult {
  const result: ChildResult = {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:machine/Map:child-${i}`,
    name: `child-${i}`,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine/Map',
    status,
    input: JSON.stringify({ i }),
    startDate: Date.UTC(2025, 1, 4, 1, 49, 50, 99),
    stopDate: Date.UTC(2025, 1, 4, 1, 49, 50, 163),
  };
  if (output !== undefined) result.output = JSON.stringify(output);
  if (status === 'FAILED') Object.assign(result, { error: 'Boom', cause: 'it broke' });
  return result;
}

async function* from(results: ChildResult[]): AsyncGenerator<ChildResult> {
  yield* results;
}

function writer(prefix: string, writerConfig?: JsonObject): ResultWriterSpec {
  return { resource: PUT, parameters: { Bucket: BUCKET, Prefix: prefix }, ...(writerConfig ? { writerConfig } : {}) };
}

describe('writeResults', () => {
  it('writes the manifest and one file per status, and returns what the Map state outputs', async () => {
    const results = [
      child(0, 'SUCCEEDED', [{ o: 0 }]),
      child(1, 'FAILED'),
      child(2, 'TIMED_OUT'),
      child(3, 'PENDING'),
      child(4, 'SUCCEEDED', { o: 4 }),
    ];
    const output = await writeResults(writer('csvProcessJobs'), MAP_RUN, from(results), s3.access, ctx);
    const dir = 'csvProcessJobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/';
    expect(output).toEqual({ MapRunArn: MAP_RUN, ResultWriterDetails: { Bucket: BUCKET, Key: `${dir}manifest.json` } });
    const manifest = JSON.parse(await s3.text(BUCKET, `${dir}manifest.json`));
    const sizes = async (key: string) => Buffer.byteLength(await s3.text(BUCKET, key));
    expect(manifest).toEqual({
      DestinationBucket: BUCKET,
      MapRunArn: MAP_RUN,
      ResultFiles: {
        FAILED: [{ Key: `${dir}FAILED_0.json`, Size: await sizes(`${dir}FAILED_0.json`) }],
        PENDING: [{ Key: `${dir}PENDING_0.json`, Size: await sizes(`${dir}PENDING_0.json`) }],
        SUCCEEDED: [{ Key: `${dir}SUCCEEDED_0.json`, Size: await sizes(`${dir}SUCCEEDED_0.json`) }],
      },
    });
    const succeeded = JSON.parse(await s3.text(BUCKET, `${dir}SUCCEEDED_0.json`));
    expect(succeeded).toHaveLength(2);
    expect(succeeded[0]).toEqual({
      ExecutionArn: results[0]?.executionArn,
      Input: '{"i":0}',
      InputDetails: { Included: true },
      Name: 'child-0',
      Output: '[{"o":0}]',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: '2025-02-04T01:49:50.099Z',
      StateMachineArn: results[0]?.stateMachineArn,
      Status: 'SUCCEEDED',
      StopDate: '2025-02-04T01:49:50.163Z',
    });
    const failed = JSON.parse(await s3.text(BUCKET, `${dir}FAILED_0.json`));
    expect(failed.map((f: JsonObject) => f.Status)).toEqual(['FAILED', 'TIMED_OUT']);
    expect(failed[0]).toMatchObject({ Error: 'Boom', Cause: 'it broke' });
    expect(JSON.parse(await s3.text(BUCKET, `${dir}PENDING_0.json`))[0]).toMatchObject({
      Status: 'PENDING',
      Input: '{"i":3}',
    });
  });

  it('a status with no children has no file and an empty list in the manifest', async () => {
    const output = await writeResults(writer('only-ok'), MAP_RUN, from([child(0, 'SUCCEEDED', 1)]), s3.access, ctx);
    const manifest = JSON.parse(await s3.text(BUCKET, (output.ResultWriterDetails as JsonObject).Key as string));
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    expect(manifest.ResultFiles.PENDING).toEqual([]);
    expect(await s3.keys(BUCKET, 'only-ok/')).toEqual([
      'only-ok/ad9b5f27-090b-3ac6-9beb-243cd77144a7/SUCCEEDED_0.json',
      'only-ok/ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json',
    ]);
  });

  it('COMPACT writes the outputs, FLATTEN spreads array outputs, a failed child stays described', async () => {
    const results = [child(0, 'SUCCEEDED', [{ a: 1 }, { a: 2 }]), child(1, 'SUCCEEDED', { b: 1 }), child(2, 'FAILED')];
    await writeResults(
      writer('compact', { Transformation: 'COMPACT', OutputType: 'JSON' }),
      MAP_RUN,
      from(results),
      s3.access,
      ctx,
    );
    await writeResults(
      writer('flatten', { Transformation: 'FLATTEN', OutputType: 'JSON' }),
      MAP_RUN,
      from(results),
      s3.access,
      ctx,
    );
    const dir = 'ad9b5f27-090b-3ac6-9beb-243cd77144a7';
    expect(JSON.parse(await s3.text(BUCKET, `compact/${dir}/SUCCEEDED_0.json`))).toEqual([
      [{ a: 1 }, { a: 2 }],
      { b: 1 },
    ]);
    expect(JSON.parse(await s3.text(BUCKET, `flatten/${dir}/SUCCEEDED_0.json`))).toEqual([
      { a: 1 },
      { a: 2 },
      { b: 1 },
    ]);
    expect(JSON.parse(await s3.text(BUCKET, `flatten/${dir}/FAILED_0.json`))[0]).toMatchObject({
      Status: 'FAILED',
      Error: 'Boom',
    });
    expect(transformedResult(results[2] as ChildResult, 'COMPACT')[0]).toMatchObject({ Status: 'FAILED' });
  });

  it('OutputType JSONL writes one entry a line', async () => {
    const results = [child(0, 'SUCCEEDED', { a: 1 }), child(1, 'SUCCEEDED', { a: 2 })];
    await writeResults(
      writer('jsonl', { Transformation: 'COMPACT', OutputType: 'JSONL' }),
      MAP_RUN,
      from(results),
      s3.access,
      ctx,
    );
    expect(await s3.text(BUCKET, 'jsonl/ad9b5f27-090b-3ac6-9beb-243cd77144a7/SUCCEEDED_0.json')).toBe(
      '{"a":1}\n{"a":2}\n',
    );
  });

  it('a file past the size limit continues in the next index, each file whole JSON', async () => {
    const results = Array.from({ length: 30 }, (_, i) => child(i, 'SUCCEEDED', { i, pad: 'x'.repeat(20) }));
    const output = await writeResults(
      writer('split', { Transformation: 'COMPACT' }),
      MAP_RUN,
      from(results),
      s3.access,
      ctx,
      {
        maxFileBytes: 200,
      },
    );
    const manifest = JSON.parse(await s3.text(BUCKET, (output.ResultWriterDetails as JsonObject).Key as string));
    const files = manifest.ResultFiles.SUCCEEDED as { Key: string; Size: number }[];
    expect(files.length).toBeGreaterThan(3);
    expect(files.map((f) => f.Key.split('/').at(-1))).toEqual(files.map((_, i) => `SUCCEEDED_${i}.json`));
    const all: unknown[] = [];
    for (const file of files) {
      const text = await s3.text(BUCKET, file.Key);
      expect(Buffer.byteLength(text)).toBe(file.Size);
      expect(file.Size).toBeLessThanOrEqual(200);
      all.push(...(JSON.parse(text) as unknown[]));
    }
    expect(all).toEqual(results.map((_, i) => ({ i, pad: 'x'.repeat(20) })));
  });

  it('large files go up in multipart parts', async () => {
    const results = Array.from({ length: 200 }, (_, i) => child(i, 'SUCCEEDED', { i, pad: 'y'.repeat(50_000) }));
    const output = await writeResults(
      writer('multipart', { Transformation: 'COMPACT' }),
      MAP_RUN,
      from(results),
      s3.access,
      ctx,
      {
        partBytes: 5 * 1024 * 1024,
      },
    );
    const manifest = JSON.parse(await s3.text(BUCKET, (output.ResultWriterDetails as JsonObject).Key as string));
    const [file] = manifest.ResultFiles.SUCCEEDED as { Key: string; Size: number }[];
    const text = await s3.text(BUCKET, file?.Key as string);
    expect(Buffer.byteLength(text)).toBe(file?.Size);
    expect((JSON.parse(text) as { i: number }[]).map((r) => r.i)).toEqual(results.map((_, i) => i));
  }, 30_000);

  it('a bucket that does not exist fails with States.ResultWriterFailed and S3 cause', async () => {
    const result = await failure(() =>
      writeResults(
        { resource: PUT, parameters: { Bucket: 'nope', Prefix: 'p' } },
        MAP_RUN,
        from([child(0, 'SUCCEEDED', 1)]),
        s3.access,
        ctx,
      ),
    );
    expect(result.error).toBe('States.ResultWriterFailed');
    expect(result.cause).toMatch(/^The specified bucket does not exist \(Service: S3, Status Code: 404/);
  });

  it('a failure of the results stream fails the writer', async () => {
    async function* broken(): AsyncGenerator<ChildResult> {
      yield child(0, 'SUCCEEDED', 1);
      throw new Error('lost');
    }
    const result = await failure(() => writeResults(writer('broken'), MAP_RUN, broken(), s3.access, ctx));
    expect(result.error).toBe('States.ResultWriterFailed');
  });

  it('a bad WriterConfig fails the writer', async () => {
    expect(
      (await failure(() => writeResults(writer('bad', { OutputType: 'CSV' }), MAP_RUN, from([]), s3.access, ctx)))
        .cause,
    ).toBe("The OutputType 'CSV' is not one of JSON, JSONL.");
  });
});

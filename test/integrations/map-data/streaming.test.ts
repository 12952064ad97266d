/**
 * Streaming is real: 200,000 items through the reader and 200,000 results through the writer,
 * with the heap's growth well below the data's size (a loose bound, not a timing).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readItems, writeResults, type ChildResult } from '../../../src/integrations/map-data/index.js';
import { ctx, startFixture, type S3Fixture } from './helpers.js';

const COUNT = 200_000;
let s3: S3Fixture;

beforeAll(async () => {
  s3 = await startFixture(['big']);
}, 30_000);
afterAll(async () => {
  await s3?.close();
});

// What the heap holds, not the garbage it has yet to collect: a full collection before each sample.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function retained(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

it('a 200,000-line JSON Lines object is read without holding it', async () => {
  const line = (i: number) => JSON.stringify({ id: i, payload: 'p'.repeat(100) });
  let body: string | undefined = Array.from({ length: COUNT }, (_, i) => line(i)).join('\n');
  const size = Buffer.byteLength(body);
  await s3.put('big', 'items.jsonl', body);
  body = undefined;
  const before = retained();
  let peak = before;
  let count = 0;
  for await (const item of readItems(
    {
      resource: 'arn:aws:states:::s3:getObject',
      parameters: { Bucket: 'big', Key: 'items.jsonl' },
      readerConfig: { InputType: 'JSONL' },
    },
    s3.access,
    ctx,
  )) {
    if ((item as { id: number }).id !== count) throw new Error(`item ${count} out of order`);
    count++;
    if (count % 20_000 === 0) peak = Math.max(peak, retained());
  }
  expect(count).toBe(COUNT);
  expect(size).toBeGreaterThan(20_000_000);
  expect(peak - before).toBeLessThan(size / 10);
}, 120_000);

it('200,000 results are written without holding them', async () => {
  const output = 'o'.repeat(100);
  let bytes = 0;
  async function* results(): AsyncGenerator<ChildResult> {
    for (let i = 0; i < COUNT; i++) {
      const result: ChildResult = {
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:m/Map:${i}`,
        name: String(i),
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m/Map',
        status: i % 10 === 0 ? 'FAILED' : 'SUCCEEDED',
        input: `{"i":${i}}`,
        output: JSON.stringify(output),
        startDate: 1_700_000_000_000,
        stopDate: 1_700_000_000_100,
      };
      bytes += 400;
      if (i % 20_000 === 0) peak = Math.max(peak, retained());
      yield result;
    }
  }
  const before = retained();
  let peak = before;
  const mapRun = 'arn:aws:states:us-east-1:123456789012:mapRun:m/Map:run-big';
  const answer = await writeResults(
    { resource: 'arn:aws:states:::s3:putObject', parameters: { Bucket: 'big', Prefix: 'out' } },
    mapRun,
    results(),
    s3.access,
    ctx,
  );
  peak = Math.max(peak, retained());
  const manifest = JSON.parse(await s3.text('big', 'out/run-big/manifest.json'));
  const written = [...manifest.ResultFiles.SUCCEEDED, ...manifest.ResultFiles.FAILED].reduce(
    (n: number, f: { Size: number }) => n + f.Size,
    0,
  );
  expect(answer.ResultWriterDetails).toEqual({ Bucket: 'big', Key: 'out/run-big/manifest.json' });
  expect(written).toBeGreaterThan(50_000_000);
  expect(bytes).toBeGreaterThan(0);
  expect(peak - before).toBeLessThan(written / 10);
}, 300_000);

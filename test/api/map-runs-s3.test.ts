/**
 * Distributed Map over S3 through the real server, the real SDK client and a real S3 (s3rver):
 * items read by the ItemReader as the run goes (JSONL, CSV, a listing), the results exported by the
 * ResultWriter in AWS's layout, and a reader that cannot read failing the Map with
 * States.ItemReaderFailed while the server goes on.
 */
import { DescribeMapRunCommand, ListMapRunsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMachine, eventTypes, finished, sfnClient, startExecution } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { credentials, startFixture, type S3Fixture } from '../integrations/map-data/helpers.js';

let s3: S3Fixture;
let server: RunningServer;
let sfn: SFNClient;
const dir = tempDir('stepwise-map-runs-s3-');
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startFixture(['data', 'results']);
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    logLevel: 'silent',
    consoleDir: false,
    aws: { endpoints: { s3: s3.server.url } },
  });
  sfn = sfnClient(server.url);
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  await s3?.close();
  process.env = saved;
  removeDir(dir);
});

function readerMap(itemReader: Json, extra: Record<string, Json> = {}, executionType = 'EXPRESS') {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemReader: itemReader,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Echo',
          States: { Echo: { Type: 'Pass', End: true } },
        },
        ...extra,
        End: true,
      },
    },
  };
}

describe('ItemReader', () => {
  it('reads a JSONL object line by line, each line a child input', async () => {
    const lines = Array.from({ length: 250 }, (_, n) => JSON.stringify({ n }));
    await s3.put('data', 'records.jsonl', lines.join('\n') + '\n');
    const machine = await createMachine(
      sfn,
      'jsonl-reader',
      readerMap(
        {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL' },
          Parameters: { 'Bucket.$': '$.bucket', Key: 'records.jsonl' },
        },
        { ItemBatcher: { MaxItemsPerBatch: 100 }, MaxConcurrency: 2 },
      ),
    );
    const run = await finished(sfn, await startExecution(sfn, machine, { bucket: 'data' }), 30_000);
    expect(run.status).toBe('SUCCEEDED');
    const batches = run.output as { Items: { n: number }[] }[];
    expect(batches.map((b) => b.Items.length)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.Items.map((i) => i.n))).toEqual(lines.map((_, n) => n));
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn: run.executionArn }));
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns?.[0]?.mapRunArn }));
    expect(described.itemCounts).toMatchObject({ succeeded: 250, total: 250 });
    expect(described.executionCounts).toMatchObject({ succeeded: 3, total: 3 });
  });

  it('reads a CSV object with its header row, MaxItems stopping the read', async () => {
    await s3.put('data', 'people.csv', 'name,age\nAda,36\nAlan,41\n"Grace, Rear Admiral",85\n');
    const machine = await createMachine(
      sfn,
      'csv-reader',
      readerMap({
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 2 },
        Parameters: { Bucket: 'data', Key: 'people.csv' },
      }),
    );
    const run = await finished(sfn, await startExecution(sfn, machine), 30_000);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        { name: 'Ada', age: '36' },
        { name: 'Alan', age: '41' },
      ],
    });
  });

  it('takes the JSONata forms: Arguments, a MaxItems expression, ItemSelector with $states.context.Map.Item', async () => {
    await s3.put('data', 'letters.jsonl', ['"a"', '"b"', '"c"'].join('\n'));
    const machine = await createMachine(sfn, 'jsonata-reader', {
      QueryLanguage: 'JSONata',
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSONL', MaxItems: '{% $states.input.limit %}' },
            Arguments: { Bucket: '{% $states.input.bucket %}', Key: 'letters.jsonl' },
          },
          ItemSelector: {
            letter: '{% $states.context.Map.Item.Value %}',
            at: '{% $states.context.Map.Item.Index %}',
            from: '{% $states.input.bucket %}',
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Echo',
            States: { Echo: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const run = await finished(sfn, await startExecution(sfn, machine, { bucket: 'data', limit: 2 }), 30_000);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        { letter: 'a', at: 0, from: 'data' },
        { letter: 'b', at: 1, from: 'data' },
      ],
    });
  });

  it("iterates a JSON object's members, each with its name as $$.Map.Item.Key", async () => {
    await s3.put('data', 'stock.json', JSON.stringify({ apples: 3, pears: 5 }));
    const machine = await createMachine(
      sfn,
      'object-reader',
      readerMap(
        {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: 'data', Key: 'stock.json' },
        },
        { ItemSelector: { 'fruit.$': '$$.Map.Item.Key', 'count.$': '$$.Map.Item.Value' } },
      ),
    );
    const run = await finished(sfn, await startExecution(sfn, machine), 30_000);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        { fruit: 'apples', count: 3 },
        { fruit: 'pears', count: 5 },
      ],
    });
  });

  it('iterates a listing with s3:listObjectsV2', async () => {
    for (const key of ['in/a.txt', 'in/b.txt', 'other/c.txt']) await s3.put('data', key, 'x');
    const machine = await createMachine(
      sfn,
      'list-reader',
      readerMap(
        { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'data', Prefix: 'in/' } },
        { ItemSelector: { 'key.$': '$$.Map.Item.Value.Key' } },
      ),
    );
    const run = await finished(sfn, await startExecution(sfn, machine), 30_000);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: [{ key: 'in/a.txt' }, { key: 'in/b.txt' }] });
  });

  it('an item over 256 KiB fails its child with States.DataLimitExceeded, within the tolerated failures', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(300 * 1024) });
    await s3.put('data', 'big.jsonl', ['{"n":1}', big, '{"n":3}'].join('\n'));
    const machine = await createMachine(
      sfn,
      'big-item',
      readerMap(
        {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL' },
          Parameters: { Bucket: 'data', Key: 'big.jsonl' },
        },
        { ToleratedFailureCount: 1 },
      ),
    );
    const run = await finished(sfn, await startExecution(sfn, machine), 30_000);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: [{ n: 1 }, null, { n: 3 }] });
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn: run.executionArn }));
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns?.[0]?.mapRunArn }));
    expect(described.itemCounts).toMatchObject({ succeeded: 2, failed: 1, total: 3 });
  });

  it('a missing object fails the Map with States.ItemReaderFailed, and the server runs on', async () => {
    const machine = await createMachine(
      sfn,
      'missing-object',
      readerMap({
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSONL' },
        Parameters: { Bucket: 'data', Key: 'nope.jsonl' },
      }),
    );
    const run = await finished(sfn, await startExecution(sfn, machine), 30_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.ItemReaderFailed');
    expect(run.cause).toContain('The specified key does not exist');
    expect(eventTypes(run.history)).toContain('MapRunFailed');
    // The same server still runs a good one.
    await s3.put('data', 'ok.jsonl', '1\n2\n');
    const ok = await createMachine(
      sfn,
      'present-object',
      readerMap({
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSONL' },
        Parameters: { Bucket: 'data', Key: 'ok.jsonl' },
      }),
    );
    expect(await finished(sfn, await startExecution(sfn, ok), 30_000)).toMatchObject({
      status: 'SUCCEEDED',
      output: [1, 2],
    });
  });
});

describe('ResultWriter', () => {
  it("exports the run's results to S3 and answers the manifest's place", async () => {
    const machine = await createMachine(
      sfn,
      'writer',
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Check',
              States: {
                Check: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$.bad', IsPresent: true, Next: 'Reject' }],
                  Default: 'Accept',
                },
                Reject: { Type: 'Fail', Error: 'Item.Bad', Cause: 'a bad item' },
                Accept: { Type: 'Pass', End: true },
              },
            },
            ToleratedFailureCount: 1,
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Parameters: { Bucket: 'results', Prefix: 'runs' },
              WriterConfig: { OutputType: 'JSON', Transformation: 'COMPACT' },
            },
            End: true,
          },
        },
      },
      'STANDARD',
    );
    const run = await finished(
      sfn,
      await startExecution(sfn, machine, { items: [{ n: 1 }, { bad: true }, { n: 3 }] }),
      30_000,
    );
    expect(run.status).toBe('SUCCEEDED');
    const output = run.output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    expect(output.MapRunArn).toMatch(/:mapRun:writer\/Fan:/);
    expect(output.ResultWriterDetails.Bucket).toBe('results');
    const id = output.MapRunArn.split(':').at(-1) ?? '';
    expect(output.ResultWriterDetails.Key).toBe(`runs/${id}/manifest.json`);
    const manifest = JSON.parse(await s3.text('results', output.ResultWriterDetails.Key)) as {
      MapRunArn: string;
      ResultFiles: Record<string, { Key: string }[]>;
    };
    expect(manifest.MapRunArn).toBe(output.MapRunArn);
    const succeeded = JSON.parse(await s3.text('results', manifest.ResultFiles.SUCCEEDED?.[0]?.Key ?? '')) as Json[];
    expect(succeeded).toEqual([{ n: 1 }, { n: 3 }]);
    const failed = JSON.parse(await s3.text('results', manifest.ResultFiles.FAILED?.[0]?.Key ?? '')) as {
      Error: string;
      Cause: string;
    }[];
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ Error: 'Item.Bad', Cause: 'a bad item' });
  });
});

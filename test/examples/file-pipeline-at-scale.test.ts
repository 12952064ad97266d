/**
 * examples/file-pipeline-at-scale end to end: its state machine and functions on a Stepwise server,
 * with S3 (s3rver), DynamoDB (dynalite) and SQS (local-aws-sqs) on free 127.0.0.1 ports. A CSV of
 * hundreds of expense records is put into the bucket, the execution is started with the S3 "Object
 * Created" event, its Distributed Map reads the object in batches of 50 (Express child executions),
 * and what it did is read back from the servers themselves: the records in DynamoDB, the summary or
 * the alert on SQS, the Map Run through DescribeMapRun, the exported results in S3.
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeMapRunCommand, ListMapRunsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, finished, REGION, startExecution, type Finished } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startDynalite, startS3, startSqs, type Running } from '../integrations/aws/servers.js';

const EXAMPLE = 'examples/file-pipeline-at-scale';
const BUCKET = 'incoming';
const RESULTS = 'pipeline-results';
// s3rver accepts this one key pair; Stepwise signs with the standard chain, here the environment.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
delete process.env.AWS_PROFILE;

let s3: Running;
let dynamo: Running;
let sqs: Running;
let server: TestServer;
let sfn: SFNClient;
let s3Client: S3Client;
let ddb: DynamoDBClient;
let sqsClient: SQSClient;
let stateMachineArn: string;

beforeAll(async () => {
  [s3, dynamo, sqs] = await Promise.all([
    startS3([BUCKET, RESULTS]),
    startDynalite(),
    startSqs(['records-processed', 'records-alerts']),
  ]);
  s3Client = new S3Client({
    endpoint: s3.url,
    region: REGION,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  ddb = new DynamoDBClient({ endpoint: dynamo.url, region: REGION, credentials });
  sqsClient = new SQSClient({ endpoint: sqs.url, region: REGION, credentials });
  for (const TableName of ['expense-records', 'file-runs']) {
    await ddb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }

  server = await startTestServer({
    store: 'sqlite',
    functionsDir: `${EXAMPLE}/functions`,
    aws: { endpoints: { s3: s3.url, dynamodb: dynamo.url, sqs: sqs.url } },
  });
  sfn = server.client;
  stateMachineArn = await server.createMachine(
    'file-pipeline-at-scale',
    readFileSync(`${EXAMPLE}/statemachine.asl.json`, 'utf8'),
  );
});

afterAll(async () => {
  for (const client of [s3Client, ddb, sqsClient]) client?.destroy();
  await server?.close();
  await Promise.all([s3, dynamo, sqs].map((running) => running?.close()));
});

// ---- the file ------------------------------------------------------------------------------------

const CATEGORIES = ['travel', 'food', 'lodging', 'office', 'software', 'training'];

interface Expenses {
  csv: string;
  /** The ids of the records the pipeline must store. */
  good: string[];
}

/**
 * An expense CSV of `count` records EXP-0001...: `typos` are record numbers with one bad field
 * (each is rejected on its own), `garbled` a range of records whose columns are shifted (a batch
 * that is mostly such records fails as a whole).
 */
function expenses(count: number, typos: number[], garbled: [number, number] = [0, -1]): Expenses {
  const lines = ['id,date,employee,category,amount'];
  const good: string[] = [];
  const [from, to] = garbled;
  for (let n = 1; n <= count; n++) {
    const id = `EXP-${String(n).padStart(4, '0')}`;
    const day = `2026-01-${String(1 + (n % 28)).padStart(2, '0')}`;
    const category = CATEGORIES[n % CATEGORIES.length] ?? 'food';
    const amount = `${n % 700}.${String(n % 100).padStart(2, '0')}`.replace(/^0\.00$/, '1.00');
    if (n >= from && n <= to) lines.push([id, 'ada', category, amount, day].join(','));
    else if (typos.includes(n)) lines.push([id, day, 'ada', category, 'twelve'].join(','));
    else {
      lines.push([id, day, 'ada', category, amount].join(','));
      good.push(id);
    }
  }
  return { csv: lines.join('\n') + '\n', good };
}

// ---- the servers' side ---------------------------------------------------------------------------

/** The event EventBridge delivers for an S3 upload (the fields the pipeline reads, and a few more). */
function objectCreated(key: string) {
  return {
    version: '0',
    source: 'aws.s3',
    'detail-type': 'Object Created',
    region: REGION,
    detail: { bucket: { name: BUCKET }, object: { key }, reason: 'PutObject' },
  };
}

type Outcome = Finished<Record<string, unknown>>;

/** Uploads the file, starts the pipeline with its event, waits for the end. */
async function upload(key: string, body: string | undefined): Promise<Outcome> {
  if (body !== undefined)
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/csv' }));
  const executionArn = await startExecution(sfn, stateMachineArn, objectCreated(key));
  return finished(sfn, executionArn, 100_000);
}

/** The messages in a queue that are about this key (the queues are shared by the tests). */
async function messagesAbout(queue: string, key: string): Promise<Record<string, unknown>[]> {
  const { QueueUrl } = await sqsClient.send(new GetQueueUrlCommand({ QueueName: queue }));
  const { Messages = [] } = await sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((message) => JSON.parse(message.Body ?? '{}') as Record<string, unknown>).filter(
    (body) => body.key === key,
  );
}

/** The ids of the records stored in DynamoDB from this file, sorted. */
async function storedIds(key: string): Promise<string[]> {
  const ids: string[] = [];
  let ExclusiveStartKey: Record<string, { S: string }> | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({
        TableName: 'expense-records',
        FilterExpression: '#file = :file',
        ExpressionAttributeNames: { '#file': 'file' },
        ExpressionAttributeValues: { ':file': { S: `s3://${BUCKET}/${key}` } },
        ConsistentRead: true,
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push(item.id?.S ?? '');
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return ids.sort();
}

async function runItem(executionArn: string) {
  const { Item } = await ddb.send(
    new GetItemCommand({ TableName: 'file-runs', Key: { id: { S: executionArn } }, ConsistentRead: true }),
  );
  return Item;
}

async function mapRunOf(executionArn: string) {
  const { mapRuns = [] } = await sfn.send(new ListMapRunsCommand({ executionArn }));
  expect(mapRuns).toHaveLength(1);
  return sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns[0]?.mapRunArn }));
}

async function s3Json<T>(bucket: string, key: string): Promise<T> {
  const { Body } = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await Body?.transformToString()) ?? 'null') as T;
}

// ---- the cases -----------------------------------------------------------------------------------

// Hundreds of records through a loaded machine: the runs take seconds, not milliseconds.
describe('examples/file-pipeline-at-scale', { timeout: 120_000 }, () => {
  it('600 records, a few bad and one garbled batch within the tolerance: SUCCEEDED, the good records stored, a summary sent', async () => {
    const key = 'expenses/2026-01.csv';
    // Records 301-350 are the 7th batch of 50 exactly: 50 of 600 items (8.3%) fail, under 10%.
    const file = expenses(600, [17, 123, 124, 599], [301, 350]);
    const result = await upload(key, file.csv);
    expect(result.status, result.cause).toBe('SUCCEEDED');

    // DynamoDB holds exactly the good records outside the failed batch.
    expect(file.good).toHaveLength(546);
    expect(await storedIds(key)).toEqual(file.good);

    const output = result.output as {
      counts: Record<string, number>;
      results: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    };
    const counts = { stored: 546, rejected: 4, inFailedBatches: 50, batches: 11, failedBatches: 1 };
    expect(output.counts).toMatchObject(counts);
    expect(output.results.MapRunArn).toMatch(/:mapRun:file-pipeline-at-scale\/ProcessFile:/);

    // The summary on the queue, and no alert.
    expect(await messagesAbout('records-processed', key)).toEqual([
      {
        event: 'RecordsProcessed',
        bucket: BUCKET,
        key,
        records: { total: 600, stored: 546, rejected: 4, inFailedBatches: 50 },
        batches: { succeeded: 11, failed: 1 },
        amountCents: output.counts.amountCents,
        mapRunArn: output.results.MapRunArn,
        results: output.results.ResultWriterDetails,
        executionArn: result.executionArn,
      },
    ]);
    expect(await messagesAbout('records-alerts', key)).toEqual([]);
    expect(await runItem(result.executionArn)).toMatchObject({
      status: { S: 'SUCCEEDED' },
      recordsStored: { N: '546' },
      resultsManifest: { S: `s3://${RESULTS}/${output.results.ResultWriterDetails.Key}` },
    });

    // The Map Run counts items and child executions (one per batch of 50).
    const mapRun = await mapRunOf(result.executionArn);
    expect(mapRun).toMatchObject({
      mapRunArn: output.results.MapRunArn,
      status: 'SUCCEEDED',
      maxConcurrency: 10,
      toleratedFailurePercentage: 10,
      itemCounts: { succeeded: 550, failed: 50, total: 600, resultsWritten: 600 },
      executionCounts: { succeeded: 11, failed: 1, total: 12, resultsWritten: 12 },
    });
    expect(eventTypes(result.history)).toEqual(expect.arrayContaining(['MapRunStarted', 'MapRunSucceeded']));

    // The results in S3, as AWS lays them out: the batches' outputs with the rejected lines, and
    // the failed batch with its error.
    const { Bucket, Key } = output.results.ResultWriterDetails;
    expect(Bucket).toBe(RESULTS);
    expect(Key).toBe(`expense-runs/${output.results.MapRunArn.split(':').at(-1)}/manifest.json`);
    const manifest = await s3Json<{ MapRunArn: string; ResultFiles: Record<string, { Key: string }[]> }>(Bucket, Key);
    expect(manifest.MapRunArn).toBe(output.results.MapRunArn);
    const batches = await s3Json<{ stored: number; rejected: number; rejects: { line: number; reason: string }[] }[]>(
      Bucket,
      manifest.ResultFiles.SUCCEEDED?.[0]?.Key ?? '',
    );
    expect(batches).toHaveLength(11);
    expect(batches.reduce((sum, batch) => sum + batch.stored, 0)).toBe(546);
    expect(batches.flatMap((batch) => batch.rejects)).toEqual(
      [17, 123, 124, 599].map((n) => ({
        line: n + 1,
        id: `EXP-${String(n).padStart(4, '0')}`,
        reason: 'amount "twelve" is not a positive amount',
      })),
    );
    const failed = await s3Json<{ Error: string; Cause: string }[]>(
      Bucket,
      manifest.ResultFiles.FAILED?.[0]?.Key ?? '',
    );
    expect(failed).toEqual([expect.objectContaining({ Error: 'BatchRejected' })]);
    expect(JSON.parse(failed[0]?.Cause ?? '{}')).toMatchObject({
      errorType: 'BatchRejected',
      errorMessage: expect.stringMatching(/^lines 302-351: 50 of 50 records are invalid \(line 302: date "ada"/),
    });
  });

  it('too many bad records: the tolerance is exceeded, FAILED with States.ExceedToleratedFailureThreshold, and an alert', async () => {
    const key = 'expenses/garbled.csv';
    // Records 101-250 garbled: 3 of 6 batches fail, 50% of the items.
    const result = await upload(key, expenses(300, [], [101, 250]).csv);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(result.cause).toBe('The specified tolerated failure threshold was exceeded');

    expect(await messagesAbout('records-alerts', key)).toEqual([
      {
        event: 'FileRejected',
        bucket: BUCKET,
        key,
        error: 'States.ExceedToleratedFailureThreshold',
        cause: result.cause,
        executionArn: result.executionArn,
      },
    ]);
    expect(await messagesAbout('records-processed', key)).toEqual([]);
    expect(await runItem(result.executionArn)).toMatchObject({
      status: { S: 'FAILED' },
      error: { S: 'States.ExceedToleratedFailureThreshold' },
    });
    const mapRun = await mapRunOf(result.executionArn);
    expect(mapRun.status).toBe('FAILED');
    expect(mapRun.itemCounts?.failed).toBeGreaterThanOrEqual(50);
    const entered = result.history
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['ReadEvent', 'StartRun', 'ProcessFile', 'MarkRunFailed', 'SendAlert', 'FileRejected']);
  });

  it('a missing object: the ItemReader fails with States.ItemReaderFailed, caught, and an alert', async () => {
    const key = 'expenses/never-uploaded.csv';
    const result = await upload(key, undefined);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toContain('The specified key does not exist');
    expect(await messagesAbout('records-alerts', key)).toEqual([
      expect.objectContaining({ event: 'FileRejected', error: 'States.ItemReaderFailed', cause: result.cause }),
    ]);
    expect(await storedIds(key)).toEqual([]);
  });
});

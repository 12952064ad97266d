/**
 * examples/file-pipeline end to end: its state machine and functions on a Stepwise server, with
 * S3 (s3rver), DynamoDB (dynalite) and SQS (local-aws-sqs) on free 127.0.0.1 ports. A CSV is put
 * into the bucket, the execution is started with the S3 "Object Created" event, and the results are
 * read back from the servers themselves.
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, REGION, startExecution, type Finished } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startDynalite, startS3, startSqs, type Running } from '../integrations/aws/servers.js';

const EXAMPLE = 'examples/file-pipeline';
const BUCKET = 'incoming';
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
    startS3([BUCKET]),
    startDynalite(),
    startSqs(['file-processed', 'file-alerts']),
  ]);
  s3Client = new S3Client({
    endpoint: s3.url,
    region: REGION,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  ddb = new DynamoDBClient({ endpoint: dynamo.url, region: REGION, credentials });
  sqsClient = new SQSClient({ endpoint: sqs.url, region: REGION, credentials });
  await ddb.send(
    new CreateTableCommand({
      TableName: 'file-summaries',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

  server = await startTestServer({
    store: 'sqlite',
    functionsDir: `${EXAMPLE}/functions`,
    aws: { endpoints: { s3: s3.url, dynamodb: dynamo.url, sqs: sqs.url } },
  });
  sfn = server.client;
  stateMachineArn = await server.createMachine(
    'file-pipeline',
    readFileSync(`${EXAMPLE}/statemachine.asl.json`, 'utf8'),
  );
});

afterAll(async () => {
  for (const client of [s3Client, ddb, sqsClient]) client?.destroy();
  await server?.close();
  await Promise.all([s3, dynamo, sqs].map((running) => running?.close()));
});

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
  return finished(sfn, executionArn, 15_000);
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

async function summaryOf(key: string) {
  const { Item } = await ddb.send(
    new GetItemCommand({
      TableName: 'file-summaries',
      Key: { id: { S: `s3://${BUCKET}/${key}` } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

const GOOD = [
  'date,category,amount',
  '2026-01-05,travel,120.50',
  '2026-01-06,food,12.30',
  '2026-01-07,travel,79.50',
  '2026-01-09,food,7.70',
  '',
].join('\n');

describe('examples/file-pipeline', () => {
  it('a good file: SUCCEEDED, its summary in DynamoDB and a notification in the queue', async () => {
    const key = 'expenses/2026-01.csv';
    const result = await upload(key, GOOD);
    expect(result.status, result.cause).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      bucket: BUCKET,
      key,
      rowCount: 4,
      total: 220,
      totals: { travel: 200, food: 20 },
      notification: { messageId: expect.any(String) },
    });

    const item = await summaryOf(key);
    expect(item).toMatchObject({
      id: { S: `s3://${BUCKET}/${key}` },
      rowCount: { N: '4' },
      total: { N: '220' },
      processedAt: { S: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      executionArn: { S: expect.stringContaining(':execution:file-pipeline:') },
    });
    expect(JSON.parse(item?.totals?.S ?? '')).toEqual({ travel: 200, food: 20 });

    expect(await messagesAbout('file-processed', key)).toEqual([
      { event: 'FileProcessed', bucket: BUCKET, key, rowCount: 4, total: 220, totals: { travel: 200, food: 20 } },
    ]);
    expect(await messagesAbout('file-alerts', key)).toEqual([]);
  });

  it('a bad file: FAILED with the validation error, and an alert in the alert queue', async () => {
    const key = 'expenses/broken.csv';
    const result = await upload(key, 'date,category,amount\n2026-01-05,travel,120.50\n2026-01-06,food,twelve\n');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    const cause = JSON.parse(result.cause ?? '{}') as { errorType: string; errorMessage: string };
    expect(cause).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: 'expenses/broken.csv, line 3: amount "twelve" is not a number',
    });

    const [alert, ...others] = await messagesAbout('file-alerts', key);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      event: 'FileRejected',
      bucket: BUCKET,
      key,
      error: 'ValidationError',
      executionArn: expect.stringContaining(':execution:file-pipeline:'),
    });
    expect(alert?.cause).toBe(result.cause);
    // Nothing was stored or announced, and the failure came from the Fail state after the alert.
    expect(await summaryOf(key)).toBeUndefined();
    expect(await messagesAbout('file-processed', key)).toEqual([]);
    const entered = result.history
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['ReadEvent', 'ReadFile', 'ValidateFile', 'SendAlert', 'FileRejected']);
  });

  it('a missing file: FAILED with S3.NoSuchKeyException, and an alert', async () => {
    const key = 'expenses/never-uploaded.csv';
    const result = await upload(key, undefined);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('S3.NoSuchKeyException');
    expect(await messagesAbout('file-alerts', key)).toEqual([
      expect.objectContaining({ error: 'S3.NoSuchKeyException', cause: result.cause }),
    ]);
  });

  it('a transient error is retried, then the file goes through', async () => {
    const key = 'expenses/flaky-2026-02.csv';
    const result = await upload(key, 'category,amount\noffice,45.00\noffice,5\n');
    expect(result.status, result.cause).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ rowCount: 2, total: 50, totals: { office: 50 } });

    // ProcessFile ran twice: the first attempt failed with TransientError, the retry succeeded.
    const failures = result.history.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    expect(failures).toEqual([
      expect.objectContaining({ resourceType: 'lambda', resource: 'invoke', error: 'TransientError' }),
    ]);
    expect(
      result.history.filter((e) => e.type === 'TaskScheduled').map((e) => e.taskScheduledEventDetails?.resource),
    ).toEqual(['getObject', 'invoke', 'invoke', 'invoke', 'putItem', 'sendMessage']);
    expect(await summaryOf(key)).toMatchObject({ total: { N: '50' } });
    expect(await messagesAbout('file-processed', key)).toHaveLength(1);
    expect(await messagesAbout('file-alerts', key)).toEqual([]);
  });
});

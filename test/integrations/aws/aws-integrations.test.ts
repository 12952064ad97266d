/**
 * The AWS integrations through the Stepwise API: the real server (startServer), the real SFN
 * client, and AWS-compatible servers on 127.0.0.1 (dynalite, s3rver, local-aws-sqs, and small
 * signed-request-checking servers for SNS, EventBridge and ECS).
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, createMachine, finished, REGION, startExecution, type Finished } from '../../support/aws.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import {
  json,
  startDynalite,
  startFakeAws,
  startS3,
  startSqs,
  startThrottlingProxy,
  xml,
  type FakeAws,
  type FakeRequest,
  type Running,
} from './servers.js';

// The integrations sign with the SDK's standard credential chain: here, the environment. (s3rver
// knows one key pair, S3RVER/S3RVER; the other servers take any.)
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
delete process.env.AWS_PROFILE;

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let dynamo: Running;
let s3: Running;
let sqs: Running;
let sns: FakeAws;
let events: FakeAws;
let ecs: FakeAws;
let server: TestServer;
let sfn: SFNClient;
let queueUrl: string;
const ecsTasks = new Map<string, { polls: number; stopAfter: number; exitCode: number }>();

function ecsTask(arn: string, lastStatus: string, exitCode?: number): Record<string, unknown> {
  return {
    taskArn: arn,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/jobs`,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/job:1`,
    lastStatus,
    desiredStatus: lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    startedBy: 'AWS Step Functions',
    createdAt: 1767268800,
    containers: [{ name: 'job', lastStatus, ...(exitCode !== undefined ? { exitCode } : {}) }],
    ...(lastStatus === 'STOPPED'
      ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }
      : {}),
  };
}

/** ECS: RunTask starts a task whose exit code is its task definition's revision tag; DescribeTasks stops it after two polls. */
function handleEcs(request: FakeRequest) {
  const body = request.json ?? {};
  if (request.operation === 'RunTask') {
    if (body.cluster === 'missing')
      return json({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' }, 400);
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/jobs/${String(body.clientToken).slice(0, 12)}`;
    const definition = String(body.taskDefinition);
    ecsTasks.set(arn, {
      polls: 0,
      stopAfter: definition === 'forever' ? Number.POSITIVE_INFINITY : 2,
      exitCode: definition === 'failing' ? 1 : 0,
    });
    return json({ tasks: [ecsTask(arn, 'PROVISIONING')], failures: [] });
  }
  if (request.operation === 'DescribeTasks') {
    const arn = (body.tasks as string[])[0] as string;
    const task = ecsTasks.get(arn);
    if (!task) return json({ tasks: [], failures: [{ arn, reason: 'MISSING' }] });
    task.polls++;
    return json({
      tasks: [task.polls >= task.stopAfter ? ecsTask(arn, 'STOPPED', task.exitCode) : ecsTask(arn, 'RUNNING')],
      failures: [],
    });
  }
  return json({ __type: 'InvalidParameterException', message: `unexpected ${request.operation}` }, 400);
}

/** SNS (query protocol): Publish to any topic but `missing`. */
function handleSns(request: FakeRequest) {
  const form = request.form ?? new URLSearchParams();
  if (form.get('Action') !== 'Publish')
    return xml(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no</Message></Error><RequestId>x</RequestId></ErrorResponse>',
      400,
    );
  if (form.get('TopicArn')?.endsWith(':missing')) {
    return xml(
      '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>sns-404</RequestId></ErrorResponse>',
      404,
    );
  }
  return xml(
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>5f1c3d2e-0000-4000-8000-000000000001</MessageId></PublishResult><ResponseMetadata><RequestId>sns-1</RequestId></ResponseMetadata></PublishResponse>',
  );
}

/** EventBridge: PutEvents accepts entries with a Source and fails the others. */
function handleEvents(request: FakeRequest) {
  const entries = ((request.json ?? {}).Entries as Record<string, unknown>[]) ?? [];
  const results = entries.map((entry, i) =>
    entry.Source
      ? { EventId: `event-${i}` }
      : {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
        },
  );
  return json({ Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length });
}

beforeAll(async () => {
  [dynamo, s3, sqs, sns, events, ecs] = await Promise.all([
    startDynalite(),
    startS3(['stepwise-bucket']),
    startSqs(['jobs']),
    startFakeAws('sns', REGION, handleSns),
    startFakeAws('events', REGION, handleEvents),
    startFakeAws('ecs', REGION, handleEcs),
  ]);
  const ddb = new DynamoDBClient({ endpoint: dynamo.url, region: REGION, credentials });
  await ddb.send(
    new CreateTableCommand({
      TableName: 'Orders',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  ddb.destroy();
  const sqsClient = new SQSClient({ endpoint: sqs.url, region: REGION, credentials });
  queueUrl = (await sqsClient.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl as string;
  sqsClient.destroy();
  server = await startTestServer({
    aws: {
      endpoints: { dynamodb: dynamo.url, s3: s3.url, sqs: sqs.url, sns: sns.url, events: events.url, ecs: ecs.url },
      ecsPollIntervalMs: 10,
    },
  });
  sfn = server.client;
});

afterAll(async () => {
  await server?.close();
  await Promise.all([dynamo, s3, sqs, sns, events, ecs].map((s) => s?.close()));
});

type Outcome = Finished;

let machines = 0;

async function start(states: Record<string, unknown>, input: unknown = {}, client = sfn): Promise<string> {
  const definition = { StartAt: Object.keys(states)[0], States: states };
  return startExecution(client, await createMachine(client, `aws-${++machines}`, definition), input);
}

const finish = (executionArn: string, client = sfn, timeoutMs = 10_000): Promise<Outcome> =>
  finished(client, executionArn, timeoutMs);

async function run(states: Record<string, unknown>, input: unknown = {}): Promise<Outcome> {
  return finish(await start(states, input));
}

const task = (resource: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: resource,
  End: true,
  ...extra,
});

describe('DynamoDB (optimized)', () => {
  it('putItem then getItem returns the item in DynamoDB JSON with the SDK metadata AWS adds', async () => {
    const result = await run(
      {
        Put: task('arn:aws:states:::dynamodb:putItem', {
          Parameters: {
            TableName: 'Orders',
            Item: { id: { 'S.$': '$.id' }, total: { N: '42' }, paid: { BOOL: true } },
          },
          ResultPath: '$.put',
          End: false,
          Next: 'Get',
        }),
        Get: task('arn:aws:states:::dynamodb:getItem', {
          Parameters: { TableName: 'Orders', Key: { id: { 'S.$': '$.id' } } },
          ResultPath: '$.got',
        }),
      },
      { id: 'order-1' },
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { put: Record<string, unknown>; got: Record<string, unknown> };
    expect(output.got.Item).toEqual({ id: { S: 'order-1' }, total: { N: '42' }, paid: { BOOL: true } });
    expect(output.got.SdkHttpMetadata).toMatchObject({
      HttpStatusCode: 200,
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0' },
    });
    expect(output.got.SdkResponseMetadata).toEqual({ RequestId: expect.any(String) });
    expect(Object.keys(output.put).sort()).toEqual(['SdkHttpMetadata', 'SdkResponseMetadata']);
    const scheduled = result.history.find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'dynamodb',
      resource: 'putItem',
      region: REGION,
    });
  });

  it('a failed condition is DynamoDB.ConditionalCheckFailedException, caught by that name', async () => {
    await run({
      Put: task('arn:aws:states:::dynamodb:putItem', {
        Parameters: { TableName: 'Orders', Item: { id: { S: 'taken' } } },
      }),
    });
    const result = await run({
      Put: task('arn:aws:states:::dynamodb:putItem', {
        Parameters: {
          TableName: 'Orders',
          Item: { id: { S: 'taken' } },
          ConditionExpression: 'attribute_not_exists(id)',
        },
        Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Taken' }],
      }),
      Taken: { Type: 'Pass', End: true },
    });
    expect(result.status).toBe('SUCCEEDED');
    const caught = result.output as { Error: string; Cause: string };
    expect(caught.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(caught.Cause).toMatch(
      /^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: \S+; Proxy: null\)$/,
    );
  });

  it('an error DynamoDB does not model is DynamoDB.AmazonDynamoDBException', async () => {
    const result = await run({
      Put: task('arn:aws:states:::dynamodb:putItem', { Parameters: { TableName: '/bad', Item: { id: { S: 'x' } } } }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(result.cause).toMatch(
      /\(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: \S+; Proxy: null\)$/,
    );
  });
});

describe('AWS SDK integrations', () => {
  it('aws-sdk:dynamodb names errors DynamoDb.<Exception> with the AWS SDK cause format', async () => {
    await run({
      Put: task('arn:aws:states:::dynamodb:putItem', {
        Parameters: { TableName: 'Orders', Item: { id: { S: 'taken' } } },
      }),
    });
    const again = await run({
      Put: task('arn:aws:states:::aws-sdk:dynamodb:putItem', {
        Parameters: {
          TableName: 'Orders',
          Item: { id: { S: 'taken' } },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      }),
    });
    expect(again.status).toBe('FAILED');
    expect(again.error).toBe('DynamoDb.ConditionalCheckFailedException');
    expect(again.cause).toMatch(
      /^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/,
    );
    const missing = await run({
      Get: task('arn:aws:states:::aws-sdk:dynamodb:getItem', {
        Parameters: { TableName: 'Nope', Key: { id: { S: 'x' } } },
      }),
    });
    expect(missing.error).toBe('DynamoDb.ResourceNotFoundException');
    expect(missing.cause).toMatch(
      /^Requested resource not found.* \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/,
    );
    const failed = again.history.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ resourceType: 'aws-sdk:dynamodb', resource: 'putItem' });
  });

  it('aws-sdk:s3 putObject then getObject returns the Body as text, without $metadata', async () => {
    const result = await run(
      {
        Put: task('arn:aws:states:::aws-sdk:s3:putObject', {
          Parameters: { Bucket: 'stepwise-bucket', Key: 'greeting.txt', 'Body.$': '$.text', ContentType: 'text/plain' },
          ResultPath: '$.put',
          End: false,
          Next: 'Get',
        }),
        Get: task('arn:aws:states:::aws-sdk:s3:getObject', {
          Parameters: { Bucket: 'stepwise-bucket', Key: 'greeting.txt' },
          ResultPath: '$.got',
        }),
      },
      { text: 'hello from stepwise' },
    );
    expect(result, result.cause).toMatchObject({ status: 'SUCCEEDED' });
    const output = result.output as { put: Record<string, unknown>; got: Record<string, unknown> };
    expect(output.put.ETag).toEqual(expect.any(String));
    expect(output.got.Body).toBe('hello from stepwise');
    expect(output.got.ContentType).toBe('text/plain');
    expect(output.got.ContentLength).toBe(19);
    expect(typeof output.got.LastModified).toBe('string');
    expect(output.got).not.toHaveProperty('$metadata');
  });

  it('aws-sdk:s3 getObject of a missing key fails with S3.NoSuchKeyException', async () => {
    const result = await run({
      Get: task('arn:aws:states:::aws-sdk:s3:getObject', {
        Parameters: { Bucket: 'stepwise-bucket', Key: 'missing.txt' },
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error, result.cause).toBe('S3.NoSuchKeyException');
    expect(result.cause).toMatch(
      /^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: \S+(, Extended Request ID: \S+)?\)$/,
    );
  });

  it('aws-sdk:ecs sends the PascalCase parameters as the SDK members ECS spells in camelCase, and answers in PascalCase', async () => {
    const seen = ecs.requests.length;
    const result = await run({
      Describe: task('arn:aws:states:::aws-sdk:ecs:describeTasks', {
        Parameters: { Cluster: 'jobs', Tasks: ['arn:aws:ecs:us-east-1:123456789012:task/jobs/none'] },
      }),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(ecs.requests[seen]?.json).toEqual({
      cluster: 'jobs',
      tasks: ['arn:aws:ecs:us-east-1:123456789012:task/jobs/none'],
    });
    expect(result.output).toEqual({
      Tasks: [],
      Failures: [{ Arn: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/none', Reason: 'MISSING' }],
    });
  });

  it('a service whose client package is not installed fails the task naming the package to install', async () => {
    const result = await run({
      Put: task('arn:aws:states:::aws-sdk:kinesis:putRecord', {
        Parameters: { StreamName: 's', Data: 'x', PartitionKey: 'p' },
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(result.cause).toContain('npm install @aws-sdk/client-kinesis');
  });
});

describe('SQS (optimized)', () => {
  it('sendMessage sends a JSON MessageBody as its text and returns the message id with the SDK metadata', async () => {
    const result = await run(
      {
        Send: task('arn:aws:states:::sqs:sendMessage', {
          Parameters: { QueueUrl: queueUrl, MessageBody: { 'order.$': '$.order' } },
        }),
      },
      { order: 7 },
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as Record<string, unknown>;
    expect(output).toMatchObject({
      MessageId: expect.any(String),
      MD5OfMessageBody: expect.any(String),
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
    const client = new SQSClient({ endpoint: sqs.url, region: REGION, credentials });
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    client.destroy();
    expect(received.Messages?.[0]?.Body).toBe('{"order":7}');
    expect(received.Messages?.[0]?.MessageId).toBe(output.MessageId);
  });

  it('sendMessage.waitForTaskToken waits until a worker that read the token from the message calls SendTaskSuccess', async () => {
    const executionArn = await start({
      Send: task('arn:aws:states:::sqs:sendMessage.waitForTaskToken', {
        Parameters: { QueueUrl: queueUrl, MessageBody: { 'token.$': '$$.Task.Token', job: 'resize' } },
      }),
    });
    const client = new SQSClient({ endpoint: sqs.url, region: REGION, credentials });
    let body: { token: string; job: string } | undefined;
    for (let i = 0; i < 50 && !body; i++) {
      const received = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
      );
      const message = received.Messages?.[0];
      if (!message) continue;
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      body = JSON.parse(message.Body as string) as { token: string; job: string };
    }
    client.destroy();
    expect(body?.job).toBe('resize');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: body?.token, output: JSON.stringify({ resized: true }) }));
    const result = await finish(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ resized: true });
  });
});

describe('SNS and EventBridge (optimized)', () => {
  it('sns:publish sends a signed request with a JSON Message as its text and returns the MessageId', async () => {
    const seen = sns.requests.length;
    const result = await run(
      {
        Publish: task('arn:aws:states:::sns:publish', {
          Parameters: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:orders`, Message: { 'order.$': '$.order' } },
        }),
      },
      { order: 9 },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      MessageId: '5f1c3d2e-0000-4000-8000-000000000001',
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.stringMatching(/^req-\d+$/) },
    });
    expect(sns.rejected).toEqual([]);
    expect(sns.requests[seen]?.form?.get('Message')).toBe('{"order":9}');
  });

  it('sns:publish to a missing topic fails with SNS.NotFoundException', async () => {
    const result = await run({
      Publish: task('arn:aws:states:::sns:publish', {
        Parameters: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:missing`, Message: 'hi' },
      }),
    });
    expect(result.error).toBe('SNS.NotFoundException');
    expect(result.cause).toMatch(
      /^Topic does not exist \(Service: AmazonSNS; Status Code: 404; Error Code: NotFoundException; Request ID: req-\d+; Proxy: null\)$/,
    );
  });

  it('events:putEvents sends Detail as text, adds the state machine and execution ARNs to Resources, and returns the entries', async () => {
    const seen = events.requests.length;
    const executionArn = await start(
      {
        Put: task('arn:aws:states:::events:putEvents', {
          Parameters: {
            Entries: [
              {
                Source: 'stepwise.test',
                DetailType: 'Order',
                Detail: { 'order.$': '$.order' },
                Resources: ['arn:aws:s3:::x'],
              },
            ],
          },
        }),
      },
      { order: 3 },
    );
    const result = await finish(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ Entries: [{ EventId: 'event-0' }], FailedEntryCount: 0 });
    expect(events.rejected).toEqual([]);
    const sent = (events.requests[seen]?.json?.Entries as Record<string, unknown>[])[0];
    expect(sent?.Detail).toBe('{"order":3}');
    expect(sent?.Resources).toEqual(['arn:aws:s3:::x', expect.stringMatching(/:stateMachine:aws-\d+$/), executionArn]);
  });

  it('events:putEvents with a failed entry fails with EventBridge.FailedEntry and the response as the cause', async () => {
    const result = await run({
      Put: task('arn:aws:states:::events:putEvents', {
        Parameters: { Entries: [{ DetailType: 'Order', Detail: '{}' }] },
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('EventBridge.FailedEntry');
    expect(JSON.parse(result.cause as string)).toEqual({
      Entries: [
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
        },
      ],
      FailedEntryCount: 1,
    });
  });
});

describe('ECS (optimized)', () => {
  it('runTask.sync starts the task, waits until it stopped, and returns the stopped task', async () => {
    const seen = ecs.requests.length;
    const result = await run({
      Run: task('arn:aws:states:::ecs:runTask.sync', {
        Parameters: { Cluster: 'jobs', TaskDefinition: 'job', LaunchType: 'FARGATE' },
      }),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(ecs.rejected).toEqual([]);
    const runTask = ecs.requests[seen];
    expect(runTask?.operation).toBe('RunTask');
    expect(runTask?.json).toMatchObject({
      cluster: 'jobs',
      taskDefinition: 'job',
      launchType: 'FARGATE',
      startedBy: 'AWS Step Functions',
      clientToken: expect.any(String),
    });
    expect(ecs.requests.slice(seen + 1).map((r) => r.operation)).toEqual(['DescribeTasks', 'DescribeTasks']);
    expect(result.output).toMatchObject({
      LastStatus: 'STOPPED',
      StopCode: 'EssentialContainerExited',
      Containers: [{ Name: 'job', ExitCode: 0 }],
      CreatedAt: 1767268800000,
    });
  });

  it('runTask.sync fails with States.TaskFailed and the stopped task as the cause when a container exits non-zero', async () => {
    const result = await run({
      Run: task('arn:aws:states:::ecs:runTask.sync', { Parameters: { Cluster: 'jobs', TaskDefinition: 'failing' } }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause as string)).toMatchObject({ LastStatus: 'STOPPED', Containers: [{ ExitCode: 1 }] });
  });

  it('runTask (request-response) returns the RunTask response without waiting', async () => {
    const result = await run({
      Run: task('arn:aws:states:::ecs:runTask', { Parameters: { Cluster: 'jobs', TaskDefinition: 'job' } }),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      Tasks: [{ LastStatus: 'PROVISIONING' }],
      Failures: [],
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
  });

  it('an ECS error is ECS.<Exception> in the optimized integration', async () => {
    const result = await run({
      Run: task('arn:aws:states:::ecs:runTask.sync', { Parameters: { Cluster: 'missing', TaskDefinition: 'job' } }),
    });
    expect(result.error).toBe('ECS.ClusterNotFoundException');
    expect(result.cause).toMatch(
      /^Cluster not found\. \(Service: AmazonECS; Status Code: 400; Error Code: ClusterNotFoundException; Request ID: req-\d+; Proxy: null\)$/,
    );
  });

  it('runTask.sync that outlasts TimeoutSeconds fails with States.Timeout and stops polling', async () => {
    const result = await run({
      Run: task('arn:aws:states:::ecs:runTask.sync', {
        Parameters: { Cluster: 'jobs', TaskDefinition: 'forever' },
        TimeoutSeconds: 1,
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    expect(result.history.some((e) => e.type === 'TaskTimedOut')).toBe(true);
    const polls = ecs.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ecs.requests.length).toBe(polls);
  });
});

describe('Retry', () => {
  it('a throttled DynamoDB call is retried by the state Retry and then succeeds', async () => {
    const proxy = await startThrottlingProxy(dynamo.url, 1);
    const throttled = await startTestServer({ aws: { endpoints: { dynamodb: proxy.url } } });
    const client = throttled.client;
    try {
      const executionArn = await start(
        {
          Put: task('arn:aws:states:::dynamodb:putItem', {
            Parameters: { TableName: 'Orders', Item: { id: { S: 'retried' } } },
            Retry: [
              { ErrorEquals: ['DynamoDB.ProvisionedThroughputExceededException'], IntervalSeconds: 1, MaxAttempts: 2 },
            ],
          }),
        },
        {},
        client,
      );
      const result = await finish(executionArn, client);
      expect(result.status).toBe('SUCCEEDED');
      expect(proxy.throttled()).toBe(1);
      const failed = result.history.find((e) => e.type === 'TaskFailed');
      expect(failed?.taskFailedEventDetails?.error).toBe('DynamoDB.ProvisionedThroughputExceededException');
      expect(result.history.filter((e) => e.type === 'TaskScheduled')).toHaveLength(2);
      const ddb = new DynamoDBClient({ endpoint: dynamo.url, region: REGION, credentials });
      expect((await ddb.send(new GetItemCommand({ TableName: 'Orders', Key: { id: { S: 'retried' } } }))).Item).toEqual(
        { id: { S: 'retried' } },
      );
      ddb.destroy();
    } finally {
      await throttled.close();
      await proxy.close();
    }
  });
});

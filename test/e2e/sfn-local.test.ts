/**
 * A test suite written against `amazon/aws-stepfunctions-local` runs on `stepwise serve` unchanged:
 * the real server process, given Step Functions Local's environment variables (or its
 * aws-stepfunctions-local-credentials.txt through --env-file), answers the real SFN client with
 * the account and region they name, skips Waits under WAIT_TIME_SCALE=0, runs MockConfigFile test
 * cases on `<arn>#<TestCase>`, sends Lambda tasks to LAMBDA_ENDPOINT, and prints the readiness line
 * harnesses wait for.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createMachine, finished, startExecution } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite, type Running } from '../integrations/aws/servers.js';

interface Invocation {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP listener speaking Lambda's Invoke API: answers `{greeting: "hello <name>"}`. */
class LambdaListener {
  readonly invocations: Invocation[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.invocations.push({ path: req.url ?? '', headers: req.headers, body });
      if (!/^\/2015-03-31\/functions\/[^/]+\/invocations/.test(req.url ?? '')) {
        res.writeHead(404, { 'x-amzn-ErrorType': 'ResourceNotFoundException' }).end('{}');
        return;
      }
      const { name } = JSON.parse(body) as { name?: string };
      res
        .writeHead(200, { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' })
        .end(JSON.stringify({ greeting: `hello ${name ?? 'nobody'}` }));
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const dir = tempDir('stepwise-sfn-local-');
const lambda = new LambdaListener();
let lambdaUrl: string;

beforeAll(async () => {
  lambdaUrl = await lambda.listen();
});
afterAll(async () => {
  await lambda.close();
  removeDir(dir);
});

const greetTask = (functionArn: string) => ({
  StartAt: 'Greet',
  States: {
    Greet: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
});

describe("Step Functions Local's environment variables", () => {
  let server: ServerProcess;
  let client: SFNClient;
  let dynamodb: Running;
  const mockFile = join(dir, 'MockConfigFile.json');

  beforeAll(async () => {
    dynamodb = await startDynalite();
    const ddb = new DynamoDBClient({
      endpoint: dynamodb.url,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'Orders',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    ddb.destroy();
    writeFileSync(
      mockFile,
      JSON.stringify({
        StateMachines: { Orders: { TestCases: { HappyPath: { Greet: 'MockedGreeting' } } } },
        MockedResponses: { MockedGreeting: { '0': { Return: { StatusCode: 200, Payload: { greeting: 'mocked' } } } } },
      }),
    );
    server = new ServerProcess(await freePort(), join(dir, 'env'), {
      env: {
        AWS_ACCOUNT_ID: '111122223333',
        AWS_DEFAULT_REGION: 'eu-west-2',
        WAIT_TIME_SCALE: '0',
        SFN_MOCK_CONFIG: mockFile,
        LAMBDA_ENDPOINT: lambdaUrl,
        DYNAMODB_ENDPOINT: dynamodb.url,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        STEPWISE_ENDPOINT_DYNAMODB: '',
        STEPWISE_AWS_ENDPOINT: '',
        STEPWISE_REGION: '',
        STEPWISE_ACCOUNT_ID: '',
        STEPWISE_WAIT_TIME_SCALE: '',
        STEPWISE_LAMBDA_ENDPOINT: '',
      },
    });
    await server.start();
    client = server.client();
  });
  afterAll(async () => {
    await server.kill('SIGTERM');
    await dynamodb.close();
  });

  it("prints Step Functions Local's readiness line with the port, account and region", () => {
    expect(server.output).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: Starting server on port ${server.port} with account 111122223333, region eu-west-2$`,
        'm',
      ),
    );
  });

  it('AWS_ACCOUNT_ID and AWS_DEFAULT_REGION are the account and region of the ARNs', async () => {
    const arn = await createMachine(client, 'Pass', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(arn).toBe('arn:aws:states:eu-west-2:111122223333:stateMachine:Pass');
    const executionArn = await startExecution(client, arn, {}, 'first');
    expect(executionArn).toBe('arn:aws:states:eu-west-2:111122223333:execution:Pass:first');
  });

  it('WAIT_TIME_SCALE=0 makes a one-hour Wait finish at once', async () => {
    const arn = await createMachine(client, 'Nap', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const done = await finished(client, await startExecution(client, arn));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.history.map((e) => e.type)).toContain('WaitStateExited');
  });

  it('SFN_MOCK_CONFIG: StartExecution on <arn>#HappyPath runs the test case with its mocked response', async () => {
    const arn = await createMachine(
      client,
      'Orders',
      greetTask('arn:aws:lambda:eu-west-2:111122223333:function:greet'),
    );
    const before = lambda.invocations.length;
    const done = await finished(client, await startExecution(client, `${arn}#HappyPath`, { name: 'Ada' }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ greeting: 'mocked' });
    expect(lambda.invocations.length).toBe(before);
  });

  it('DYNAMODB_ENDPOINT sends the optimized DynamoDB integration to a local DynamoDB', async () => {
    const arn = await createMachine(client, 'Store', {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: 'Orders', Item: { id: { S: 'o-1' }, 'total.$': '$.total' } },
          ResultPath: null,
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:getItem',
          Parameters: { TableName: 'Orders', Key: { id: { S: 'o-1' } } },
          OutputPath: '$.Item',
          End: true,
        },
      },
    });
    const done = await finished(client, await startExecution(client, arn, { total: { N: '42' } }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ id: { S: 'o-1' }, total: { N: '42' } });
  });

  it('LAMBDA_ENDPOINT sends a Lambda task to a local listener speaking the Invoke API', async () => {
    const arn = await createMachine(
      client,
      'Greeter',
      greetTask('arn:aws:lambda:eu-west-2:111122223333:function:greet'),
    );
    const done = await finished(client, await startExecution(client, arn, { name: 'Ada' }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ greeting: 'hello Ada' });
    const call = lambda.invocations.at(-1);
    expect(call?.path).toMatch(/^\/2015-03-31\/functions\/.*greet\/invocations/);
    expect(JSON.parse(call?.body ?? '{}')).toEqual({ name: 'Ada' });
  });
});

describe('aws-stepfunctions-local-credentials.txt through --env-file', () => {
  let server: ServerProcess;
  let client: SFNClient;

  beforeAll(async () => {
    const file = join(dir, 'aws-stepfunctions-local-credentials.txt');
    writeFileSync(
      file,
      [
        '# the template of AWS docs, filled in',
        'AWS_DEFAULT_REGION=eu-central-1',
        'AWS_ACCOUNT_ID=444455556666',
        'AWS_ACCESS_KEY_ID=AKIDSTEPWISETEST',
        'AWS_SECRET_ACCESS_KEY=not-a-real-secret',
        'WAIT_TIME_SCALE=0',
        `LAMBDA_ENDPOINT=${lambdaUrl}`,
        '',
      ].join('\n'),
    );
    server = new ServerProcess(await freePort(), join(dir, 'file'), {
      args: ['--env-file', file],
      env: {
        // Both names set, differently: Stepwise's wins, and a log line says so.
        STEPWISE_REGION: 'ap-south-1',
        AWS_DEFAULT_REGION: '',
        AWS_ACCOUNT_ID: '',
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        STEPWISE_ACCOUNT_ID: '',
        STEPWISE_LAMBDA_ENDPOINT: '',
        WAIT_TIME_SCALE: '',
        LAMBDA_ENDPOINT: '',
      },
    });
    await server.start();
    client = server.client();
  });
  afterAll(() => server.kill('SIGTERM'));

  it("takes the file's account; STEPWISE_REGION beats its AWS_DEFAULT_REGION, and the log says so", async () => {
    const arn = await createMachine(client, 'FromFile', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(arn).toBe('arn:aws:states:ap-south-1:444455556666:stateMachine:FromFile');
    expect(server.output).toContain(
      "STEPWISE_REGION=ap-south-1 and Step Functions Local's AWS_DEFAULT_REGION=eu-central-1 are both set: Stepwise's STEPWISE_REGION wins",
    );
    expect(server.output).toContain('Starting server on port');
  });

  it("signs the Lambda call to the file's LAMBDA_ENDPOINT with the file's credentials", async () => {
    const arn = await createMachine(client, 'Signed', greetTask('greet'));
    const done = await finished(client, await startExecution(client, arn, { name: 'Grace' }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ greeting: 'hello Grace' });
    expect(String(lambda.invocations.at(-1)?.headers.authorization)).toContain('Credential=AKIDSTEPWISETEST/');
  });
});

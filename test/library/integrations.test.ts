/**
 * The library's `execute` runs Task states through the server's integrations: local functions, HTTP
 * Tasks with connections (a real HTTP server on 127.0.0.1), and Step Functions Local's mocks; what
 * needs a server (callbacks, activities) fails with a cause that says so. And `startServer` from the
 * package's entry point runs the whole server in process, for a test suite.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, fakeClock, parseMockConfig, startServer, type Json } from '../../src/index.js';
import { sfnClient } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';

const task = (Resource: string, extra: object = {}): Json =>
  ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource, End: true, ...extra } } }) as Json;
const LAMBDA = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/orders/0b6d4f1e-0000-4000-8000-000000000000';

let dir: string;
let api: Server;
let apiUrl: string;
let seen: { url?: string; headers: IncomingHttpHeaders }[];

beforeAll(async () => {
  dir = tempDir('stepwise-library-');
  writeFileSync(join(dir, 'double.mjs'), 'export const handler = async (event) => ({ doubled: event.n * 2 });\n');
  seen = [];
  api = createServer((request, response) => {
    seen.push({ url: request.url, headers: request.headers });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ items: [1, 2] }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => api.close(resolve));
  removeDir(dir);
});

// A function's first call starts its worker thread: seconds on a busy machine.
describe('execute with integrations', { timeout: 30_000 }, () => {
  it('runs a Lambda resource with the local function of functionsDir', async () => {
    const result = await execute(task(LAMBDA('double')), { n: 21 }, { functionsDir: dir });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { doubled: 42 } });
  });

  it('runs an HTTP Task through its connection (given as an object), adding its API key', async () => {
    const definition = task('arn:aws:states:::http:invoke', {
      Parameters: {
        ApiEndpoint: `${apiUrl}/orders`,
        Method: 'GET',
        QueryParameters: { page: '2' },
        Authentication: { ConnectionArn: CONNECTION },
      },
    });
    const connections = {
      orders: {
        AuthorizationType: 'API_KEY',
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'secret-1' } },
      },
    };
    const result = await execute(definition, {}, { connections, httpAllowedHosts: ['127.0.0.1'] });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { StatusCode: 200, ResponseBody: { items: [1, 2] } } });
    expect(seen.at(-1)).toMatchObject({ url: '/orders?page=2', headers: { 'x-api-key': 'secret-1' } });
  });

  it("refuses an HTTP Task's host outside httpAllowedHosts", async () => {
    const definition = task('arn:aws:states:::http:invoke', {
      Parameters: { ApiEndpoint: `${apiUrl}/x`, Method: 'GET', Authentication: { ConnectionArn: CONNECTION } },
    });
    const result = await execute(definition, {}, { connections: { orders: {} }, httpAllowedHosts: ['example.com'] });
    expect(result.status).toBe('FAILED');
    expect(seen.filter((s) => s.url === '/x')).toEqual([]);
  });

  it("answers a mocked state from a MockConfigFile's test case, retrying as the definition says", async () => {
    const config = parseMockConfig({
      StateMachines: { Orders: { TestCases: { Flaky: { Call: 'FailsOnce' } } } },
      MockedResponses: {
        FailsOnce: {
          '0': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' } },
          '1': { Return: { StatusCode: 200, Payload: { ok: true } } },
        },
      },
    });
    const definition = task('arn:aws:states:::lambda:invoke', {
      Parameters: { FunctionName: 'not-deployed' },
      Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 2 }],
    });
    const result = await execute(
      definition,
      {},
      {
        mocks: { config, testCase: 'Flaky' },
        context: { stateMachineName: 'Orders' },
        clock: fakeClock(),
      },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { StatusCode: 200, Payload: { ok: true } } });
    expect(result.history.filter((e) => e.type === 'TaskFailed')).toHaveLength(1);
  });

  it('fails a .waitForTaskToken task it cannot call back, saying a server is needed', async () => {
    const definition = task('arn:aws:states:::lambda:invoke.waitForTaskToken', {
      Parameters: { FunctionName: 'double', Payload: { n: 1, 'token.$': '$$.Task.Token' } },
    });
    const result = await execute(definition, {}, { functionsDir: dir });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(result.cause).toMatch(/cannot wait for a callback.*startServer/);
  });

  it('fails an activity task, saying activities need a server', async () => {
    const result = await execute(
      task('arn:aws:states:us-east-1:123456789012:activity:approve'),
      {},
      { functionsDir: dir },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(result.cause).toMatch(/activities and nested executions need a server \(startServer\)/);
  });
});

describe('startServer from the package entry point', { timeout: 30_000 }, () => {
  it('runs the API in process on a free port, and stops', async () => {
    const dataDir = tempDir('stepwise-library-server-');
    const server = await startServer({ port: 0, dataDir, logLevel: 'silent', consoleDir: false });
    try {
      const client = sfnClient(server.url);
      expect((await client.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
      client.destroy();
    } finally {
      await server.close();
      removeDir(dataDir);
    }
  });
});

describe('Distributed Map in the library', () => {
  it('execute() runs a Distributed Map inline, and says plainly that an ItemReader needs a server', async () => {
    const processor = {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } },
    };
    const inline = await execute(
      { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor, End: true } } },
      [1, 2],
    );
    expect(inline).toMatchObject({ status: 'SUCCEEDED', output: [1, 2] });
    const reading = await execute(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              ReaderConfig: { InputType: 'JSONL' },
              Parameters: { Bucket: 'b', Key: 'k' },
            },
            ItemProcessor: processor,
            End: true,
          },
        },
      },
      {},
    );
    expect(reading).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
    expect(reading.cause).toContain('stepwise serve');
  });
});

/**
 * STEPWISE_LAMBDA_ENDPOINT: invocations forwarded with @aws-sdk/client-lambda to a Lambda-compatible
 * endpoint. The endpoint here is a real HTTP server implementing Lambda's Invoke REST call
 * (POST /2015-03-31/functions/<FunctionName>/invocations) that records what it receives.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaIntegration } from '../../../src/integrations/lambda/index.js';
import { fn, startLambdaServer, task, type LambdaServer } from './support.js';

const INVOKE = 'arn:aws:states:::lambda:invoke';

interface Received {
  method: string;
  functionName: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/** A Lambda Invoke endpoint whose answers the test scripts, per function name. */
class FakeLambda {
  received: Received[] = [];
  answers = new Map<string, (request: Received, count: number) => Answer>();
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://lambda');
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      const functionName = match ? decodeURIComponent(match[1]!) : '';
      const request: Received = {
        method: req.method ?? '',
        functionName,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.received.push(request);
      const name = functionName.split(':function:').at(-1)!.split(':')[0]!;
      const answer = this.answers.get(name);
      const reply: Answer = answer
        ? answer(request, this.received.filter((r) => r.functionName === functionName).length)
        : {
            status: 404,
            headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
            body: JSON.stringify({ Type: 'User', Message: `Function not found: ${functionName}` }),
          };
      res.writeHead(reply.status ?? 200, {
        'Content-Type': 'application/json',
        'x-amzn-RequestId': `req-${this.received.length}`,
        ...reply.headers,
      });
      res.end(reply.body);
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

let fake: FakeLambda;
let server: LambdaServer;

beforeAll(async () => {
  fake = new FakeLambda();
  const endpoint = await fake.listen();
  // Built as `stepwise serve` builds it: from STEPWISE_LAMBDA_ENDPOINT.
  const lambda = createLambdaIntegration({
    env: { STEPWISE_LAMBDA_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'secret' },
  });
  server = await startLambdaServer({ backend: lambda.backend });
});

afterAll(async () => {
  await server.close();
  await fake.close();
});

beforeEach(() => {
  fake.received = [];
  fake.answers.clear();
});

describe('STEPWISE_LAMBDA_ENDPOINT', () => {
  it('a function ARN Task sends Lambda Invoke with its input as the payload and returns the response payload', async () => {
    fake.answers.set('remote', () => ({
      headers: { 'X-Amz-Executed-Version': '$LATEST' },
      body: JSON.stringify({ answer: 42 }),
    }));
    const r = await server.run(task('arn:aws:lambda:eu-west-1:111122223333:function:remote:live'), {
      question: 'everything',
    });
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { answer: 42 } });
    expect(fake.received).toHaveLength(1);
    const request = fake.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.functionName).toBe('arn:aws:lambda:eu-west-1:111122223333:function:remote');
    expect(request.query.get('Qualifier')).toBe('live');
    expect(request.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(JSON.parse(request.body)).toEqual({ question: 'everything' });
    // Signed with the credentials from the environment.
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/us-east-1\/lambda\/aws4_request/,
    );
  });

  it('lambda:invoke forwards Payload, InvocationType and ClientContext and returns the envelope with the real headers', async () => {
    fake.answers.set('remote', () => ({
      headers: { 'X-Amz-Executed-Version': '3' },
      body: JSON.stringify({ ok: true }),
    }));
    const clientContext = Buffer.from('{"custom":{"a":1}}').toString('base64');
    const r = await server.run(
      task(INVOKE, {
        Parameters: {
          FunctionName: 'remote',
          Qualifier: 'prod',
          Payload: { 'n.$': '$.n' },
          ClientContext: clientContext,
        },
      }),
      { n: 7 },
    );
    expect(r.status).toBe('SUCCEEDED');
    const request = fake.received[0]!;
    expect(request.functionName).toBe('arn:aws:lambda:us-east-1:123456789012:function:remote');
    expect(request.query.get('Qualifier')).toBe('prod');
    expect(request.headers['x-amz-client-context']).toBe(clientContext);
    expect(JSON.parse(request.body)).toEqual({ n: 7 });
    const output = r.output as {
      ExecutedVersion: string;
      Payload: unknown;
      StatusCode: number;
      SdkHttpMetadata: { HttpHeaders: Record<string, string>; HttpStatusCode: number };
      SdkResponseMetadata: { RequestId: string };
    };
    expect(output).toMatchObject({
      ExecutedVersion: '3',
      Payload: { ok: true },
      StatusCode: 200,
      SdkResponseMetadata: { RequestId: 'req-1' },
    });
    expect(output.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(output.SdkHttpMetadata.HttpHeaders).toMatchObject({
      'X-Amz-Executed-Version': '3',
      'x-amzn-RequestId': 'req-1',
      'Content-Type': 'application/json',
    });
  });

  it('a function error from the endpoint fails the task with its errorType', async () => {
    const document = JSON.stringify({ errorType: 'CustomError', errorMessage: 'remote failure', trace: [] });
    fake.answers.set('remote', () => ({
      headers: { 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST' },
      body: document,
    }));
    const r = await server.run(task(INVOKE, { Parameters: { FunctionName: 'remote' } }));
    expect(r).toMatchObject({ status: 'FAILED', error: 'CustomError', cause: document });
  });

  it('a function error without an errorType (a Lambda timeout) is Lambda.Unknown', async () => {
    const document =
      '{"errorMessage":"2024-11-26T00:36:39.604Z 5b1c368c-fa4f-448d-8d37-595d2633cc9b Task timed out after 3.00 seconds"}';
    fake.answers.set('remote', () => ({ headers: { 'X-Amz-Function-Error': 'Unhandled' }, body: document }));
    const r = await server.run(task(fn('remote')));
    expect(r.error).toBe('Lambda.Unknown');
    expect(r.cause).toBe(
      `The cause could not be determined because Lambda did not return an error type. Returned payload: ${document}`,
    );
  });

  it('Retry on Lambda.ServiceException invokes again after the service failed', async () => {
    fake.answers.set('remote', (_request, count) =>
      count === 1
        ? {
            status: 500,
            headers: { 'x-amzn-ErrorType': 'ServiceException' },
            body: JSON.stringify({ Type: 'Service', message: 'Lambda is having a bad day' }),
          }
        : { body: JSON.stringify({ attempt: count }) },
    );
    const r = await server.run(
      task(INVOKE, {
        Parameters: { FunctionName: 'remote' },
        Retry: [
          {
            ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
            IntervalSeconds: 1,
            MaxAttempts: 2,
          },
        ],
      }),
    );
    expect(r.status).toBe('SUCCEEDED');
    expect((r.output as { Payload: unknown }).Payload).toEqual({ attempt: 2 });
    const failed = r.history.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed.error).toBe('Lambda.ServiceException');
    expect(failed.cause).toBe(
      'Lambda is having a bad day (Service: AWSLambda; Status Code: 500; Error Code: ServiceException; Request ID: req-1; Proxy: null)',
    );
  });

  it('a function the endpoint does not know fails with Lambda.ResourceNotFoundException', async () => {
    const r = await server.run(task(fn('unknown')));
    expect(r.error).toBe('Lambda.ResourceNotFoundException');
    expect(r.cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:unknown \(Service: AWSLambda; Status Code: 404;/,
    );
  });

  it('an endpoint that cannot be reached fails with Lambda.SdkClientException', async () => {
    const unreachable = createLambdaIntegration({ env: { STEPWISE_LAMBDA_ENDPOINT: 'http://127.0.0.1:9' } });
    const other = await startLambdaServer({ backend: unreachable.backend });
    try {
      const r = await other.run(task(fn('remote')));
      expect(r.error).toBe('Lambda.SdkClientException');
      expect(r.cause).toMatch(/^Unable to execute HTTP request: /);
    } finally {
      await other.close();
    }
  });
});

/**
 * AWS-compatible servers for the AWS integration tests, each on a free 127.0.0.1 port:
 * dynalite (DynamoDB), s3rver (S3), local-aws-sqs (SQS), and small HTTP servers for the few SNS,
 * EventBridge and ECS calls the tests make. Those check every request's SigV4 Authorization
 * header (its credential scope names the service and the region) before answering.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createSqsServer } from 'local-aws-sqs';
import { removeDir, tempDir } from '../../support/files.js';

export interface Running {
  url: string;
  close(): Promise<void>;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startDynalite(): Promise<Running> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: urlOf(server), close: () => closeServer(server) };
}

export async function startS3(buckets: string[]): Promise<Running> {
  const directory = tempDir('stepwise-s3-');
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await s3.run();
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await s3.close();
      removeDir(directory);
    },
  };
}

export async function startSqs(queues: string[]): Promise<Running> {
  const server = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    queues: queues.map((QueueName) => ({ QueueName })),
  });
  return { url: urlOf(server), close: () => closeServer(server) };
}

// ---- hand-written servers (SNS, EventBridge, ECS) ------------------------------------------------

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** `x-amz-target` without its prefix (`PutEvents`), for JSON protocols. */
  operation?: string;
  /** The parsed body: JSON, or the form of a query-protocol request. */
  json?: Record<string, unknown>;
  form?: URLSearchParams;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FakeAws extends Running {
  requests: FakeRequest[];
  /** Requests that failed the SigV4 check, with why. */
  rejected: string[];
}

/** The credential scope of `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`. */
export function signatureScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(
      authorization ?? '',
    );
  return match ? { region: match[1] as string, service: match[2] as string } : undefined;
}

export async function startFakeAws(
  signingName: string,
  region: string,
  handle: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>,
): Promise<FakeAws> {
  const requests: FakeRequest[] = [];
  const rejected: string[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const requestId = `req-${++count}`;
        const scope = signatureScope(req.headers.authorization);
        if (!scope || scope.service !== signingName || scope.region !== region) {
          rejected.push(`${req.method} ${req.url}: authorization ${req.headers.authorization ?? '(none)'}`);
          res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
          res.end(
            JSON.stringify({
              __type: 'InvalidSignatureException',
              message: 'The request signature we calculated does not match the signature you provided.',
            }),
          );
          return;
        }
        const target = req.headers['x-amz-target'];
        const request: FakeRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
        if (typeof target === 'string') request.operation = target.split('.').at(-1);
        if ((req.headers['content-type'] ?? '').includes('json') && body)
          request.json = JSON.parse(body) as Record<string, unknown>;
        if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
          request.form = new URLSearchParams(body);
        requests.push(request);
        const response = await handle(request);
        res.writeHead(response.status ?? 200, { 'x-amzn-requestid': requestId, ...response.headers });
        res.end(response.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: urlOf(server), requests, rejected, close: () => closeServer(server) };
}

export function json(body: unknown, status = 200, type = 'application/x-amz-json-1.1'): FakeResponse {
  return { status, headers: { 'content-type': type }, body: JSON.stringify(body) };
}

export function xml(body: string, status = 200): FakeResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

/**
 * A proxy in front of a real server that answers the first `times` requests with a DynamoDB
 * throttling error instead of forwarding them.
 */
export async function startThrottlingProxy(target: string, times: number): Promise<Running & { throttled(): number }> {
  let throttled = 0;
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (throttled < times) {
        throttled++;
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `throttled-${throttled}`,
        });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          }),
        );
        return;
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: urlOf(server), throttled: () => throttled, close: () => closeServer(server) };
}

/**
 * For HTTP Task tests: a real local HTTP server that records every request and answers with a
 * route handler, and the real Stepwise server (startServer, memory store) driven by the SDK.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the client went away before the response was sent. */
  closedEarly: boolean;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | object;
  /** Never answer (a slow server). */
  hang?: boolean;
}

export type Route = (request: RecordedRequest, index: number) => Reply;

export interface Recorder {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests to one path. */
  to(path: string): RecordedRequest[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Route>();
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://recorder');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        closedEarly: false,
      };
      requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) recorded.closedEarly = true;
        hanging.delete(res);
      });
      const route = routes.get(url.pathname);
      const reply: Reply = route
        ? route(recorded, requests.filter((r) => r.path === url.pathname).length - 1)
        : { status: 404, body: 'no route' };
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      const body =
        reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const headers = {
        ...(typeof reply.body === 'object' ? { 'Content-Type': 'application/json' } : {}),
        ...reply.headers,
      };
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ExecutionResult {
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface Stepwise {
  server: RunningServer;
  client: SFNClient;
  /** Runs a definition as an Express machine through StartSyncExecution. */
  runSync(definition: object, input?: object): Promise<ExecutionResult>;
  /** Runs a definition as a Standard machine (StartExecution) and polls DescribeExecution until it ends. */
  runStandard(definition: object, input?: object): Promise<ExecutionResult>;
  close(): Promise<void>;
}

export const ROLE = 'arn:aws:iam::123456789012:role/stepwise';

/** The real server (memory store) with a connections file written from `connections` (YAML text). */
export async function startStepwise(connectionsYaml: string, httpAllowedHosts?: string[]): Promise<Stepwise> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-http-'));
  const file = join(dir, 'connections.yaml');
  writeFileSync(file, connectionsYaml);
  const server = await startServer({
    port: 0,
    store: new MemoryStore(),
    logger: pino({ level: 'silent' }),
    connections: file,
    ...(httpAllowedHosts ? { httpAllowedHosts } : {}),
  });
  const client = new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  let counter = 0;
  const create = async (definition: object, type: 'STANDARD' | 'EXPRESS') => {
    const name = `http-${type.toLowerCase()}-${++counter}`;
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }),
    );
    return stateMachineArn ?? '';
  };
  const parse = (text: string | undefined) => (text === undefined ? undefined : (JSON.parse(text) as unknown));
  return {
    server,
    client,
    async runSync(definition, input = {}) {
      const stateMachineArn = await create(definition, 'EXPRESS');
      const r = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
      return {
        status: r.status ?? '',
        output: parse(r.output),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.cause !== undefined ? { cause: r.cause } : {}),
      };
    },
    async runStandard(definition, input = {}) {
      const stateMachineArn = await create(definition, 'STANDARD');
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
      );
      const deadline = Date.now() + 10_000;
      for (;;) {
        const d = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') {
          return {
            status: d.status ?? '',
            output: parse(d.output),
            ...(d.error !== undefined ? { error: d.error } : {}),
            ...(d.cause !== undefined ? { cause: d.cause } : {}),
          };
        }
        if (Date.now() > deadline) throw new Error(`${executionArn} is still running`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A one-state machine calling `parameters` through the HTTP Task, with optional Retry/Catch/TimeoutSeconds. */
export function httpTask(parameters: object, extra: object = {}): object {
  return {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: parameters, End: true, ...extra },
    },
  };
}

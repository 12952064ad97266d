/**
 * For HTTP Task tests: a real local HTTP server that records every request and answers with a
 * route handler, and the shared test server (memory store) with a connections file.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { resultOf, startExecution, type MachineType, type Result } from '../../support/aws.js';
import { removeDir, tempDir } from '../../support/files.js';
import { startTestServer, type TestServer } from '../../support/server.js';

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
  const hanging = new Set<ServerResponse>();
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

export interface Stepwise extends TestServer {
  /** Runs a definition as an Express machine through StartSyncExecution. */
  runSync(definition: object, input?: object): Promise<Result>;
  /** Runs a definition as a Standard machine (StartExecution) and polls DescribeExecution until it ends. */
  runStandard(definition: object, input?: object): Promise<Result>;
}

/** The real server (memory store) with a connections file written from `connectionsYaml`; HTTP Tasks may call 127.0.0.1 unless `httpAllowedHosts` says otherwise (null: no allow-list). */
export async function startStepwise(connectionsYaml: string, httpAllowedHosts?: string[] | null): Promise<Stepwise> {
  const dir = tempDir('stepwise-http-');
  const file = join(dir, 'connections.yaml');
  writeFileSync(file, connectionsYaml);
  // The recorder listens on loopback, which HTTP Tasks reach only when the allow-list names it.
  // null: no allow-list, the server's default.
  const allowed = httpAllowedHosts === undefined ? ['127.0.0.1'] : httpAllowedHosts;
  const sw = await startTestServer({ connections: file, ...(allowed ? { httpAllowedHosts: allowed } : {}) });
  let counter = 0;
  const create = (definition: object, type: MachineType) =>
    sw.createMachine(`http-${type.toLowerCase()}-${++counter}`, definition, type);
  return {
    ...sw,
    async runSync(definition, input = {}) {
      const stateMachineArn = await create(definition, 'EXPRESS');
      return resultOf(
        await sw.client.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) })),
      );
    },
    async runStandard(definition, input = {}) {
      const executionArn = await startExecution(sw.client, await create(definition, 'STANDARD'), input);
      return resultOf(await sw.untilDone(executionArn));
    },
    async close() {
      await sw.close();
      removeDir(dir);
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

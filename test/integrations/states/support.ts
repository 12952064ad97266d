/**
 * The real server (startServer: SQLite under a temp dir, the durable engine, the HTTP API) on a free
 * port, with an SDK client, for nested-execution and mock tests.
 */
import { eventually } from '../../support/eventually.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { startServer, type RunningServer, type ServerOptions } from '../../../src/server.js';

export const ROLE = 'arn:aws:iam::123456789012:role/stepwise';

export interface TestServer {
  server: RunningServer;
  client: SFNClient;
  dataDir: string;
  createMachine(name: string, definition: object, type?: 'STANDARD' | 'EXPRESS'): Promise<string>;
  /** Polls DescribeExecution until the execution is no longer RUNNING. */
  finished(executionArn: string, timeoutMs?: number): Promise<DescribeExecutionCommandOutput>;
  /** Stops the server; the data directory stays (for restarts) unless `remove`. */
  close(remove?: boolean): Promise<void>;
}

export async function startTestServer(
  options: Omit<ServerOptions, 'port' | 'host'> = {},
  dataDir?: string,
): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'stepwise-nested-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir: dir, ...options });
  const client = new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  return {
    server,
    client,
    dataDir: dir,
    async createMachine(name, definition, type = 'STANDARD') {
      const r = await client.send(
        new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }),
      );
      return r.stateMachineArn as string;
    },
    finished: (executionArn, timeoutMs = 5000) =>
      eventually(
        async () => {
          const d = await client.send(new DescribeExecutionCommand({ executionArn }));
          return d.status === 'RUNNING' ? undefined : d;
        },
        `${executionArn} to finish`,
        timeoutMs,
      ),
    async close(remove = true) {
      client.destroy();
      await server.close();
      if (remove) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A promise and its resolvers, for handlers a test releases. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export { eventually };

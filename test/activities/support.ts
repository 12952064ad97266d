/**
 * A real Stepwise server (startServer on port 0) on a memory store or a SQLite directory, and an SDK
 * client pointed at it, for the activity tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';

export const ROLE = 'arn:aws:iam::123456789012:role/test';

export function sfnClient(url: string): SFNClient {
  return new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

export interface TestServer {
  server: RunningServer;
  client: SFNClient;
  close(): Promise<void>;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const server = await startServer({
    port: 0,
    logLevel: 'silent',
    store: options.dataDir ? undefined : new MemoryStore(),
    ...options,
  });
  const client = sfnClient(server.url);
  return {
    server,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'stepwise-activities-'));

let names = 0;
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${++names}`;

export async function createActivity(client: SFNClient, name = uniqueName('activity')): Promise<string> {
  const { activityArn } = await client.send(new CreateActivityCommand({ name }));
  return activityArn as string;
}

/** A Standard machine whose one Task is the activity (extra fields merged into the Task state). */
export async function activityMachine(
  client: SFNClient,
  activityArn: string,
  task: Record<string, unknown> = {},
  name = uniqueName('machine'),
): Promise<string> {
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true, ...task } } };
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return stateMachineArn as string;
}

export async function start(
  client: SFNClient,
  stateMachineArn: string,
  input: unknown = {},
  name?: string,
): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return executionArn as string;
}

/** Polls DescribeExecution until the execution is no longer RUNNING. */
export async function finished(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 10_000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

export const eventTypes = (events: HistoryEvent[]): string[] => events.map((e) => e.type as string);

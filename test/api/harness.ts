/**
 * Starts the API server on a free port with the real store (memory or SQLite on a temp file) and
 * the real durable engine, and an SDK client pointed at it. Every API test file runs once per
 * store kind in `storeKinds`.
 *
 * Executions the tests need to hold RUNNING run `gateDefinition`: one Task whose handler (the
 * "gate") waits until the test calls `finish`, which then waits for the engine to commit the end.
 */
import { eventually } from '../support/async.js';
import { join } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/api/server.js';
import type { Clock } from '../../src/engine/clock.js';
import { DurableEngine } from '../../src/engine/durable/durable-engine.js';
import { TaskFailure, type TaskHandler } from '../../src/engine/task-invoker.js';
import type { ExecutionStatus, TerminalStatus } from '../../src/interpreter/types.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../../src/index.js';
import { isJsonObject, type Json } from '../../src/json.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ClusterStore } from '../../src/store/cluster.js';
import type { ExecutionRecord, ExecutionStore } from '../../src/store/types.js';
import { databaseUrl, dropSchemas, freshSchema, postgresWanted } from '../store/postgres-helper.js';
import { rejection, ROLE, sfnClient } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/**
 * The stores every API test file runs against (STEPWISE_API_STORES=memory narrows it). PostgreSQL
 * (one cluster node on a fresh schema) joins when a server is reachable or required.
 */
const postgresAvailable = await postgresWanted();
export const storeKinds: StoreKind[] = (
  process.env.STEPWISE_API_STORES ?? `memory,sqlite${postgresAvailable ? ',postgres' : ''}`
)
  .split(',')
  .map((kind) => kind.trim())
  .filter((kind): kind is StoreKind => kind === 'memory' || kind === 'sqlite' || kind === 'postgres');

export const GATE_RESOURCE = 'arn:aws:lambda:us-east-1:123456789012:function:gate';

/** A Standard machine whose one Task waits for the test to `finish` it. */
export const gateDefinition = JSON.stringify({
  StartAt: 'Gate',
  States: {
    Gate: { Type: 'Task', Resource: GATE_RESOURCE, Parameters: { 'execution.$': '$$.Execution.Id' }, End: true },
  },
});

/** An Express machine that echoes its input, or fails with `{"fail": "<error>"}`. */
export const echoDefinition = JSON.stringify({
  StartAt: 'Route',
  States: {
    Route: { Type: 'Choice', Choices: [{ Variable: '$.fail', IsPresent: true, Next: 'Fail' }], Default: 'Echo' },
    Fail: { Type: 'Fail', ErrorPath: '$.fail', Cause: 'the input asked to fail' },
    Echo: { Type: 'Pass', End: true },
  },
});

export interface FinishResult {
  output?: string;
  error?: string;
  cause?: string;
}

export interface Harness {
  kind: StoreKind;
  client: SFNClient;
  store: ExecutionStore;
  engine: DurableEngine;
  url: string;
  /** The injected clock (epoch ms); every read moves it on by 1 ms. Tests may move it. */
  clock: { now: number };
  /** The injected alias-routing random source. */
  random: { value: number };
  /** A raw JSON 1.0 call, for protocol checks the SDK would not let through. */
  raw(
    body: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;
  /**
   * Ends a `gateDefinition` execution: SUCCEEDED with `output` (JSON text) or FAILED with the error
   * and cause. Resolves once the engine has committed it.
   */
  finish(
    executionArn: string,
    status: Extract<TerminalStatus, 'SUCCEEDED' | 'FAILED'>,
    result?: FinishResult,
  ): Promise<ExecutionRecord>;
  /** Polls the store until the execution has the status (fails after a deadline). */
  waitForStatus(executionArn: string, status: ExecutionStatus): Promise<ExecutionRecord>;
  close(): Promise<void>;
}

interface Gate {
  resolve(output: Json): void;
  reject(error: unknown): void;
}

export async function startHarness(kind: StoreKind = 'memory'): Promise<Harness> {
  let dir: string | undefined;
  let store: ExecutionStore;
  if (kind === 'sqlite') {
    dir = tempDir('stepwise-api-');
    store = SqliteStore.open(join(dir, 'stepwise.db'));
  } else if (kind === 'postgres') {
    store = await PostgresStore.open(databaseUrl, { schema: freshSchema() });
  } else {
    store = new MemoryStore();
  }
  const epoch = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
  const clock = { now: epoch };
  const random = { value: 0 };
  const now = () => clock.now++;
  const engineClock: Clock = {
    now,
    sleepUntil: async (epochMs) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (epochMs > clock.now) clock.now = epochMs;
    },
  };
  const gates = new Map<string, Gate>();
  const gate: TaskHandler = (input) =>
    new Promise<Json>((resolve, reject) => {
      const executionArn = isJsonObject(input) && typeof input.execution === 'string' ? input.execution : '';
      gates.set(executionArn, { resolve, reject });
    });
  const engine = new DurableEngine({
    store,
    clock: engineClock,
    handlers: { [GATE_RESOURCE]: gate },
    // PostgreSQL runs as a cluster of one node, leases and all (long enough never to expire here).
    ...(kind === 'postgres'
      ? { cluster: { store: store as ExecutionStore & ClusterStore, nodeId: 'api-test', leaseMs: 600_000, pollMs: 50 } }
      : {}),
  });
  await engine.start();
  // Starting reads the clock (the timer loop); the tests expect their first request to see the epoch.
  clock.now = epoch;
  const server: FastifyInstance = createApiServer({
    store,
    engine,
    region: DEFAULT_REGION,
    accountId: DEFAULT_ACCOUNT_ID,
    now,
    random: () => random.value,
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const client = sfnClient(url);

  const waitForStatus = (executionArn: string, status: ExecutionStatus) =>
    eventually(async () => {
      const record = await store.getExecution(executionArn);
      return record?.status === status ? record : undefined;
    }, `${executionArn} to be ${status}`);

  return {
    kind,
    client,
    store,
    engine,
    url,
    clock,
    random,
    async raw(body, headers = {}) {
      const response = await fetch(`${url}/`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-amz-json-1.0', ...headers },
      });
      return {
        status: response.status,
        headers: response.headers,
        json: (await response.json()) as Record<string, unknown>,
      };
    },
    async finish(executionArn, status, result = {}) {
      const pending = await eventually(async () => gates.get(executionArn), `the gate task of ${executionArn}`);
      gates.delete(executionArn);
      if (status === 'SUCCEEDED') pending.resolve(JSON.parse(result.output ?? '{}') as Json);
      else pending.reject(new TaskFailure(result.error ?? 'States.TaskFailed', result.cause));
      return waitForStatus(executionArn, status);
    },
    waitForStatus,
    async close() {
      client.destroy();
      await server.close();
      await engine.close();
      await store.close();
      if (dir) removeDir(dir);
      if (kind === 'postgres') await dropSchemas();
    },
  };
}

export const ARN_PREFIX = `arn:aws:states:${DEFAULT_REGION}:${DEFAULT_ACCOUNT_ID}`;
export { rejection, ROLE };
export const passDefinition = (result: string = 'done') =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });

export { eventually };

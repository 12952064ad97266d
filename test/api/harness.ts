/**
 * Starts the API server on a free port with a store and an engine, and an SDK client pointed at
 * it. The store and engine factories are the one place to swap the fakes for the real adapters.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/api/server.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../../src/index.js';
import type { ExecutionStore } from '../../src/store/types.js';
import { FakeEngine } from './fake-engine.js';
import { FakeStore } from './fake-store.js';

export const createStore = (): ExecutionStore => new FakeStore();
export const createEngine = (store: ExecutionStore, now: () => number) => new FakeEngine(store, now);

export interface Harness {
  client: SFNClient;
  store: ExecutionStore;
  engine: ReturnType<typeof createEngine>;
  url: string;
  /** The injected clock (epoch ms); tests may move it. */
  clock: { now: number };
  /** The injected alias-routing random source. */
  random: { value: number };
  /** A raw JSON 1.0 call, for protocol checks the SDK would not let through. */
  raw(body: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const store = createStore();
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0, 250) };
  const random = { value: 0 };
  const now = () => clock.now++;
  const engine = createEngine(store, now);
  const server: FastifyInstance = createApiServer({
    store,
    engine,
    region: DEFAULT_REGION,
    accountId: DEFAULT_ACCOUNT_ID,
    now,
    random: () => random.value,
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const client = new SFNClient({
    endpoint: url,
    region: DEFAULT_REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  return {
    client,
    store,
    engine,
    url,
    clock,
    random,
    async raw(body, headers = {}) {
      const response = await fetch(`${url}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-amz-json-1.0', ...headers } });
      return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

export const ARN_PREFIX = `arn:aws:states:${DEFAULT_REGION}:${DEFAULT_ACCOUNT_ID}`;
export const ROLE = `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/stepwise`;
export const passDefinition = (result: string = 'done') =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

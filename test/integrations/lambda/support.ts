/**
 * For Lambda tests: the real Stepwise API (memory store, durable engine) whose only integration is
 * the Lambda one, driven by the real SDK; and a helper that runs a definition to its end and
 * returns what DescribeExecution and GetExecutionHistory say.
 */
import { fileURLToPath } from 'node:url';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../../src/api/server.js';
import { DurableEngine } from '../../../src/engine/durable/durable-engine.js';
import { IntegrationRegistry } from '../../../src/integrations/registry.js';
import { LambdaIntegration, type LambdaIntegrationOptions } from '../../../src/integrations/lambda/index.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';

export const FUNCTIONS_DIR = fileURLToPath(new URL('./fixtures/functions', import.meta.url));
export const ROLE = 'arn:aws:iam::123456789012:role/stepwise';
export const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export interface Finished {
  executionArn: string;
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

export interface LambdaServer {
  url: string;
  client: SFNClient;
  lambda: LambdaIntegration;
  /** Creates a Standard state machine (names are unique per server). */
  create(definition: object, type?: 'STANDARD' | 'EXPRESS'): Promise<string>;
  /** Starts an execution and waits for its end. */
  run(definition: object, input?: unknown): Promise<Finished>;
  start(stateMachineArn: string, input?: unknown): Promise<string>;
  wait(executionArn: string, timeoutMs?: number): Promise<Finished>;
  sync(
    definition: object,
    input?: unknown,
  ): Promise<{ status: string; output?: unknown; error?: string; cause?: string }>;
  close(): Promise<void>;
}

export async function startLambdaServer(options: LambdaIntegrationOptions = {}): Promise<LambdaServer> {
  const store = new MemoryStore();
  const lambda = new LambdaIntegration({ functionsDir: FUNCTIONS_DIR, ...options });
  const engine = new DurableEngine({ store, integrations: new IntegrationRegistry([lambda]) });
  await engine.start();
  const app: FastifyInstance = createApiServer({
    store,
    engine,
    region: 'us-east-1',
    accountId: '123456789012',
    logger: pino({ level: 'silent' }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  let machines = 0;
  const create = async (definition: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') => {
    const created = await client.send(
      new CreateStateMachineCommand({
        name: `machine-${++machines}`,
        definition: JSON.stringify(definition),
        roleArn: ROLE,
        type,
      }),
    );
    return created.stateMachineArn!;
  };
  const start = async (stateMachineArn: string, input: unknown = {}) => {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    return started.executionArn!;
  };
  const wait = async (executionArn: string, timeoutMs = 15_000): Promise<Finished> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') {
        const history = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
        return {
          executionArn,
          status: d.status!,
          ...(d.output !== undefined ? { output: JSON.parse(d.output) as unknown } : {}),
          ...(d.error !== undefined ? { error: d.error } : {}),
          ...(d.cause !== undefined ? { cause: d.cause } : {}),
          history: history.events ?? [],
        };
      }
      if (Date.now() > deadline) throw new Error(`${executionArn} is still RUNNING`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    url,
    client,
    lambda,
    create,
    start,
    wait,
    run: async (definition, input = {}) => wait(await start(await create(definition), input)),
    sync: async (definition, input = {}) => {
      const r = await client.send(
        new StartSyncExecutionCommand({
          stateMachineArn: await create(definition, 'EXPRESS'),
          input: JSON.stringify(input),
        }),
      );
      return {
        status: r.status!,
        ...(r.output !== undefined ? { output: JSON.parse(r.output) as unknown } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.cause !== undefined ? { cause: r.cause } : {}),
      };
    },
    close: async () => {
      client.destroy();
      await app.close();
      await engine.close();
      await lambda.close();
      await store.close();
    },
  };
}

/** A one-Task machine. */
export function task(resource: string, fields: Record<string, unknown> = {}): object {
  return { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, End: true, ...fields } } };
}

export function eventTypes(history: HistoryEvent[]): string[] {
  return history.map((e) => e.type!);
}

/**
 * For Lambda tests: the real Stepwise API (memory store, durable engine) whose only integration is
 * the Lambda one, driven by the real SDK; and a helper that runs a definition to its end and
 * returns what DescribeExecution and GetExecutionHistory say.
 */
import { fileURLToPath } from 'node:url';
import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../../src/api/server.js';
import { DurableEngine } from '../../../src/engine/durable/durable-engine.js';
import { IntegrationRegistry } from '../../../src/engine/integration-registry.js';
import { LambdaIntegration, type LambdaIntegrationOptions } from '../../../src/integrations/lambda/index.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import {
  ACCOUNT,
  createMachine,
  finished,
  REGION,
  resultOf,
  sfnClient,
  startExecution,
  type Finished,
  type MachineType,
  type Result,
} from '../../support/aws.js';

export const FUNCTIONS_DIR = fileURLToPath(new URL('./fixtures/functions', import.meta.url));
export const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

export interface LambdaServer {
  url: string;
  client: SFNClient;
  lambda: LambdaIntegration;
  /** Creates a Standard state machine (names are unique per server). */
  create(definition: object, type?: MachineType): Promise<string>;
  /** Starts an execution and waits for its end. */
  run(definition: object, input?: unknown): Promise<Finished>;
  start(stateMachineArn: string, input?: unknown): Promise<string>;
  wait(executionArn: string, timeoutMs?: number): Promise<Finished>;
  sync(definition: object, input?: unknown): Promise<Result>;
  close(): Promise<void>;
}

/**
 * The API and the engine assembled here rather than by startServer: the tests need the Lambda
 * integration object itself (its options, its backend).
 */
export async function startLambdaServer(options: LambdaIntegrationOptions = {}): Promise<LambdaServer> {
  const store = new MemoryStore();
  const lambda = new LambdaIntegration({ functionsDir: FUNCTIONS_DIR, ...options });
  const engine = new DurableEngine({ store, integrations: new IntegrationRegistry([lambda]) });
  await engine.start();
  const app: FastifyInstance = createApiServer({
    store,
    engine,
    region: REGION,
    accountId: ACCOUNT,
    logger: pino({ level: 'silent' }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = sfnClient(url);
  let machines = 0;
  const create = (definition: object, type: MachineType = 'STANDARD') =>
    createMachine(client, `machine-${++machines}`, definition, type);
  const start = (stateMachineArn: string, input: unknown = {}) => startExecution(client, stateMachineArn, input);
  const wait = (executionArn: string, timeoutMs = 15_000) => finished(client, executionArn, timeoutMs);
  return {
    url,
    client,
    lambda,
    create,
    start,
    wait,
    run: async (definition, input = {}) => wait(await start(await create(definition), input)),
    sync: async (definition, input = {}) =>
      resultOf(
        await client.send(
          new StartSyncExecutionCommand({
            stateMachineArn: await create(definition, 'EXPRESS'),
            input: JSON.stringify(input),
          }),
        ),
      ),
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

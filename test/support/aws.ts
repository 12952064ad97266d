/**
 * The AWS SDK side of the tests: one SFN client set-up for a Stepwise endpoint, and the calls the
 * tests repeat (create a machine, start, wait for the end, read the whole history, list statuses).
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClientConfig,
} from '@aws-sdk/client-sfn';
import { sleep } from './async.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/stepwise`;

/**
 * An SFN client for a Stepwise endpoint: dummy credentials (Stepwise does not check them), no host
 * prefix (the SDK would send StartSyncExecution to `sync-<host>`), and one attempt, so a failure
 * shows as it happened instead of being retried away.
 */
export function sfnClient(endpoint: string, config: Omit<SFNClientConfig, 'endpoint'> = {}): SFNClient {
  return new SFNClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
    ...config,
  });
}

export type MachineType = 'STANDARD' | 'EXPRESS';

/** Creates a state machine from a definition (an object, or text as given) and returns its ARN. */
export async function createMachine(
  client: SFNClient,
  name: string,
  definition: object | string,
  type: MachineType = 'STANDARD',
): Promise<string> {
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({
      name,
      definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      roleArn: ROLE,
      type,
    }),
  );
  return stateMachineArn ?? '';
}

/** Starts an execution with `input` as JSON and returns its ARN. */
export async function startExecution(
  client: SFNClient,
  stateMachineArn: string,
  input: unknown = {},
  name?: string,
): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return executionArn ?? '';
}

/** Polls DescribeExecution until the execution is no longer RUNNING (fails after `timeoutMs`). */
export async function untilDone(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 10_000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** An execution's end as the API reports it, the output parsed; members the API left out are absent. */
export interface Result<Output = unknown> {
  status: string;
  output?: Output;
  error?: string;
  cause?: string;
}

/** The Result of a DescribeExecution or StartSyncExecution answer. */
export function resultOf<Output = unknown>(answer: {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
}): Result<Output> {
  return {
    status: answer.status ?? '',
    ...(answer.output !== undefined ? { output: JSON.parse(answer.output) as Output } : {}),
    ...(answer.error !== undefined ? { error: answer.error } : {}),
    ...(answer.cause !== undefined ? { cause: answer.cause } : {}),
  };
}

export interface Finished<Output = unknown> extends Result<Output> {
  executionArn: string;
  history: HistoryEvent[];
}

/** Waits for the execution's end and returns its Result with its whole history. */
export async function finished<Output = unknown>(
  client: SFNClient,
  executionArn: string,
  timeoutMs?: number,
): Promise<Finished<Output>> {
  const described = await untilDone(client, executionArn, timeoutMs);
  return { executionArn, ...resultOf<Output>(described), history: await fullHistory(client, executionArn) };
}

/** An execution's whole history through the API, page by page. */
export async function fullHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A Map Run's STANDARD children through ListExecutions, page by page. */
export async function mapRunChildren(client: SFNClient, mapRunArn: string): Promise<ExecutionListItem[]> {
  const all: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ mapRunArn, maxResults: 1000, nextToken }));
    all.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

export const eventTypes = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.type ?? '');

/**
 * Every execution of a state machine by name, with its status, through ListExecutions page by page.
 * A name listed twice is a bug: its status then reads "<first> and listed again as <second>".
 */
export async function listStatuses(client: SFNClient, stateMachineArn: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    for (const e of page.executions ?? []) {
      const name = e.name ?? '';
      if (statuses.has(name)) statuses.set(name, `${statuses.get(name)} and listed again as ${e.status}`);
      else statuses.set(name, e.status ?? '');
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return statuses;
}

/** Every page of a paged call, in order: `page(nextToken)` asks for one (undefined: the first). */
export async function allPages<Page extends { nextToken?: string }>(
  page: (nextToken: string | undefined) => Promise<Page>,
): Promise<Page[]> {
  const pages: Page[] = [];
  let nextToken: string | undefined;
  do {
    const next = await page(nextToken);
    pages.push(next);
    nextToken = next.nextToken;
  } while (nextToken);
  return pages;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

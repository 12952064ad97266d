/**
 * The conformance corpus through HTTP: the real server (SQLite in a temp folder, or one cluster
 * node on a fresh PostgreSQL schema; durable engine, AWS JSON 1.0 API) started in-process on a free
 * port, every case driven with @aws-sdk/client-sfn.
 *
 * - Invalid definitions: CreateStateMachine (InvalidDefinition, exact message) or
 *   ValidateStateMachineDefinition (exact diagnostics), as the case recorded.
 * - EXPRESS: StartSyncExecution (status, output, error, cause; Express keeps no history).
 *   Cases recorded from an asynchronous Express start (`_express_async`) are skipped: the result
 *   of StartExecution on an Express machine cannot be observed through the API (AWS sends it to
 *   CloudWatch Logs), and StartSyncExecution would run it with another context ($$ has no
 *   RedriveCount), so it would not be the same case.
 * - STANDARD: every StartExecution at once, then DescribeExecution polled until each one ends,
 *   then GetExecutionHistory (paginated) for the cases that recorded event types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNServiceException,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import type { Json } from '../../src/json.js';
import { startServer } from '../../src/server.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { eventTypes, fullHistory, sfnClient } from '../support/aws.js';
import { compareDiagnostics, compareInvalidMessage, compareOutcome, definitionText, isExpressAsync, type Case, type Outcome } from './corpus.js';

export interface HttpCaseResult {
  /** What differed from AWS (absent: the case passed). */
  problem?: string;
  /** Why the case was not run over HTTP (neither passed nor failed). */
  skipped?: string;
}

const ROLE = 'arn:aws:iam::123456789012:role/ConformanceRole';
const EXECUTION_NAME = 'conformance-execution';
const CONCURRENCY = 32;
/** Longest a Standard execution may take (the corpus's Waits are at most 1 s). */
const EXECUTION_DEADLINE_MS = 60_000;

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function describeError(error: unknown): string {
  if (error instanceof SFNServiceException) return `${error.name}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const parseOutput = (text: string | undefined): Json | undefined => (text === undefined ? undefined : (JSON.parse(text) as Json));

/** Where the server keeps its data: SQLite (the default), or a PostgreSQL schema as a node of a cluster. */
export type HttpStore = { kind: 'sqlite' } | { kind: 'postgres'; databaseUrl: string; schema: string };

export async function runCasesOverHttp(cases: readonly Case[], where: HttpStore = { kind: 'sqlite' }): Promise<Map<string, HttpCaseResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-conformance-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    // Named explicitly: a STEPWISE_DATABASE_URL in the environment must not move the SQLite run.
    ...(where.kind === 'sqlite'
      ? { store: SqliteStore.open(join(dir, 'stepwise.db')) }
      : { databaseUrl: where.databaseUrl, databaseSchema: where.schema, nodeId: 'conformance' }),
  });
  const client = sfnClient(server.url);
  const results = new Map<string, HttpCaseResult>();
  const record = (c: Case, problem: string | undefined): void => {
    results.set(c.id, problem === undefined ? {} : { problem });
  };
  // State machine names must be unique and at most 80 characters: number them.
  const machineName = new Map(cases.map((c, i) => [c.id, `ConformanceMachine-${i}`]));
  const create = async (c: Case) =>
    (
      await client.send(
        new CreateStateMachineCommand({
          name: machineName.get(c.id),
          definition: definitionText(c),
          roleArn: ROLE,
          type: c.stateMachineType ?? 'STANDARD',
        }),
      )
    ).stateMachineArn ?? '';

  try {
    const invalid = cases.filter((c) => c.expect.invalidDefinition);
    const express = cases.filter((c) => !c.expect.invalidDefinition && c.stateMachineType === 'EXPRESS');
    const standard = cases.filter((c) => !c.expect.invalidDefinition && c.stateMachineType !== 'EXPRESS');

    await pool(invalid, CONCURRENCY, async (c) => record(c, await checkInvalidOverHttp(client, c, create)));

    await pool(express, CONCURRENCY, async (c) => {
      if (isExpressAsync(c)) {
        results.set(c.id, { skipped: 'an asynchronous Express execution cannot be observed through the API' });
        return;
      }
      try {
        const stateMachineArn = await create(c);
        const output = await client.send(new StartSyncExecutionCommand({ stateMachineArn, name: EXECUTION_NAME, input: JSON.stringify(c.input ?? {}) }));
        const outcome: Outcome = { status: output.status ?? '', output: parseOutput(output.output) };
        if (output.error !== undefined) outcome.error = output.error;
        if (output.cause !== undefined) outcome.cause = output.cause;
        record(c, compareOutcome(c, outcome));
      } catch (error) {
        record(c, `threw: ${describeError(error)}`);
      }
    });

    // Standard: start them all, then poll, so the Waits (up to 1 s each) overlap.
    const started = new Map<string, string>();
    await pool(standard, CONCURRENCY, async (c) => {
      try {
        const stateMachineArn = await create(c);
        const output = await client.send(new StartExecutionCommand({ stateMachineArn, name: EXECUTION_NAME, input: JSON.stringify(c.input ?? {}) }));
        started.set(c.id, output.executionArn ?? '');
      } catch (error) {
        record(c, `threw: ${describeError(error)}`);
      }
    });
    let pending = standard.filter((c) => started.has(c.id));
    const deadline = Date.now() + EXECUTION_DEADLINE_MS;
    while (pending.length > 0) {
      const still: Case[] = [];
      await pool(pending, CONCURRENCY, async (c) => {
        const executionArn = started.get(c.id) ?? '';
        try {
          const described = await client.send(new DescribeExecutionCommand({ executionArn }));
          if (described.status === 'RUNNING') {
            still.push(c);
            return;
          }
          const outcome: Outcome = { status: described.status ?? '', output: parseOutput(described.output) };
          if (described.error !== undefined) outcome.error = described.error;
          if (described.cause !== undefined) outcome.cause = described.cause;
          if (c.expect.historyTypes) {
            const events = await fullHistory(client, executionArn);
            outcome.historyTypes = eventTypes(events);
            outcome.historyLinks = events.map((e) => [e.id ?? -1, e.previousEventId ?? -1]);
          }
          record(c, compareOutcome(c, outcome));
        } catch (error) {
          record(c, `threw: ${describeError(error)}`);
        }
      });
      pending = still;
      if (pending.length === 0) break;
      if (Date.now() > deadline) {
        for (const c of pending) record(c, `still RUNNING after ${EXECUTION_DEADLINE_MS / 1000} s`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function checkInvalidOverHttp(client: SFNClient, c: Case, create: (c: Case) => Promise<string>): Promise<string | undefined> {
  const invalid = c.expect.invalidDefinition;
  if (!invalid) return 'not an invalid-definition case';
  try {
    if (invalid.api === 'CreateStateMachine') {
      try {
        await create(c);
      } catch (error) {
        if (error instanceof SFNServiceException && error.name === (invalid.errorCode ?? 'InvalidDefinition')) return compareInvalidMessage(invalid, error.message);
        return `expected ${invalid.errorCode ?? 'InvalidDefinition'}, got ${describeError(error)}`;
      }
      return 'expected CreateStateMachine to reject the definition, but it created the state machine';
    }
    const output = await client.send(new ValidateStateMachineDefinitionCommand({ definition: definitionText(c), type: c.stateMachineType ?? 'STANDARD' }));
    if (output.result !== 'FAIL') return `expected FAIL, got ${output.result}`;
    const diagnostics = (output.diagnostics ?? []).map((d) => ({ code: d.code ?? '', location: d.location ?? '', message: d.message ?? '', severity: d.severity ?? 'ERROR' }));
    return compareDiagnostics(invalid, diagnostics);
  } catch (error) {
    return `threw: ${describeError(error)}`;
  }
}

/**
 * examples/document-validation end to end: its state machine and function on a Stepwise server,
 * as a Standard state machine (StartExecution) and as an Express one (StartSyncExecution).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const EXAMPLE = 'examples/document-validation';
const ROLE = 'arn:aws:iam::123456789012:role/document-validation';

let server: RunningServer;
let dataDir: string;
let sfn: SFNClient;
let standardArn: string;
let expressArn: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stepwise-document-validation-'));
  server = await startServer({
    port: 0,
    dataDir,
    logger: pino({ level: 'silent' }),
    functionsDir: `${EXAMPLE}/functions`,
  });
  sfn = new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
  });
  const definition = readFileSync(`${EXAMPLE}/statemachine.asl.json`, 'utf8');
  standardArn = (
    await sfn.send(new CreateStateMachineCommand({ name: 'document-validation', roleArn: ROLE, definition }))
  ).stateMachineArn as string;
  expressArn = (
    await sfn.send(
      new CreateStateMachineCommand({
        name: 'document-validation-express',
        type: 'EXPRESS',
        roleArn: ROLE,
        definition,
      }),
    )
  ).stateMachineArn as string;
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const VALID = { documentId: 'NF-2026-0042', type: 'invoice', holder: 'Ada Lovelace', issuedAt: '2026-01-15' };
const INVALID = { documentId: 'NF-2026-0043', type: 'memo', holder: '  ', issuedAt: '2026-02-30x' };

async function run(input: unknown) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: standardArn, input: JSON.stringify(input) }),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} is still RUNNING`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('examples/document-validation', () => {
  it('a valid document: SUCCEEDED, with the function verdict as output', async () => {
    const result = await run(VALID);
    expect(result.status, result.cause).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ documentId: 'NF-2026-0042', valid: true, errors: [] });
  });

  it('an invalid document: FAILED with DocumentInvalid, "Documento Inválido"', async () => {
    const result = await run(INVALID);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DocumentInvalid');
    expect(result.cause).toBe('Documento Inválido');
  });

  it('a document with no fields at all is invalid too', async () => {
    const result = await run({});
    expect(result).toMatchObject({ status: 'FAILED', error: 'DocumentInvalid', cause: 'Documento Inválido' });
  });

  it('as an Express state machine through StartSyncExecution', async () => {
    const valid = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: expressArn, input: JSON.stringify(VALID) }),
    );
    expect(valid.status, valid.cause).toBe('SUCCEEDED');
    expect(JSON.parse(valid.output ?? 'null')).toEqual({ documentId: 'NF-2026-0042', valid: true, errors: [] });

    const invalid = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: expressArn, input: JSON.stringify(INVALID) }),
    );
    expect(invalid).toMatchObject({ status: 'FAILED', error: 'DocumentInvalid', cause: 'Documento Inválido' });
  });
});

/**
 * examples/document-validation end to end: its state machine and function on a Stepwise server,
 * as a Standard state machine (StartExecution) and as an Express one (StartSyncExecution).
 */
import { readFileSync } from 'node:fs';
import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExecution, untilDone } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

const EXAMPLE = 'examples/document-validation';

let server: TestServer;
let sfn: SFNClient;
let standardArn: string;
let expressArn: string;

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite', functionsDir: `${EXAMPLE}/functions` });
  sfn = server.client;
  const definition = readFileSync(`${EXAMPLE}/statemachine.asl.json`, 'utf8');
  standardArn = await server.createMachine('document-validation', definition);
  expressArn = await server.createMachine('document-validation-express', definition, 'EXPRESS');
});

afterAll(async () => {
  await server?.close();
});

const VALID = { documentId: 'NF-2026-0042', type: 'invoice', holder: 'Ada Lovelace', issuedAt: '2026-01-15' };
const INVALID = { documentId: 'NF-2026-0043', type: 'memo', holder: '  ', issuedAt: '2026-02-30x' };

async function run(input: unknown) {
  return untilDone(sfn, await startExecution(sfn, standardArn, input));
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

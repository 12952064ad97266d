/**
 * What the server's log says (pino's JSON lines, captured): one info line when an execution starts
 * and one when it ends, with its name, state machine, type, status and duration; and what a local
 * function writes with console.* or process.stdout, as structured lines tagged with the function
 * and the request id, never raw text amid the JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from '../support/aws.js';
import { eventually } from '../support/async.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;

let lines: LogLine[];
let functionsDir: string;
let server: TestServer;

beforeAll(async () => {
  functionsDir = tempDir('stepwise-log-functions-');
  writeFileSync(
    join(functionsDir, 'chatty.mjs'),
    `export const handler = async (event, context) => {
      console.log('hello from chatty', { n: event.n });
      console.warn('careful');
      console.error(new Error('not really').message);
      process.stdout.write('written directly\\n');
      return { n: event.n, requestId: context.awsRequestId };
    };`,
  );
  lines = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  server = await startTestServer({ logger, functionsDir, consoleDir: false });
});

afterAll(async () => {
  await server?.close();
  removeDir(functionsDir);
});

const chatty = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chatty`;

describe('the server log', { timeout: 30_000 }, () => {
  it('says when a Standard execution starts and ends, with its name, machine, status and duration', async () => {
    const machine = await server.createMachine('LoggedMachine', {
      StartAt: 'Fail',
      States: { Fail: { Type: 'Fail', Error: 'Custom.Broken', Cause: 'on purpose' } },
    });
    const { executionArn } = await server.client.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1' }),
    );
    await server.untilDone(executionArn ?? '');
    const about = lines.filter((l) => l.executionArn === executionArn);
    const started = await eventually(async () => about.find((l) => l.msg === 'execution started'), 'the start line');
    expect(started).toMatchObject({
      level: INFO,
      name: 'run-1',
      stateMachine: 'LoggedMachine',
      type: 'STANDARD',
    });
    const ended = await eventually(
      async () => lines.find((l) => l.executionArn === executionArn && l.msg === 'execution ended'),
      'the end line',
    );
    expect(ended).toMatchObject({
      level: INFO,
      name: 'run-1',
      stateMachine: 'LoggedMachine',
      type: 'STANDARD',
      status: 'FAILED',
      error: 'Custom.Broken',
    });
    expect(typeof ended.durationMs).toBe('number');
    expect(lines.indexOf(started)).toBeLessThan(lines.indexOf(ended));
  });

  it("logs an Express execution's start and end, and the function's console output tagged with its request id", async () => {
    const machine = await server.createMachine(
      'ChattyExpress',
      { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: chatty, End: true } } },
      'EXPRESS',
    );
    const answer = await server.client.send(
      new StartSyncExecutionCommand({ stateMachineArn: machine, name: 'sync-1', input: '{"n":7}' }),
    );
    expect(answer.status).toBe('SUCCEEDED');
    const { requestId } = JSON.parse(answer.output ?? '{}') as { requestId: string };
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const ended = lines.find((l) => l.executionArn === answer.executionArn && l.msg === 'execution ended');
    expect(ended).toMatchObject({
      name: 'sync-1',
      stateMachine: 'ChattyExpress',
      type: 'EXPRESS',
      status: 'SUCCEEDED',
    });
    expect(lines.find((l) => l.executionArn === answer.executionArn && l.msg === 'execution started')).toBeDefined();

    const fromFunction = await eventually(async () => {
      const found = lines.filter((l) => l.functionName === 'chatty' && l.source === 'function');
      return found.length >= 4 ? found : undefined;
    }, "the function's four lines");
    expect(fromFunction.map(({ level, msg, requestId: id }) => ({ level, msg, requestId: id }))).toEqual(
      expect.arrayContaining([
        { level: INFO, msg: 'hello from chatty { n: 7 }', requestId },
        { level: WARN, msg: 'careful', requestId },
        { level: ERROR, msg: 'not really', requestId },
        // Written to process.stdout directly: still one structured line, with the function's latest request.
        { level: INFO, msg: 'written directly', requestId },
      ]),
    );
  });
});

/**
 * `stepwise mocks capture`: a real run (a local function that fails once, then succeeds, behind a
 * Retry; then the optimized lambda:invoke integration), captured by ARN through the SDK and from an
 * AWS-style history export, replayed on another server with the mock configuration and no
 * functions at all: the same event types in the same order, and the same output.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventTypes, fullHistory } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { removeDir, tempDir } from '../support/files.js';
import { cli } from './helpers.js';

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:flaky';
const MACHINE = {
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: FUNCTION,
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 3 }],
      Next: 'Echo',
    },
    Echo: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'echo', 'Payload.$': '$' },
      ResultSelector: { 'echoed.$': '$.Payload' },
      End: true,
    },
  },
};

let dir: string;
let servers: TestServer[] = [];

beforeAll(() => {
  dir = tempDir('stepwise-capture-');
  const functions = join(dir, 'functions');
  mkdirSync(functions);
  const marker = JSON.stringify(join(dir, 'failed-once'));
  writeFileSync(
    join(functions, 'flaky.mjs'),
    `import { existsSync, writeFileSync } from 'node:fs';
class Flaky extends Error { constructor(m) { super(m); this.name = 'Flaky'; } }
export const handler = async (event) => {
  if (!existsSync(${marker})) { writeFileSync(${marker}, 'x'); throw new Flaky('first call fails'); }
  return { ok: true, got: event };
};
`,
  );
  writeFileSync(join(functions, 'echo.mjs'), 'export const handler = async (event) => ({ echo: event });\n');
  return () => removeDir(dir);
});

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer({ waitTimeScale: 0, ...options });
  servers.push(s);
  return s;
}

describe('stepwise mocks capture', () => {
  it('captures a run with a retried failure and replays the same event types without any function', async () => {
    const real = await server({ functionsDir: join(dir, 'functions') });
    const machineArn = await real.createMachine('flaky-flow', MACHINE);
    const { executionArn = '' } = await real.client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-1', input: '{"n":1}' }),
    );
    const original = await real.untilDone(executionArn);
    expect(original.status).toBe('SUCCEEDED');
    const originalHistory = await fullHistory(real.client, executionArn);
    expect(eventTypes(originalHistory)).toContain('LambdaFunctionFailed');

    const file = join(dir, 'MockConfigFile.json');
    const captured = await cli('mocks', 'capture', executionArn, '--endpoint-url', real.url, '--output', file);
    expect(captured.stderr).toBe('');
    expect(captured.code).toBe(0);
    expect(captured.stdout).toContain("as test case 'run-1' of state machine 'flaky-flow'");
    expect(captured.stdout).toContain('Call: 0 Throw Flaky, 1 Return');
    expect(captured.stdout).toContain(`StartExecution on ${machineArn}#run-1`);
    const config = JSON.parse(readFileSync(file, 'utf8'));
    expect(config.StateMachines).toEqual({
      'flaky-flow': { TestCases: { 'run-1': { Call: 'run-1.Call', Echo: 'run-1.Echo' } } },
    });
    expect(config.MockedResponses['run-1.Call']).toMatchObject({
      0: { Throw: { Error: 'Flaky' } },
      1: { Return: { ok: true, got: { n: 1 } } },
    });
    expect(config.MockedResponses['run-1.Echo'][0].Return).toMatchObject({ StatusCode: 200 });

    // From an AWS-style export (timestamps as text) the same test case comes out.
    const exportFile = join(dir, 'history.json');
    writeFileSync(exportFile, JSON.stringify({ events: originalHistory }));
    const fromFile = join(dir, 'FromExport.json');
    const exported = await cli(
      'mocks',
      'capture',
      '--history-file',
      exportFile,
      '--state-machine',
      'flaky-flow',
      '--test-case',
      'run-1',
      '--output',
      fromFile,
    );
    expect(exported.code).toBe(0);
    expect(JSON.parse(readFileSync(fromFile, 'utf8'))).toEqual(config);

    const empty = join(dir, 'no-functions');
    mkdirSync(empty, { recursive: true });
    const replay = await server({ functionsDir: empty, mockConfig: file });
    const replayMachine = await replay.createMachine('flaky-flow', MACHINE);
    const { executionArn: replayArn = '' } = await replay.client.send(
      new StartExecutionCommand({ stateMachineArn: `${replayMachine}#run-1`, input: '{"n":1}' }),
    );
    const replayed = await replay.untilDone(replayArn);
    expect(replayed.status).toBe('SUCCEEDED');
    expect(JSON.parse(replayed.output ?? '')).toEqual(JSON.parse(original.output ?? ''));
    expect(eventTypes(await fullHistory(replay.client, replayArn))).toEqual(eventTypes(originalHistory));
  });

  it('--test-file writes a test file that replays the run with the mocks and passes under stepwise test', async () => {
    const real = await server({ functionsDir: join(dir, 'functions') });
    const machineArn = await real.createMachine('flaky-replayed', MACHINE);
    const { executionArn = '' } = await real.client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-9', input: '{"n":9}' }),
    );
    expect((await real.untilDone(executionArn)).status).toBe('SUCCEEDED');

    const out = join(dir, 'replay');
    mkdirSync(out, { recursive: true });
    const captured = await cli(
      'mocks',
      'capture',
      executionArn,
      '--endpoint-url',
      real.url,
      '--output',
      join(out, 'MockConfigFile.json'),
      '--test-file',
      join(out, 'run-9.sfn-test.yaml'),
    );
    expect(captured.stderr).toBe('');
    expect(captured.code).toBe(0);
    expect(captured.stdout).toContain(`Wrote the definition to ${join(out, 'flaky-replayed.asl.json')}`);
    const testFile = readFileSync(join(out, 'run-9.sfn-test.yaml'), 'utf8');
    expect(testFile).toContain('stateMachine: flaky-replayed.asl.json');
    expect(testFile).toContain('path:\n        - Call\n        - Echo');

    const replayed = await cli('test', join(out, 'run-9.sfn-test.yaml'));
    expect(replayed.stdout).toMatch(/✓ .*run-9\.sfn-test\.yaml:\d+ › replays run-9/);
    expect(replayed.code).toBe(0);
  });

  it('--test-file from an export needs the definition, since an export holds none', async () => {
    const exportFile = join(dir, 'bare-history.json');
    writeFileSync(exportFile, JSON.stringify({ events: [] }));
    const outcome = await cli(
      'mocks',
      'capture',
      '--history-file',
      exportFile,
      '--test-file',
      join(dir, 'x.sfn-test.yaml'),
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('--test-file with --history-file needs --definition <file>');
  });

  it('adds to an existing mock file, keeping its other test cases', async () => {
    const file = join(dir, 'Existing.json');
    writeFileSync(
      file,
      JSON.stringify({
        StateMachines: { other: { TestCases: { Happy: { A: 'R' } } } },
        MockedResponses: { R: { 0: { Return: 1 } } },
      }),
    );
    const history = join(dir, 'tiny.json');
    writeFileSync(
      history,
      JSON.stringify({
        events: [
          { id: 1, previousEventId: 0, type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
          { id: 2, previousEventId: 1, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'A' } },
          { id: 3, previousEventId: 2, type: 'TaskScheduled', taskScheduledEventDetails: {} },
          { id: 4, previousEventId: 3, type: 'TaskTimedOut', taskTimedOutEventDetails: { error: 'States.Timeout' } },
        ],
      }),
    );
    const outcome = await cli(
      'mocks',
      'capture',
      '--history-file',
      history,
      '--state-machine',
      'other',
      '--test-case',
      'Slow',
      '--output',
      file,
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/Note: 1 timeout\(s\) are replayed as failures/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      StateMachines: { other: { TestCases: { Happy: { A: 'R' }, Slow: { A: 'Slow.A' } } } },
      MockedResponses: { R: { 0: { Return: 1 } }, 'Slow.A': { 0: { Throw: { Error: 'States.Timeout' } } } },
    });
  });

  it('says plainly what is wrong with its input (exit 2)', async () => {
    const live = await server({});
    const notExport = join(dir, 'not-export.json');
    writeFileSync(notExport, '{"executionArn": "x"}');
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, 'hello');
    const unknown = 'arn:aws:states:us-east-1:123456789012:execution:nope:gone';
    const cases: [string[], RegExp][] = [
      [['mocks', 'capture', unknown, '--endpoint-url', live.url], /no execution arn:aws:states:.*:gone at http/],
      [['mocks', 'capture', 'not-an-arn'], /'not-an-arn' is not an execution ARN/],
      [
        ['mocks', 'capture', '--history-file', notExport, '--state-machine', 'm'],
        /is not a GetExecutionHistory export/,
      ],
      [['mocks', 'capture', '--history-file', notJson, '--state-machine', 'm'], /is not JSON/],
      [['mocks', 'capture', '--history-file', join(dir, 'missing.json')], /cannot read/],
      [['mocks', 'capture'], /give an execution ARN or --history-file/],
    ];
    for (const [argv, message] of cases) {
      const outcome = await cli(...argv);
      expect(outcome.code, argv.join(' ')).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

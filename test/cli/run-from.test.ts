/**
 * `stepwise run-from`: a new execution at a state of a recorded run, with that state's recorded
 * input, through a generated state machine, against a real server through the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventTypes, fullHistory } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { removeDir, tempDir } from '../support/files.js';
import { cli } from './helpers.js';

const MACHINE = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Result: { n: 1 }, ResultPath: '$.a', Next: 'B' },
    B: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a.n, 10)' }, Next: 'C' },
    C: { Type: 'Choice', Choices: [{ Variable: '$.sum', NumericGreaterThan: 5, Next: 'D' }], Default: 'Bad' },
    D: { Type: 'Succeed' },
    Bad: { Type: 'Fail', Error: 'TooSmall' },
  },
};

let s: TestServer;
let dir: string;
let executionArn: string;

beforeAll(async () => {
  dir = tempDir('stepwise-run-from-');
  s = await startTestServer();
  const stateMachineArn = await s.createMachine('flow', MACHINE);
  executionArn =
    (await s.client.send(new StartExecutionCommand({ stateMachineArn, name: 'first', input: '{"x":"y"}' })))
      .executionArn ?? '';
  expect((await s.untilDone(executionArn)).status).toBe('SUCCEEDED');
});

afterAll(async () => {
  await s.close();
  removeDir(dir);
});

const newArn = (stdout: string) => /^Started (\S+)/m.exec(stdout)?.[1] ?? '';

describe('stepwise run-from', () => {
  it("starts at the state with its recorded input, in a state machine made from the original's", async () => {
    const outcome = await cli('run-from', executionArn, '--state', 'B', '--endpoint-url', s.url);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/Not carried over: variables assigned before 'B'/);
    const arn = newArn(outcome.stdout);
    const done = await s.untilDone(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ sum: 11 });
    expect(JSON.parse(done.input ?? '')).toEqual({ x: 'y', a: { n: 1 } });
    const history = await fullHistory(s.client, arn);
    expect(eventTypes(history).slice(0, 2)).toEqual(['ExecutionStarted', 'PassStateEntered']);
    expect(history[1].stateEnteredEventDetails?.name).toBe('B');
    const machine = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: done.stateMachineArn }));
    expect(machine.name).toBe('flow-from-B');
    const generated = JSON.parse(machine.definition ?? '');
    expect(generated.StartAt).toBe('B');
    expect(Object.keys(generated.States).sort()).toEqual(['B', 'Bad', 'C', 'D']);
    expect(generated.Comment).toBe(`Re-run of ${executionArn} from state B (stepwise run-from)`);
  });

  it('takes --input instead, and runs again on the state machine it made before', async () => {
    const input = join(dir, 'small.json');
    writeFileSync(input, '{"a": {"n": -100}}');
    const outcome = await cli('run-from', executionArn, '--state', 'B', '--input', input, '--endpoint-url', s.url);
    expect(outcome.code).toBe(0);
    expect(await s.untilDone(newArn(outcome.stdout))).toMatchObject({ status: 'FAILED', error: 'TooSmall' });
  });

  it('says plainly what is wrong (exit 2)', async () => {
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, 'nope');
    const cases: [string[], RegExp][] = [
      [['--state', 'Nope'], /'Nope' is not a top-level state of flow \(run-from starts at one of: A, B, C, D, Bad/],
      [['--state', 'Bad'], /never entered 'Bad'.*give --input/],
      [['--state', 'B', '--input', notJson], /is not valid JSON/],
    ];
    for (const [argv, message] of cases) {
      const outcome = await cli('run-from', executionArn, ...argv, '--endpoint-url', s.url);
      expect(outcome.code, argv.join(' ')).toBe(2);
      expect(outcome.stderr).toMatch(message);
    }
    const unknown = await cli(
      'run-from',
      'arn:aws:states:us-east-1:123456789012:execution:flow:gone',
      '--state',
      'B',
      '--endpoint-url',
      s.url,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no execution arn:.*:gone at http/);
  });
});

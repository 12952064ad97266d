/**
 * Smoke test with the AWS CLI (Debian's `awscli`) against the real server: create a state machine,
 * start an execution, describe it, list executions, and read an error. Skipped when /usr/bin/aws
 * is missing, unless STEPWISE_REQUIRE_AWS_CLI=1 (CI installs the CLI and sets it).
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Debian's path; STEPWISE_AWS_CLI points elsewhere (e.g. to check the skip and require paths). */
const AWS = process.env.STEPWISE_AWS_CLI ?? '/usr/bin/aws';
const haveCli = existsSync(AWS);
const required = process.env.STEPWISE_REQUIRE_AWS_CLI === '1';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.runIf(!haveCli && required)('the AWS CLI when it is required', () => {
  it(`is installed at ${AWS} (STEPWISE_REQUIRE_AWS_CLI=1)`, () => {
    expect(haveCli, `${AWS} is missing; install Debian's awscli or unset STEPWISE_REQUIRE_AWS_CLI`).toBe(true);
  });
});

describe.skipIf(!haveCli)(`the AWS CLI against the server${haveCli ? '' : ` (skipped: ${AWS} not found)`}`, () => {
  const dir = tempDir('stepwise-aws-cli-');
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dataDir: join(dir, 'data') });
  });
  afterAll(async () => {
    await server?.close();
    removeDir(dir);
  });

  /** Runs `aws stepfunctions <args>` against the server with dummy credentials (never the user's config). */
  function aws(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        AWS,
        ['stepfunctions', ...args, '--endpoint-url', server.url, '--output', 'json'],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: dir,
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'x',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_CONFIG_FILE: join(dir, 'no-config'),
            AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
            AWS_PAGER: '',
          },
          timeout: 30_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  async function json(...args: string[]): Promise<Record<string, unknown>> {
    const result = await aws(...args);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  it('creates a state machine, starts an execution, describes it and lists it', async () => {
    const definition = JSON.stringify({
      StartAt: 'Greet',
      States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hello {}', $.who)" }, End: true } },
    });
    const created = await json(
      'create-state-machine',
      '--name',
      'cli-machine',
      '--definition',
      definition,
      '--role-arn',
      ROLE,
    );
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:cli-machine');
    expect(Number.isNaN(Date.parse(String(created.creationDate)))).toBe(false);

    const started = await json(
      'start-execution',
      '--state-machine-arn',
      String(created.stateMachineArn),
      '--name',
      'cli-run',
      '--input',
      '{"who":"cli"}',
    );
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:cli-machine:cli-run');

    const deadline = Date.now() + 10_000;
    let described = await json('describe-execution', '--execution-arn', String(started.executionArn));
    while (described.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      described = await json('describe-execution', '--execution-arn', String(started.executionArn));
    }
    expect(described).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: created.stateMachineArn,
      name: 'cli-run',
      status: 'SUCCEEDED',
      input: '{"who":"cli"}',
    });
    expect(JSON.parse(String(described.output))).toEqual({ greeting: 'hello cli' });

    const listed = await json('list-executions', '--state-machine-arn', String(created.stateMachineArn));
    expect(listed.executions).toEqual([
      expect.objectContaining({ executionArn: started.executionArn, name: 'cli-run', status: 'SUCCEEDED' }),
    ]);
  }, 60_000);

  it('creates a state machine from a YAML file and runs it (it used to fail with InternalFailure)', async () => {
    const file = join(dir, 'machine.asl.yaml');
    writeFileSync(file, 'StartAt: Echo\nStates:\n  Echo:\n    Type: Pass\n    Result: from yaml\n    End: true\n');
    const created = await json(
      'create-state-machine',
      '--name',
      'cli-yaml',
      '--definition',
      `file://${file}`,
      '--role-arn',
      ROLE,
    );
    const started = await json('start-execution', '--state-machine-arn', String(created.stateMachineArn));
    const deadline = Date.now() + 10_000;
    let described = await json('describe-execution', '--execution-arn', String(started.executionArn));
    while (described.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      described = await json('describe-execution', '--execution-arn', String(started.executionArn));
    }
    expect(described.status).toBe('SUCCEEDED');
    expect(described.output).toBe('"from yaml"');
  }, 60_000);

  it('follows a Distributed Map: list-map-runs, describe-map-run, update-map-run, list-executions --map-run-arn', async () => {
    const definition = JSON.stringify({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const created = await json(
      'create-state-machine',
      '--name',
      'cli-fan',
      '--definition',
      definition,
      '--role-arn',
      ROLE,
    );
    const started = await json(
      'start-execution',
      '--state-machine-arn',
      String(created.stateMachineArn),
      '--input',
      '[1,2,3]',
    );
    const executionArn = String(started.executionArn);
    const deadline = Date.now() + 15_000;
    let described = await json('describe-execution', '--execution-arn', executionArn);
    while (described.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      described = await json('describe-execution', '--execution-arn', executionArn);
    }
    expect(described.status).toBe('SUCCEEDED');
    const runs = (await json('list-map-runs', '--execution-arn', executionArn)).mapRuns as { mapRunArn: string }[];
    expect(runs).toHaveLength(1);
    const mapRunArn = runs[0]?.mapRunArn ?? '';
    const run = await json('describe-map-run', '--map-run-arn', mapRunArn);
    expect(run).toMatchObject({ status: 'SUCCEEDED', itemCounts: expect.objectContaining({ succeeded: 3, total: 3 }) });
    expect(Number.isNaN(Date.parse(String(run.startDate)))).toBe(false);
    const children = await json('list-executions', '--map-run-arn', mapRunArn);
    expect(children.executions).toHaveLength(3);
    expect((await aws('update-map-run', '--map-run-arn', mapRunArn, '--max-concurrency', '5')).code).toBe(0);
    expect(await json('describe-map-run', '--map-run-arn', mapRunArn)).toMatchObject({ maxConcurrency: 5 });
  }, 60_000);

  it('reports an API error by its AWS error code and exits non-zero', async () => {
    const missing = 'arn:aws:states:us-east-1:123456789012:execution:cli-machine:nope';
    const result = await aws('describe-execution', '--execution-arn', missing);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ExecutionDoesNotExist');
    expect(result.stderr).toContain(`Execution Does Not Exist: '${missing}'`);
  }, 30_000);
});

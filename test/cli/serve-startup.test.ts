/**
 * A start-up mistake is one plain sentence on stderr, never "internal error" or a stack: exit code 2
 * for a bad setting or file, 1 for a port that is taken (nothing is wrong with the settings).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { cliFromSource, repoRoot } from '../support/repo.js';
import { ServerProcess } from '../e2e/server-process.js';
import { cli, lines, STACK_FRAME } from './helpers.js';

const dir = tempDir('stepwise-startup-');
afterAll(() => removeDir(dir));
let n = 0;
const dataDir = () => join(dir, `data-${++n}`);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Outcome {
  code: number;
  stderr: string;
}

function expectSentence(outcome: Outcome, code: number, pattern: RegExp): void {
  expect(outcome.stderr).not.toMatch(STACK_FRAME);
  expect(outcome.stderr).not.toContain('internal error');
  const errors = lines(outcome.stderr).filter((line) => line.startsWith('stepwise: '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(outcome.code).toBe(code);
}

const serve = (...args: string[]) => cli('serve', '--port', '0', '--data-dir', dataDir(), ...args);

/** The real process, with these variables (and no Stepwise or Step Functions Local ones inherited). */
function serveProcess(env: Record<string, string>, ...args: string[]): Outcome {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(STEPWISE_|SFN_|AWS_|WAIT_TIME_SCALE|[A-Z_]+_ENDPOINT$)/.test(name),
    ),
  );
  const result = spawnSync(process.execPath, cliFromSource('serve', '--port', '0', '--data-dir', dataDir(), ...args), {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...inherited, STEPWISE_LOG_LEVEL: 'warn', ...env },
    timeout: 20_000,
  });
  return { code: result.status ?? -1, stderr: result.stderr };
}

describe('stepwise serve: files it cannot use', () => {
  it('a mock configuration file that does not exist', async () => {
    expectSentence(
      await serve('--mock-config', join(dir, 'missing.json')),
      2,
      /cannot read mock configuration file .*missing\.json: no such file/,
    );
  });

  it('a mock configuration file that is not JSON', async () => {
    expectSentence(await serve('--mock-config', file('mocks.json', '{ nope')), 2, /mocks\.json' is not JSON/);
  });

  it('a connections file that does not exist', async () => {
    expectSentence(
      await serve('--connections', join(dir, 'missing.yaml')),
      2,
      /cannot read connections file .*missing\.yaml: no such file/,
    );
  });

  it('a connections file with a bad entry', async () => {
    const connections = file('connections.yaml', 'Api:\n  AuthorizationType: MAGIC\n');
    expectSentence(await serve('--connections', connections), 2, /AuthorizationType must be API_KEY/);
  });

  it('a functions folder that does not exist (the default ./functions may be missing)', async () => {
    expectSentence(
      await serve('--functions-dir', join(dir, 'no-functions')),
      2,
      /the functions folder .*no-functions does not exist/,
    );
  });

  it('a functions "folder" that is a file', async () => {
    expectSentence(await serve('--functions-dir', file('fn.txt', '')), 2, /is a file, not a folder/);
  });

  it('an env file that does not exist, or has a line that is no NAME=value', async () => {
    expectSentence(
      await serve('--env-file', join(dir, 'missing.env')),
      2,
      /cannot read env file .*missing\.env: no such file/,
    );
    expectSentence(
      await serve('--env-file', file('bad.env', 'A=1\nnot a variable\n')),
      2,
      /bad\.env:2: expected NAME=value, not 'not a variable'/,
    );
  });
});

describe('stepwise serve: the env file sets options too', () => {
  it('a Stepwise variable in the env file reaches its option (and its mistake is named by the variable)', async () => {
    const before = { ...process.env };
    try {
      expectSentence(
        await serve('--env-file', file('stepwise.env', 'STEPWISE_WAIT_TIME_SCALE=fast\n')),
        2,
        /invalid STEPWISE_WAIT_TIME_SCALE 'fast': expected a number from 0 up/,
      );
    } finally {
      // The file's variables join this process's environment, as they do the server's.
      for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
    }
  });
});

describe('stepwise serve: bad values', () => {
  it.each([
    [
      ['--log-level', 'verbose'],
      /invalid log level 'verbose': expected trace, debug, info, warn, error, fatal or silent/,
    ],
    [['--wait-time-scale', 'fast'], /invalid --wait-time-scale 'fast': expected a number from 0 up/],
    [['--account-id', '42'], /invalid --account-id '42': an AWS account id is 12 digits/],
    [['--region', 'Mars North'], /invalid --region 'Mars North': expected a region name/],
    [
      ['--lambda-endpoint', 'localhost:3001'],
      /invalid --lambda-endpoint 'localhost:3001': expected an http:\/\/ or https:\/\/ URL/,
    ],
    [['--aws-endpoint', 'nowhere'], /invalid --aws-endpoint 'nowhere'/],
  ])('%j', async (args, pattern) => {
    expectSentence(await serve(...args), 2, pattern);
  });

  it.each([
    [{ WAIT_TIME_SCALE: '-1' }, /invalid WAIT_TIME_SCALE '-1': expected a number from 0 up/],
    [{ AWS_ACCOUNT_ID: 'my-account' }, /invalid AWS_ACCOUNT_ID 'my-account': an AWS account id is 12 digits/],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /invalid DYNAMODB_ENDPOINT 'localhost:8000'/],
    [{ STEPWISE_ENDPOINT_S3: 'ftp://files' }, /invalid STEPWISE_ENDPOINT_S3 'ftp:\/\/files'/],
    [{ STEPWISE_LOG_LEVEL: 'loud' }, /invalid log level 'loud'/],
  ])(
    'the variable %j',
    (env, pattern) => {
      expectSentence(serveProcess(env), 2, pattern);
    },
    30_000,
  );
});

describe('stepwise serve: a port that is taken', () => {
  it('says so in one sentence with exit code 1; the data dir it opened is free again', async () => {
    const first = new ServerProcess(await freePort(), join(dir, 'first'));
    try {
      await first.start();
      const second = dataDir();
      mkdirSync(second, { recursive: true });
      const outcome = spawnSync(
        process.execPath,
        cliFromSource('serve', '--port', String(first.port), '--data-dir', second),
        { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, STEPWISE_LOG_LEVEL: 'warn' }, timeout: 20_000 },
      );
      expectSentence(
        { code: outcome.status ?? -1, stderr: outcome.stderr },
        1,
        new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`),
      );
      // The failed start closed its store: another server opens the same data dir.
      const third = new ServerProcess(await freePort(), second);
      await third.start();
      await third.kill('SIGTERM');
    } finally {
      await first.kill('SIGTERM');
    }
  }, 60_000);
});

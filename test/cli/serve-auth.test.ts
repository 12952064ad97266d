/**
 * `stepwise serve`'s access settings: the credentials file (JSON or YAML) and the one-pair
 * environment variables, their mistakes said in one line, the refusal to listen beyond loopback
 * without keys, and a served process that checks signatures with keys from --credentials.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialsError, loadAccessKeys, parseCredentials } from '../../src/api/auth/credentials.js';
import { rejection, sfnClient } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { cliFromSource, repoRoot } from '../support/repo.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from '../e2e/server-process.js';

const dir = tempDir('stepwise-serve-auth-');
afterAll(() => removeDir(dir));

describe('credentials settings', () => {
  it('reads a JSON or a YAML list, with optional names and session tokens', () => {
    expect(parseCredentials('[{"accessKeyId":"AKID1","secretAccessKey":"secret-one"}]', 'f')).toEqual([
      { accessKeyId: 'AKID1', secretAccessKey: 'secret-one' },
    ]);
    const yaml = `- accessKeyId: AKID1\n  secretAccessKey: secret-one\n  name: ci\n- accessKeyId: AKID2\n  secretAccessKey: secret-two\n  sessionToken: tok\n`;
    expect(parseCredentials(yaml, 'f')).toEqual([
      { accessKeyId: 'AKID1', secretAccessKey: 'secret-one', name: 'ci' },
      { accessKeyId: 'AKID2', secretAccessKey: 'secret-two', sessionToken: 'tok' },
    ]);
  });

  it('says what is wrong in one line', () => {
    const message = (text: string) => {
      try {
        parseCredentials(text, 'the credentials file c.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(CredentialsError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message('[]')).toMatch(/non-empty list/);
    expect(message('- accessKeyId: A\n')).toBe(
      'the credentials file c.yaml entry 1: secretAccessKey must be a string of at least 8 characters',
    );
    expect(message('- {accessKeyId: A, secretAccessKey: long-enough, role: x}')).toMatch(/unknown field role/);
    expect(
      message('- {accessKeyId: A, secretAccessKey: secret-aa}\n- {accessKeyId: A, secretAccessKey: secret-bb}'),
    ).toMatch(/access key A is listed twice/);
    expect(() => loadAccessKeys(join(dir, 'missing.json'), {})).toThrow(/cannot read the credentials file/);
  });

  it('takes one pair from the environment, both variables or neither', () => {
    expect(loadAccessKeys(undefined, {})).toEqual([]);
    expect(
      loadAccessKeys(undefined, {
        STEPWISE_ACCESS_KEY_ID: 'AKIDENV',
        STEPWISE_SECRET_ACCESS_KEY: 'env-secret',
        STEPWISE_SESSION_TOKEN: 't',
      }),
    ).toEqual([{ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret', sessionToken: 't' }]);
    expect(() => loadAccessKeys(undefined, { STEPWISE_ACCESS_KEY_ID: 'AKIDENV' })).toThrow(/must be set together/);
  });
});

describe('stepwise serve with access settings', () => {
  function serve(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        cliFromSource('serve', '--port', '0', '--data-dir', join(dir, 'refused'), ...args),
        { cwd: repoRoot, env: { ...process.env, STEPWISE_LOG_LEVEL: 'warn', ...env }, timeout: 30_000 },
        (error, _stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
  }

  it('refuses --host 0.0.0.0 without credentials, saying why', async () => {
    const result = await serve(['--host', '0.0.0.0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 with no credentials: anyone who can reach/);
    expect(result.stderr).toMatch(/--allow-unauthenticated/);
    // A variable saying no is no.
    const no = await serve(['--host', '0.0.0.0'], { STEPWISE_ALLOW_UNAUTHENTICATED: '0' });
    expect(no.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
  }, 60_000);

  it('listens beyond loopback with --allow-unauthenticated, warning that the API is open', async () => {
    const server = new ServerProcess(await freePort(), join(dir, 'open'), {
      args: ['--host', '0.0.0.0', '--allow-unauthenticated'],
    });
    await server.start(30_000);
    try {
      expect(server.output).toMatch(/the API and console are open: no credentials are configured/);
    } finally {
      await server.kill('SIGTERM');
    }
  }, 60_000);

  it('checks signatures with the keys of --credentials', async () => {
    const file = join(dir, 'credentials.yaml');
    writeFileSync(file, '- accessKeyId: AKIDSERVE\n  secretAccessKey: serve-secret-key\n  name: serve\n');
    const server = new ServerProcess(await freePort(), join(dir, 'data'), { args: ['--credentials', file] });
    await server.start(30_000);
    try {
      const right = sfnClient(server.url, {
        credentials: { accessKeyId: 'AKIDSERVE', secretAccessKey: 'serve-secret-key' },
      });
      await expect(right.send(new ListStateMachinesCommand({}))).resolves.toBeDefined();
      right.destroy();
      const wrong = sfnClient(server.url, { credentials: { accessKeyId: 'AKIDSERVE', secretAccessKey: 'nope-nope' } });
      expect((await rejection(wrong.send(new ListStateMachinesCommand({})))).name).toBe('InvalidSignatureException');
      wrong.destroy();
    } finally {
      await server.kill('SIGTERM');
    }
  }, 60_000);
});

/**
 * Outside clients against a server with access keys: the AWS CLI (through a named profile, as the
 * README shows) and boto3, with the right and wrong secrets and an unknown key, and a presigned
 * (query-string) request made by botocore's own SigV4QueryAuth. Each is skipped with a message when
 * its client is missing (the CLI at /usr/bin/aws or STEPWISE_AWS_CLI; python3 with boto3).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';

const AWS = process.env.STEPWISE_AWS_CLI ?? '/usr/bin/aws';
const haveCli = existsSync(AWS);
const haveBoto3 = (() => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
})();
if (!haveCli) console.warn(`AWS CLI authentication tests skipped: ${AWS} not found`);
if (!haveBoto3) console.warn('boto3 authentication tests skipped: python3 cannot import boto3');

const TEAM = { accessKeyId: 'AKIDCLIENTS', secretAccessKey: 'clients-secret-key', name: 'clients' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.runIf(haveCli || haveBoto3)('outside clients against a server with access keys', () => {
  const dir = tempDir('stepwise-auth-clients-');
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ accessKeys: [TEAM], consoleDir: false });
  });
  afterAll(async () => {
    await server?.close();
    removeDir(dir);
  });

  describe.skipIf(!haveCli)(`the AWS CLI${haveCli ? '' : ' (skipped: not found)'}`, () => {
    /** `aws stepfunctions list-state-machines` through a profile holding the given secret. */
    function cli(accessKeyId: string, secretAccessKey: string): Promise<Result> {
      const config = join(dir, `config-${accessKeyId}-${secretAccessKey.length}`);
      writeFileSync(
        config,
        `[profile stepwise]\nregion = us-east-1\n` +
          `aws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
      );
      return run(
        AWS,
        [
          'stepfunctions',
          'list-state-machines',
          '--profile',
          'stepwise',
          '--endpoint-url',
          server.url,
          '--output',
          'json',
        ],
        {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
          AWS_PAGER: '',
          AWS_MAX_ATTEMPTS: '1',
        },
      );
    }

    it('lists state machines with the right key pair', async () => {
      const result = await cli(TEAM.accessKeyId, TEAM.secretAccessKey);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveProperty('stateMachines');
    }, 60_000);

    it('is refused with a wrong secret or an unknown key', async () => {
      const wrong = await cli(TEAM.accessKeyId, 'wrong-secret-key');
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('(InvalidSignatureException)');
      expect(wrong.stderr).toContain('The request signature we calculated does not match the signature you provided.');
      const unknown = await cli('AKIDUNKNOWN', TEAM.secretAccessKey);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('(UnrecognizedClientException)');
    }, 60_000);
  });

  describe.skipIf(!haveBoto3)(`boto3${haveBoto3 ? '' : ' (skipped: not installed)'}`, () => {
    const script = `
import json, sys, urllib.request, urllib.error
import boto3, botocore.auth, botocore.awsrequest, botocore.credentials
from botocore.config import Config
from botocore.exceptions import ClientError
endpoint, key, secret, mode = sys.argv[1:5]
if mode == 'client':
    sfn = boto3.client('stepfunctions', endpoint_url=endpoint, region_name='us-east-1',
                       aws_access_key_id=key, aws_secret_access_key=secret,
                       config=Config(retries={'max_attempts': 1}))
    try:
        names = [m['name'] for m in sfn.list_state_machines()['stateMachines']]
        print(json.dumps({'ok': True, 'names': names}))
    except ClientError as error:
        print(json.dumps({'ok': False, 'code': error.response['Error']['Code'],
                          'status': error.response['ResponseMetadata']['HTTPStatusCode']}))
else:
    request = botocore.awsrequest.AWSRequest(method='POST', url=endpoint + '/', data=b'{}', headers={
        'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.ListStateMachines'})
    botocore.auth.SigV4QueryAuth(botocore.credentials.Credentials(key, secret), 'states', 'us-east-1',
                                 expires=300).add_auth(request)
    prepared = request.prepare()
    assert 'X-Amz-Signature=' in prepared.url
    http = urllib.request.Request(prepared.url, data=prepared.body or b'', method='POST',
                                  headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(http) as response:
            print(json.dumps({'ok': True, 'status': response.status, 'body': json.loads(response.read())}))
    except urllib.error.HTTPError as error:
        print(json.dumps({'ok': False, 'status': error.code, 'body': json.loads(error.read())}))
`;
    async function boto(mode: 'client' | 'presign', accessKeyId: string, secretAccessKey: string) {
      const file = join(dir, 'client.py');
      writeFileSync(file, script);
      const result = await run('python3', [file, server.url, accessKeyId, secretAccessKey, mode], {
        ...process.env,
        AWS_CONFIG_FILE: join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    it('calls the API with the right key pair and is refused with wrong ones', async () => {
      expect(await boto('client', TEAM.accessKeyId, TEAM.secretAccessKey)).toMatchObject({ ok: true });
      expect(await boto('client', TEAM.accessKeyId, 'wrong-secret-key')).toEqual({
        ok: false,
        code: 'InvalidSignatureException',
        status: 400,
      });
      expect(await boto('client', 'AKIDUNKNOWN', 'whatever-secret')).toEqual({
        ok: false,
        code: 'UnrecognizedClientException',
        status: 400,
      });
    }, 60_000);

    it("accepts botocore's presigned (query-string, UNSIGNED-PAYLOAD) request, and refuses one with a wrong secret", async () => {
      const ok = await boto('presign', TEAM.accessKeyId, TEAM.secretAccessKey);
      expect(ok).toMatchObject({ ok: true, status: 200 });
      expect(ok.body).toHaveProperty('stateMachines');
      const wrong = await boto('presign', TEAM.accessKeyId, 'wrong-secret-key');
      expect(wrong).toMatchObject({ ok: false, status: 400, body: { __type: 'InvalidSignatureException' } });
    }, 60_000);
  });
});

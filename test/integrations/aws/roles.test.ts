/**
 * Whose credentials sign a Task's AWS calls. By default the server's own, whatever the roleArn.
 * With --assume-role, the Task's Credentials.RoleArn, else the state machine's role, is assumed
 * through STS (a real local HTTP server speaking AssumeRole), and the call is signed with the
 * temporary credentials; with --role-profiles, each role maps to a profile of the shared files.
 * A role that cannot be had fails the Task with States.TaskFailed, before any call is made.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../src/server.js';
import { resultOf, startExecution } from '../../support/aws.js';
import { removeDir, tempDir } from '../../support/files.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const ACCOUNT = '123456789012';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

interface Listener {
  url: string;
  requests: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function listen(answer: (body: string) => { status: number; type: string; body: string }): Promise<Listener> {
  const requests: Listener['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ headers: req.headers, body });
      const reply = answer(body);
      res.writeHead(reply.status, { 'content-type': reply.type });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** STS's AssumeRole: temporary credentials named after the role, or AccessDenied for 'Denied'. */
function sts(): Promise<Listener> {
  return listen((body) => {
    const params = new URLSearchParams(body);
    const roleName = (params.get('RoleArn') ?? '').split('/').pop() ?? '';
    if (roleName === 'Denied') {
      return {
        status: 403,
        type: 'text/xml',
        body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: ${params.get('RoleArn')}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      };
    }
    return {
      status: 200,
      type: 'text/xml',
      body:
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>ASIA${roleName.toUpperCase()}</AccessKeyId><SecretAccessKey>secret-${roleName}</SecretAccessKey>` +
        `<SessionToken>token-${roleName}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/stepwise</Arn><AssumedRoleId>AROA:stepwise</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  });
}

/** DynamoDB's ListTables, recording who signed each call. */
const dynamodb = () =>
  listen(() => ({ status: 200, type: 'application/x-amz-json-1.0', body: '{"TableNames":["orders"]}' }));

/** The access key id a SigV4 Authorization header names. */
const signer = (headers: IncomingHttpHeaders) => /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1];

const listTables = (credentials?: object) => ({
  StartAt: 'List',
  States: {
    List: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:listTables',
      Parameters: {},
      ...(credentials ? { Credentials: credentials } : {}),
      End: true,
    },
  },
});

const savedEnv = { ...process.env };
let dir: string;
let stsServer: Listener;
let ddb: Listener;

beforeAll(async () => {
  dir = tempDir('stepwise-roles-');
  // The server's own credentials, from the SDK's chain; a profile for the profiles mode.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSERVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'server-secret';
  delete process.env.AWS_PROFILE;
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  writeFileSync(
    join(dir, 'credentials'),
    '[orders]\naws_access_key_id = AKIDORDERSPROFILE\naws_secret_access_key = orders-secret\n',
  );
  writeFileSync(join(dir, 'config'), '');
  stsServer = await sts();
  ddb = await dynamodb();
});

afterAll(async () => {
  process.env = savedEnv;
  await stsServer.close();
  await ddb.close();
  removeDir(dir);
});

async function run(sw: TestServer, name: string, roleArn: string, definition: object) {
  const { stateMachineArn } = await sw.client.send(
    new CreateStateMachineCommand({ name, roleArn, definition: JSON.stringify(definition) }),
  );
  return resultOf(await sw.untilDone(await startExecution(sw.client, stateMachineArn as string, {})));
}

const endpoints = () => ({ endpoints: { sts: stsServer.url, dynamodb: ddb.url } });

describe('by default', () => {
  it("a Task's AWS call is signed with the server's own credentials, whatever the roleArn says", async () => {
    const sw = await startTestServer({ aws: endpoints() });
    try {
      const before = stsServer.requests.length;
      const result = await run(sw, 'default-role', role('Orders'), listTables());
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { TableNames: ['orders'] } });
      expect(signer(ddb.requests.at(-1)!.headers)).toBe('AKIDSERVER');
      expect(stsServer.requests.length).toBe(before);
    } finally {
      await sw.close();
    }
  });
});

describe('with --assume-role', () => {
  let sw: TestServer;
  beforeAll(async () => {
    sw = await startTestServer({ aws: endpoints(), assumeRole: true });
  });
  afterAll(() => sw.close());

  it("the state machine's role is assumed through STS and signs the call", async () => {
    const result = await run(sw, 'assume-machine-role', role('Orders'), listTables());
    expect(result.status).toBe('SUCCEEDED');
    const assumed = new URLSearchParams(stsServer.requests.at(-1)!.body);
    expect(assumed.get('Action')).toBe('AssumeRole');
    expect(assumed.get('RoleArn')).toBe(role('Orders'));
    expect(signer(stsServer.requests.at(-1)!.headers)).toBe('AKIDSERVER');
    const call = ddb.requests.at(-1)!;
    expect(signer(call.headers)).toBe('ASIAORDERS');
    expect(call.headers['x-amz-security-token']).toBe('token-Orders');
  });

  it('the temporary credentials are kept until they near their expiry: a second execution does not ask STS again', async () => {
    const before = stsServer.requests.length;
    const result = await run(sw, 'assume-again', role('Orders'), listTables());
    expect(result.status).toBe('SUCCEEDED');
    expect(stsServer.requests.length).toBe(before);
    expect(signer(ddb.requests.at(-1)!.headers)).toBe('ASIAORDERS');
  });

  it("a Task's own Credentials.RoleArn wins over the state machine's role", async () => {
    const result = await run(sw, 'assume-task-role', role('Orders'), listTables({ RoleArn: role('Billing') }));
    expect(result.status).toBe('SUCCEEDED');
    expect(signer(ddb.requests.at(-1)!.headers)).toBe('ASIABILLING');
  });

  it('a role STS refuses fails the Task with States.TaskFailed, and no call is made', async () => {
    const calls = ddb.requests.length;
    const result = await run(sw, 'assume-denied', role('Denied'), listTables());
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(result.cause).toContain(`The role '${role('Denied')}' could not be used:`);
    expect(result.cause).toContain('not authorized to perform: sts:AssumeRole');
    expect(ddb.requests.length).toBe(calls);
  });
});

describe('with --role-profiles', () => {
  it('each role signs as the profile the file maps it to; a role with no profile fails the Task', async () => {
    const map = join(dir, 'roles.yaml');
    writeFileSync(map, `${role('Orders')}: orders\n`);
    const sw = await startTestServer({ aws: endpoints(), roleProfiles: map });
    try {
      expect((await run(sw, 'profile-orders', role('Orders'), listTables())).status).toBe('SUCCEEDED');
      expect(signer(ddb.requests.at(-1)!.headers)).toBe('AKIDORDERSPROFILE');
      const other = await run(sw, 'profile-none', role('Reports'), listTables());
      expect(other).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
      expect(other.cause).toBe(`The role '${role('Reports')}' has no profile in ${map}`);
    } finally {
      await sw.close();
    }
  });
});

describe('bad settings stop the server from starting, with the reason', () => {
  it.each([
    [{ assumeRole: true, roleProfiles: 'roles.yaml' }, '--assume-role and --role-profiles cannot both be given'],
    [{ roleProfiles: '/no/such/roles.yaml' }, "cannot read the role profiles file '/no/such/roles.yaml'"],
  ])('%j', async (options, message) => {
    await expect(startServer({ port: 0, logLevel: 'silent', ...options })).rejects.toThrow(message);
  });

  it('a map whose key is not a role ARN', async () => {
    const map = join(dir, 'bad-roles.yaml');
    writeFileSync(map, 'Orders: orders\n');
    await expect(startServer({ port: 0, logLevel: 'silent', roleProfiles: map })).rejects.toThrow(
      `${map}: 'Orders' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>) or "*"`,
    );
  });
});

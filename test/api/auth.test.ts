/**
 * SigV4 on the API and the console's sign-in, against the real server with access keys configured:
 * the real SDK client with the right key, a wrong secret, an unknown key, a stale or early clock,
 * session tokens, a region it does not serve; raw requests signed with the SDK's own signer for what
 * the client would not send (no signature, a changed body, a presigned URL, the `sync-` host).
 */
import { request as httpRequest } from 'node:http';
import { CreateStateMachineCommand, ListStateMachinesCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../src/api/auth/sigv4.js';
import { rejection, ROLE, sfnClient } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TEAM = { accessKeyId: 'AKIDTEAM', secretAccessKey: 'team-secret-key', name: 'team' };
const TOKENED = { accessKeyId: 'AKIDTOKEN', secretAccessKey: 'token-secret-key', sessionToken: 'the-session-token' };
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function signer(
  key: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = TEAM,
  applyChecksum = true,
) {
  return new SignatureV4({
    credentials: key,
    region: 'us-east-1',
    service: 'states',
    sha256: NodeSha256,
    applyChecksum,
  });
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request to the server (the Host header as given, unlike fetch). */
function send(
  server: TestServer,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Raw> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

const json = (raw: Raw) => JSON.parse(raw.body) as { __type?: string; message?: string };

describe('SigV4 on the API, with access keys configured', () => {
  let server: TestServer;
  let host: string;

  beforeAll(async () => {
    server = await startTestServer({ accessKeys: [TEAM, TOKENED], consoleDir: false });
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server?.close();
  });

  const client = (config: Parameters<typeof sfnClient>[1] = {}) =>
    sfnClient(server.url, { credentials: TEAM, ...config });

  it('answers a request signed with a configured key', async () => {
    const sdk = client();
    const created = await sdk.send(
      new CreateStateMachineCommand({
        name: 'signed',
        roleArn: ROLE,
        type: 'EXPRESS',
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    const run = await sdk.send(
      new StartSyncExecutionCommand({ stateMachineArn: created.stateMachineArn, input: '{"a":1}' }),
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toBe('{"a":1}');
    const listed = await sdk.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain('signed');
    sdk.destroy();
  });

  it('refuses a wrong secret with InvalidSignatureException and AWS message', async () => {
    const sdk = client({ credentials: { accessKeyId: TEAM.accessKeyId, secretAccessKey: 'not-the-secret' } });
    const error = await rejection(sdk.send(new ListStateMachinesCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toBe(MISMATCH);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
    sdk.destroy();
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const sdk = client({ credentials: { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'whatever-secret' } });
    const error = await rejection(sdk.send(new ListStateMachinesCommand({})));
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe('The security token included in the request is invalid.');
    sdk.destroy();
  });

  it('refuses a date more than 5 minutes old or ahead, and the SDK corrects its clock from the answer', async () => {
    const stale = client({ systemClockOffset: -10 * 60 * 1000 });
    const error = await rejection(stale.send(new ListStateMachinesCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    stale.destroy();

    const early = client({ systemClockOffset: 10 * 60 * 1000 });
    const ahead = await rejection(early.send(new ListStateMachinesCommand({})));
    expect(ahead.name).toBe('InvalidSignatureException');
    expect(ahead.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than/);
    early.destroy();

    // With a retry, the SDK reads the server's Date header, corrects its offset and succeeds (as on AWS).
    const retrying = client({ systemClockOffset: -10 * 60 * 1000, maxAttempts: 2 });
    await expect(retrying.send(new ListStateMachinesCommand({}))).resolves.toBeDefined();
    retrying.destroy();
  });

  it('refuses a region the server does not serve', async () => {
    const sdk = client({ region: 'eu-west-1' });
    const error = await rejection(sdk.send(new ListStateMachinesCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/scoped to a valid region, not 'eu-west-1'/);
    sdk.destroy();
  });

  it('accepts a session token only with the pair configured with it, and only that token', async () => {
    const right = client({ credentials: TOKENED });
    await expect(right.send(new ListStateMachinesCommand({}))).resolves.toBeDefined();
    right.destroy();
    for (const credentials of [
      { ...TOKENED, sessionToken: 'another-token' },
      { accessKeyId: TOKENED.accessKeyId, secretAccessKey: TOKENED.secretAccessKey },
      { ...TEAM, sessionToken: 'a-token-team-was-not-given' },
    ]) {
      const sdk = client({ credentials });
      const error = await rejection(sdk.send(new ListStateMachinesCommand({})));
      expect(error.name, JSON.stringify(credentials)).toBe('UnrecognizedClientException');
      sdk.destroy();
    }
  });

  it('answers an unsigned request with MissingAuthenticationTokenException, a malformed one with IncompleteSignatureException', async () => {
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSStepFunctions.ListStateMachines',
    };
    const unsigned = await send(server, { headers, body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(json(unsigned)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });

    const bearer = await send(server, { headers: { ...headers, authorization: 'Bearer abc' }, body: '{}' });
    expect(bearer.status).toBe(400);
    expect(json(bearer).__type).toBe('IncompleteSignatureException');
    expect(json(bearer).message).toMatch(/^Authorization header requires 'Credential' parameter\./);

    const missing = await send(server, {
      headers: {
        ...headers,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTEAM/20260101/us-east-1/states/aws4_request',
      },
      body: '{}',
    });
    expect(json(missing).__type).toBe('IncompleteSignatureException');
    expect(json(missing).message).toMatch(/requires 'Signature' parameter/);
  });

  it('refuses a body other than the one signed (with or without x-amz-content-sha256)', async () => {
    const request = {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {
        host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      },
      body: '{"maxResults":1}',
    };
    const plain = await signer(TEAM, false).sign(request);
    expect(plain.headers['x-amz-content-sha256']).toBeUndefined();
    const good = await send(server, { headers: plain.headers, body: '{"maxResults":1}' });
    expect(good.status, good.body).toBe(200);
    const changed = await send(server, { headers: plain.headers, body: '{"maxResults":2}' });
    expect(changed.status).toBe(400);
    expect(json(changed)).toEqual({ __type: 'InvalidSignatureException', message: MISMATCH });

    const hashed = await signer(TEAM, true).sign(request);
    expect((await send(server, { headers: hashed.headers, body: '{"maxResults":1}' })).status).toBe(200);
    const rehashed = await send(server, { headers: hashed.headers, body: '{"maxResults":2}' });
    expect(json(rehashed)).toEqual({
      __type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('checks a StartSyncExecution signed for the sync- host against the Host header as received', async () => {
    const sdk = client();
    const created = await sdk.send(
      new CreateStateMachineCommand({
        name: 'prefixed',
        roleArn: ROLE,
        type: 'EXPRESS',
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    sdk.destroy();
    const body = JSON.stringify({ stateMachineArn: created.stateMachineArn, input: '{"via":"sync"}' });
    const sign = (hostHeader: string) =>
      signer().sign({
        method: 'POST',
        protocol: 'http:',
        hostname: hostHeader,
        path: '/',
        headers: {
          host: hostHeader,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.StartSyncExecution',
        },
        body,
      });
    const syncHost = `sync-localhost:${new URL(server.url).port}`;
    const signed = await sign(syncHost);
    const ok = await send(server, { headers: signed.headers, body });
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ status: 'SUCCEEDED', output: '{"via":"sync"}' });
    // Signed for one host, sent for another: the signature covers the host.
    const moved = await send(server, { headers: { ...signed.headers, host }, body });
    expect(json(moved).__type).toBe('InvalidSignatureException');
  });

  it('accepts a presigned (query-string) request and refuses it once expired', async () => {
    const request = {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {
        host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      },
      body: '{}',
    };
    const url = (query: Record<string, string | string[] | null> | undefined) =>
      `/?${new URLSearchParams(Object.entries(query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString().replace(/\+/g, '%20')}`;
    const presigned = await signer().presign(request, {
      expiresIn: 300,
      unhoistableHeaders: new Set(['x-amz-target']),
    });
    const ok = await send(server, { path: url(presigned.query), headers: request.headers, body: '{}' });
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toHaveProperty('stateMachines');

    const old = await signer().presign(request, {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
      unhoistableHeaders: new Set(['x-amz-target']),
    });
    const expired = await send(server, { path: url(old.query), headers: request.headers, body: '{}' });
    expect(expired.status).toBe(400);
    expect(json(expired).__type).toBe('InvalidSignatureException');
    expect(json(expired).message).toMatch(/^Signature expired:/);
  });

  it('keeps /healthz open (probes carry no keys)', async () => {
    const health = await send(server, { method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
  });
});

describe('the console with access keys configured', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ accessKeys: [TEAM], consoleDir: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const signIn = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    send(server, {
      path: '/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(fields),
    });
  const cookieOf = (raw: Raw) => String(raw.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  const listVia = (path: string, headers: Record<string, string>) =>
    send(server, {
      path,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
        ...headers,
      },
      body: '{}',
    });

  it('sends a browser without a session to the sign-in page, and its endpoints answer 401', async () => {
    const page = await send(server, { method: 'GET', path: '/' });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/console/sign-in');
    const form = await send(server, { method: 'GET', path: '/console/sign-in' });
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="secretAccessKey"');
    expect(form.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const path of ['/cluster/nodes', '/console/api/session']) {
      const refused = await send(server, { method: 'GET', path });
      expect(refused.status, path).toBe(401);
      expect(json(refused).__type).toBe('NotSignedIn');
    }
    expect((await listVia('/console/api/aws', {})).status).toBe(401);
  });

  it('refuses a wrong secret, an unknown key and a cross-origin sign-in; sets no cookie', async () => {
    const wrong = await signIn({ accessKeyId: TEAM.accessKeyId, secretAccessKey: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.body).toContain('do not match');
    const unknown = await signIn({ accessKeyId: '<b>x</b>', secretAccessKey: TEAM.secretAccessKey });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    const crossOrigin = await signIn({ ...TEAM }, { origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.headers['set-cookie']).toBeUndefined();
  });

  it('signs in with a key pair: an HttpOnly, SameSite=Strict cookie the console endpoints take and the AWS API does not', async () => {
    const signedIn = await signIn({ accessKeyId: TEAM.accessKeyId, secretAccessKey: TEAM.secretAccessKey });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^stepwise_session=[\w-]+\.[\w-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TEAM.secretAccessKey);
    const cookie = cookieOf(signedIn);

    const session = await send(server, { method: 'GET', path: '/console/api/session', headers: { cookie } });
    expect(JSON.parse(session.body)).toMatchObject({ authentication: true, name: 'team' });
    expect((await listVia('/console/api/aws', { cookie })).status).toBe(200);
    expect((await send(server, { method: 'GET', path: '/cluster/nodes', headers: { cookie } })).status).toBe(200);
    // The AWS API takes SigV4 only.
    const api = await listVia('/', { cookie });
    expect(json(api).__type).toBe('MissingAuthenticationTokenException');
    // A forged or altered cookie is no session.
    const forged = `${cookie.slice(0, -3)}abc`;
    expect((await listVia('/console/api/aws', { cookie: forged })).status).toBe(401);
    // Cross-origin POSTs with the cookie are refused (SameSite aside).
    expect((await listVia('/console/api/aws', { cookie, origin: 'http://evil.example' })).status).toBe(401);

    const signedOut = await send(server, { path: '/console/sign-out', headers: { cookie } });
    expect(signedOut.status).toBe(303);
    expect(String(signedOut.headers['set-cookie'])).toMatch(/^stepwise_session=; Path=\/; Max-Age=0; HttpOnly/);
    // The old cookie no longer opens anything.
    expect((await listVia('/console/api/aws', { cookie })).status).toBe(401);
  });
});

describe('console sign-in guessing', () => {
  it('refuses an address after 10 failed sign-ins, even with the right secret', async () => {
    const server = await startTestServer({ accessKeys: [TEAM], consoleDir: false });
    try {
      const attempt = (secretAccessKey: string) =>
        send(server, {
          path: '/console/sign-in',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ accessKeyId: TEAM.accessKeyId, secretAccessKey }).toString(),
        });
      for (let i = 0; i < 10; i++) expect((await attempt(`guess-number-${i}`)).status).toBe(401);
      const limited = await attempt(TEAM.secretAccessKey);
      expect(limited.status).toBe(429);
      expect(limited.headers['set-cookie']).toBeUndefined();
      expect(limited.body).toContain('Too many failed sign-ins');
    } finally {
      await server.close();
    }
  });
});

/**
 * HTTP Tasks and the server's own networks: by default an HTTP Task may not reach loopback,
 * link-local (the cloud metadata address) or private addresses; the allow-list opens them by name
 * or by range, never through `*`. Every address a name resolves to is checked, and the request goes
 * to the address that was checked. A connection's secrets go only to the endpoints it lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostAllowList } from '../../../src/integrations/http/allow-list.js';
import { ConnectionStore } from '../../../src/integrations/http/connections.js';
import { HttpIntegration } from '../../../src/integrations/http/http-integration.js';
import { restrictedKind, type Resolver } from '../../../src/integrations/http/network-policy.js';
import type { TaskInvocation } from '../../../src/engine/ports.js';
import type { Json } from '../../../src/json.js';
import { parseResource } from '../../../src/vocabulary/resource.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { resultOf } from '../../support/aws.js';
import { removeDir, tempDir } from '../../support/files.js';
import { startTestServer } from '../../support/server.js';
import { httpTask, startRecorder, startStepwise, type Recorder, type Stepwise } from './harness.js';

const RESOURCE = 'arn:aws:states:::http:invoke';

function invocation(parameters: Json): TaskInvocation {
  return {
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    executionName: 'e',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
    taskId: 't1',
    resource: RESOURCE,
    parsed: parseResource(RESOURCE),
    parameters,
    stateName: 'Call',
    attempt: 0,
    signal: new AbortController().signal,
  };
}

const get = (url: string, connection = 'any') => ({
  ApiEndpoint: url,
  Method: 'GET',
  Authentication: { ConnectionArn: connection },
});

describe('special-purpose address ranges', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
  ])('%s is %s', (address, kind) => {
    expect(restrictedKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.215.14', '2606:4700::1111'])('%s is public', (address) => {
    expect(restrictedKind(address)).toBeUndefined();
  });
});

describe('HTTP Tasks on a server with no allow-list', () => {
  let api: Recorder;
  let sw: Stepwise;
  beforeAll(async () => {
    api = await startRecorder();
    api.route('/ok', () => ({ body: { ok: true } }));
    sw = await startStepwise('any: {}\n', null);
  });
  afterAll(async () => {
    await sw.close();
    await api.close();
  });

  it('refuse a loopback address with States.Permissions, before connecting', async () => {
    const result = await sw.runSync(httpTask(get(`${api.url}/ok`)));
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Permissions' });
    expect(result.cause).toBe(
      "The host '127.0.0.1' is a loopback address: HTTP Tasks may call loopback, link-local and private addresses " +
        'only when STEPWISE_HTTP_ALLOWED_HOSTS names the host or its range ' +
        '(e.g. STEPWISE_HTTP_ALLOWED_HOSTS=127.0.0.1,10.0.0.0/8); the HTTP Task was not sent',
    );
    expect(api.to('/ok')).toHaveLength(0);
  });

  it('refuse a name that resolves to loopback, saying what it resolved to', async () => {
    const result = await sw.runStandard(httpTask(get(`http://localhost:${api.port}/ok`)));
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Permissions' });
    expect(result.cause).toMatch(/^The host 'localhost' resolves to (127\.0\.0\.1|::1), which is a loopback address/);
    expect(api.to('/ok')).toHaveLength(0);
  });

  it('refuse the cloud metadata address', async () => {
    const result = await sw.runSync(httpTask(get('http://169.254.169.254/latest/meta-data/')));
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Permissions' });
    expect(result.cause).toContain('is a link-local address');
  });
});

describe('the allow-list opens special-purpose addresses by name or range', () => {
  let api: Recorder;
  beforeAll(async () => {
    api = await startRecorder();
    api.route('/ok', () => ({ body: { ok: true } }));
  });
  afterAll(() => api.close());

  const integration = (entries: string[], resolver?: Resolver) =>
    new HttpIntegration({
      connections: new ConnectionStore([{ name: 'any', key: '*', invocation: { headers: [], query: [], body: [] } }]),
      allowedHosts: new HostAllowList(entries),
      ...(resolver ? { resolver } : {}),
    });

  it('a range holding the address lets any name that resolves into it through', async () => {
    const outcome = await integration(['127.0.0.0/8', '::1/128']).invoke(
      invocation(get(`http://localhost:${api.port}/ok`)),
    );
    expect(outcome).toMatchObject({ kind: 'succeeded' });
  });

  it('* allows any public host, never a loopback one', async () => {
    const outcome = await integration(['*']).invoke(invocation(get(`${api.url}/ok`)));
    expect(outcome).toMatchObject({ kind: 'failed', error: 'States.Permissions' });
  });

  it('every address a name resolves to is checked: one private address among public ones refuses it', async () => {
    const resolver: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const outcome = await integration(['*'], resolver).invoke(invocation(get('http://mixed.test/ok')));
    expect(outcome).toMatchObject({ kind: 'failed', error: 'States.Permissions' });
    expect(outcome.kind === 'failed' && outcome.cause).toContain("'mixed.test' resolves to 10.0.0.7");
  });

  it('the request goes to the address that was checked, not to a second lookup of the name', async () => {
    // 'pinned.test' exists only in this resolver: the request can reach the recorder only through it.
    const resolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const outcome = await integration(['pinned.test'], resolver).invoke(
      invocation(get(`http://pinned.test:${api.port}/ok`)),
    );
    expect(outcome).toMatchObject({ kind: 'succeeded' });
    expect(api.to('/ok').at(-1)?.headers.host).toBe(`pinned.test:${api.port}`);
  });

  it('an allow-list entry that is neither a host name nor a range is refused at start', () => {
    expect(() => new HostAllowList(['10.0.0.0/33'])).toThrow(
      "'10.0.0.0/33' in the HTTP allow-list is not a host name or a CIDR range",
    );
  });
});

describe("a connection's endpoints", () => {
  let api: Recorder;
  beforeAll(async () => {
    api = await startRecorder();
    api.route('/v1/charges', () => ({ body: { ok: true } }));
    api.route('/collect', () => ({ body: { ok: true } }));
  });
  afterAll(() => api.close());

  const integration = (connections: object, requireConnectionEndpoints = false) =>
    new HttpIntegration({
      connections: ConnectionStore.fromObject(connections),
      allowedHosts: new HostAllowList(['127.0.0.1']),
      requireConnectionEndpoints,
    });
  const stripe = () => ({
    stripe: {
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'Authorization', ApiKeyValue: 'Bearer sk_live' } },
      AllowedEndpoints: [`${api.url}/v1/`],
    },
  });

  it('a connection is used with the endpoints it lists', async () => {
    const outcome = await integration(stripe()).invoke(invocation(get(`${api.url}/v1/charges`, 'stripe')));
    expect(outcome).toMatchObject({ kind: 'succeeded' });
    expect(api.to('/v1/charges').at(-1)?.headers.authorization).toBe('Bearer sk_live');
  });

  it('a connection aimed at another endpoint is refused, and its key never leaves', async () => {
    const outcome = await integration(stripe()).invoke(invocation(get(`${api.url}/collect`, 'stripe')));
    expect(outcome).toEqual({
      kind: 'failed',
      error: 'States.Permissions',
      cause: `The connection 'stripe' may not be used with '${api.url}/collect' (its AllowedEndpoints: ${api.url}/v1/); the HTTP Task was not sent`,
    });
    expect(api.to('/collect')).toHaveLength(0);
  });

  it('a host prefix does not match a longer host name', async () => {
    const connections = { c: { AllowedEndpoints: [`http://127.0.0.1`] } };
    const outcome = await integration(connections).invoke(
      invocation(get(`http://127.0.0.10:${api.port}/v1/charges`, 'c')),
    );
    expect(outcome).toMatchObject({ kind: 'failed', error: 'States.Permissions' });
    expect(outcome.kind === 'failed' && outcome.cause).toContain("The connection 'c' may not be used with");
  });

  it('when endpoints are required, a connection that lists none is refused for every endpoint', async () => {
    const outcome = await integration({ open: {} }, true).invoke(invocation(get(`${api.url}/collect`, 'open')));
    expect(outcome).toMatchObject({ kind: 'failed', error: 'States.Permissions' });
    expect(outcome.kind === 'failed' && outcome.cause).toContain("The connection 'open' lists no AllowedEndpoints");
    expect(api.to('/collect')).toHaveLength(0);
  });
});

describe('a server that requires API credentials', () => {
  it('refuses a connection that lists no AllowedEndpoints, so a caller cannot aim its secrets at a listener of its own', async () => {
    const api = await startRecorder();
    api.route('/collect', () => ({ body: { ok: true } }));
    const dir = tempDir('stepwise-connections-');
    const file = join(dir, 'connections.yaml');
    writeFileSync(
      file,
      'open:\n  AuthorizationType: API_KEY\n  AuthParameters:\n    ApiKeyAuthParameters: { ApiKeyName: x-api-key, ApiKeyValue: s3cret }\n',
    );
    // The shared test client signs with local/local: the configured pair.
    const sw = await startTestServer({
      connections: file,
      httpAllowedHosts: ['127.0.0.1'],
      accessKeys: [{ accessKeyId: 'local', secretAccessKey: 'local' }],
    });
    try {
      const stateMachineArn = await sw.createMachine(
        'open-connection',
        httpTask(get(`${api.url}/collect`, 'open')),
        'EXPRESS',
      );
      const result = resultOf(await sw.client.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{}' })));
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.Permissions' });
      expect(result.cause).toContain("The connection 'open' lists no AllowedEndpoints");
      expect(api.to('/collect')).toHaveLength(0);
    } finally {
      await sw.close();
      await api.close();
      removeDir(dir);
    }
  });
});

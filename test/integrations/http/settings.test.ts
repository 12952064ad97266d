import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostAllowList } from '../../../src/integrations/http/allow-list.js';
import { ConnectionStore, ConnectionsConfigError } from '../../../src/integrations/http/connections.js';
import { createHttpIntegration } from '../../../src/integrations/http/index.js';
import { parseResource } from '../../../src/vocabulary/resource.js';
import type { TaskInvocation } from '../../../src/engine/ports.js';
import { urlEncode } from '../../../src/integrations/http/url-encoding.js';
import type { Json } from '../../../src/json.js';
import { removeDir, tempDir } from '../../support/files.js';
import { startRecorder, type Recorder } from './harness.js';

const RESOURCE = 'arn:aws:states:::http:invoke';

function invocation(parameters: Json, signal = new AbortController().signal): TaskInvocation {
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
    signal,
  };
}

describe('the host allow-list', () => {
  const list = HostAllowList.parse('api.example.com, *.internal.test 127.0.0.1,[::1]');
  it('allows exact names case-insensitively', () => {
    expect(list?.allows('API.example.com')).toBe(true);
    expect(list?.allows('example.com')).toBe(false);
    expect(list?.allows('127.0.0.1')).toBe(true);
    expect(list?.allows('[::1]')).toBe(true);
  });
  it('a *. wildcard allows subdomains at any depth but not the bare domain', () => {
    expect(list?.allows('a.internal.test')).toBe(true);
    expect(list?.allows('a.b.internal.test')).toBe(true);
    expect(list?.allows('internal.test')).toBe(false);
    expect(list?.allows('evilinternal.test')).toBe(false);
  });
  it('an empty setting means no allow-list', () => {
    expect(HostAllowList.parse('  ')).toBeUndefined();
    expect(HostAllowList.parse(undefined)).toBeUndefined();
  });
});

describe('URL encoding', () => {
  it('writes null as an empty value, numbers and booleans as text, and nested arrays under their path', () => {
    expect(urlEncode({ a: null, n: 1, b: true, deep: { list: [{ x: 1 }] } })).toBe(
      'a=&n=1&b=true&deep%5Blist%5D%5B0%5D%5Bx%5D=1',
    );
  });
  it('COMMAS keeps an item comma distinguishable from the separator', () => {
    expect(urlEncode({ a: ['x,y', 'z'] }, 'COMMAS')).toBe('a=x%2Cy,z');
  });
});

describe('the connections file', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('stepwise-connections-');
  });
  afterAll(() => removeDir(dir));

  it('is read as JSON from STEPWISE_CONNECTIONS, under a Connections key, with parameters as maps', () => {
    const file = join(dir, 'c.json');
    writeFileSync(
      file,
      JSON.stringify({
        Connections: {
          api: {
            AuthorizationType: 'API_KEY',
            AuthParameters: {
              ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' },
              InvocationHttpParameters: { HeaderParameters: { 'X-A': 1 } },
            },
          },
        },
      }),
    );
    const store = ConnectionStore.fromFile(file);
    const connection = store.find('arn:aws:events:eu-west-1:111122223333:connection/api/abc');
    expect(connection?.apiKey).toEqual({ name: 'k', value: 'v' });
    expect(connection?.invocation.headers).toEqual([{ key: 'X-A', value: '1' }]);
    expect(() => createHttpIntegration({}, { STEPWISE_CONNECTIONS: file })).not.toThrow();
  });

  it('an exact ARN key wins over the name', () => {
    const arn = 'arn:aws:events:us-east-1:123456789012:connection/api/1';
    const store = ConnectionStore.fromText(
      `api: { AuthorizationType: BASIC, AuthParameters: { BasicAuthParameters: { Username: a, Password: b } } }\n'${arn}': {}\n`,
    );
    expect(store.find(arn)?.basic).toBeUndefined();
    expect(store.find('arn:aws:events:us-east-1:123456789012:connection/api/2')?.basic).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it('a broken file stops start-up with a message naming the problem', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'api:\n  AuthorizationType: TOKEN\n');
    expect(() => createHttpIntegration({ connectionsFile: file })).toThrow(ConnectionsConfigError);
    expect(() => createHttpIntegration({ connectionsFile: file })).toThrow(
      'AuthorizationType must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS',
    );
    expect(() => createHttpIntegration({ connectionsFile: join(dir, 'missing.yaml') })).toThrow(
      'cannot read the connections file',
    );
  });
});

describe('the HTTP integration on its own', () => {
  let api: Recorder;
  beforeAll(async () => {
    api = await startRecorder();
    api.route('/slow', () => ({ hang: true }));
  });
  afterAll(() => api.close());

  it('a request longer than the per-request limit (60 s on AWS) fails with States.Http.Socket', async () => {
    const http = createHttpIntegration(
      { connections: { '*': {} }, requestTimeoutMs: 50, allowedHosts: ['127.0.0.1'] },
      {},
    );
    const outcome = await http.invoke(
      invocation({ ApiEndpoint: `${api.url}/slow`, Method: 'GET', Authentication: { ConnectionArn: 'any' } }),
    );
    expect(outcome).toEqual({
      kind: 'failed',
      error: 'States.Http.Socket',
      cause: 'The HTTP request timed out after 0.05 seconds',
    });
  });

  it('the task signal cancels the request', async () => {
    const http = createHttpIntegration({ connections: { '*': {} }, allowedHosts: ['127.0.0.1'] }, {});
    const controller = new AbortController();
    const pending = http.invoke(
      invocation(
        { ApiEndpoint: `${api.url}/slow`, Method: 'GET', Authentication: { ConnectionArn: 'any' } },
        controller.signal,
      ),
    );
    await expect.poll(() => api.to('/slow').length).toBeGreaterThan(1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'failed' });
    await expect.poll(() => api.to('/slow').at(-1)?.closedEarly).toBe(true);
  });

  it('handles only http:invoke', () => {
    const http = createHttpIntegration({}, {});
    const task = (resource: string): TaskInvocation => ({
      ...invocation({}),
      resource,
      parsed: parseResource(resource),
    });
    expect(http.handles(task(RESOURCE))).toBe(true);
    expect(http.handles(task('arn:aws:states:::http:invoke.waitForTaskToken'))).toBe(true);
    expect(http.handles(task('arn:aws:states:::sqs:sendMessage'))).toBe(false);
  });

  it('an invalid Method or ApiEndpoint fails with States.Runtime', async () => {
    const http = createHttpIntegration({ connections: { '*': {} } }, {});
    expect(
      await http.invoke(
        invocation({ ApiEndpoint: 'ftp://x/y', Method: 'GET', Authentication: { ConnectionArn: 'c' } }),
      ),
    ).toMatchObject({ error: 'States.Runtime' });
    expect(
      await http.invoke(
        invocation({ ApiEndpoint: `${api.url}/x`, Method: 'FETCH', Authentication: { ConnectionArn: 'c' } }),
      ),
    ).toMatchObject({ error: 'States.Runtime' });
    expect(await http.invoke(invocation({ ApiEndpoint: `${api.url}/x`, Method: 'GET' }))).toMatchObject({
      error: 'States.Runtime',
    });
  });
});

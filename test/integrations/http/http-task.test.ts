import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/server.js';
import { httpTask, startRecorder, startStepwise, type Recorder, type Stepwise } from './harness.js';

const ARN = (name: string) =>
  `arn:aws:events:us-east-1:123456789012:connection/${name}/0b6d4f1e-0000-4000-8000-000000000000`;

describe('HTTP Tasks through the API', () => {
  let api: Recorder;
  let sw: Stepwise;
  let tokens = 0;

  beforeAll(async () => {
    api = await startRecorder();
    api.route('/oauth/token', (req) => {
      tokens += 1;
      const ok = req.headers.authorization === `Basic ${Buffer.from('client-1:s3cret').toString('base64')}`;
      if (!ok) return { status: 401, body: { error: 'invalid_client' } };
      // The first token expires after one second; later ones last an hour.
      return { body: { access_token: `token-${tokens}`, token_type: 'bearer', expires_in: tokens === 1 ? 1 : 3600 } };
    });
    const yaml = `
plain: {}
keyed:
  AuthorizationType: API_KEY
  AuthParameters:
    ApiKeyAuthParameters: { ApiKeyName: x-api-key, ApiKeyValue: key-123 }
    InvocationHttpParameters:
      HeaderParameters: [{ Key: X-Tenant, Value: acme }]
      QueryStringParameters: [{ Key: region, Value: eu }]
      BodyParameters: [{ Key: source, Value: stepwise }]
basic:
  AuthorizationType: BASIC
  AuthParameters:
    BasicAuthParameters: { Username: ada, Password: 'l0velace' }
${ARN('oauth')}:
  AuthorizationType: OAUTH_CLIENT_CREDENTIALS
  AuthParameters:
    OAuthParameters:
      AuthorizationEndpoint: ${api.url}/oauth/token
      HttpMethod: POST
      ClientParameters: { ClientID: client-1, ClientSecret: s3cret }
      Scope: orders:read
`;
    sw = await startStepwise(yaml);
  });
  afterAll(async () => {
    await sw.close();
    await api.close();
  });

  it('a GET sends the query parameters and returns StatusCode, StatusText, Headers and the parsed JSON body', async () => {
    api.route('/items', () => ({ body: { items: [1, 2] }, headers: { 'X-Trace': 'abc' } }));
    const result = await sw.runSync(
      httpTask({
        'ApiEndpoint.$': '$.url',
        Method: 'GET',
        Authentication: { ConnectionArn: ARN('keyed') },
        QueryParameters: { q: 'red shoes', tags: ['a', 'b'] },
        Headers: { Accept: 'application/json' },
      }),
      { url: `${api.url}/items?page=2` },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ StatusCode: 200, StatusText: 'OK', ResponseBody: { items: [1, 2] } });
    expect((result.output as { Headers: Record<string, string[]> }).Headers['X-Trace']).toEqual(['abc']);
    const sent = api.to('/items').at(-1);
    expect(sent?.method).toBe('GET');
    expect(sent?.query.get('page')).toBe('2');
    expect(sent?.query.get('q')).toBe('red shoes');
    expect(sent?.query.getAll('tags')).toEqual(['a', 'b']);
    expect(sent?.query.get('region')).toBe('eu');
    expect(sent?.headers['x-api-key']).toBe('key-123');
    expect(sent?.headers['x-tenant']).toBe('acme');
    expect(sent?.headers['user-agent']).toBe('Amazon|StepFunctions|HttpInvoke|us-east-1');
    expect(sent?.headers.range).toBe('bytes=0-262144');
    expect(sent?.body).toBe('');
  });

  it('a POST sends the RequestBody as JSON, merged with the connection body parameters, and a text response stays text', async () => {
    api.route('/orders', () => ({ status: 201, body: 'created', headers: { 'Content-Type': 'text/plain' } }));
    const result = await sw.runSync(
      httpTask({
        ApiEndpoint: `${api.url}/orders`,
        Method: 'POST',
        Authentication: { ConnectionArn: ARN('keyed') },
        'RequestBody.$': '$.order',
      }),
      { order: { id: 7, lines: [{ sku: 'x', qty: 2 }] } },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ StatusCode: 201, StatusText: 'Created', ResponseBody: 'created' });
    const sent = api.to('/orders').at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ id: 7, lines: [{ sku: 'x', qty: 2 }], source: 'stepwise' });
  });

  it.each([
    ['INDICES', 'colors%5B0%5D=red&colors%5B1%5D=blue&name=a%20b&nested%5Bk%5D=v'],
    ['REPEAT', 'colors=red&colors=blue&name=a%20b&nested%5Bk%5D=v'],
    ['COMMAS', 'colors=red,blue&name=a%20b&nested%5Bk%5D=v'],
    ['BRACKETS', 'colors%5B%5D=red&colors%5B%5D=blue&name=a%20b&nested%5Bk%5D=v'],
  ])('URL_ENCODED with ArrayFormat %s encodes the body as a form', async (format, expected) => {
    api.route('/form', () => ({ body: { ok: true } }));
    const result = await sw.runSync(
      httpTask({
        ApiEndpoint: `${api.url}/form`,
        Method: 'POST',
        Authentication: { ConnectionArn: ARN('plain') },
        RequestBody: { colors: ['red', 'blue'], name: 'a b', nested: { k: 'v' } },
        Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: format } },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const sent = api.to('/form').at(-1);
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent?.body).toBe(expected);
  });

  it('a BASIC connection sends the Authorization header', async () => {
    api.route('/basic', () => ({ body: {} }));
    const result = await sw.runSync(
      httpTask({ ApiEndpoint: `${api.url}/basic`, Method: 'GET', Authentication: { ConnectionArn: ARN('basic') } }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(api.to('/basic').at(-1)?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada:l0velace').toString('base64')}`,
    );
  });

  it('an OAuth connection fetches a token once, reuses it, fetches a new one when it expires and after a 401', async () => {
    let reject = false;
    api.route('/secure', (req) =>
      reject ? { status: 401, body: { message: 'expired' } } : { body: { auth: req.headers.authorization } },
    );
    const call = httpTask({
      ApiEndpoint: `${api.url}/secure`,
      Method: 'GET',
      Authentication: { ConnectionArn: ARN('oauth') },
    });

    const first = await sw.runSync(call);
    expect(first.output).toMatchObject({ ResponseBody: { auth: 'Bearer token-1' } });
    const tokenRequest = api.to('/oauth/token')[0];
    expect(tokenRequest?.method).toBe('POST');
    expect(new URLSearchParams(tokenRequest?.body)).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read' }),
    );

    // Cached: a second call fetches no token. (token-1 expires one second after it was issued.)
    expect((await sw.runSync(call)).output).toMatchObject({ ResponseBody: { auth: 'Bearer token-1' } });
    expect(api.to('/oauth/token')).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await sw.runSync(call)).output).toMatchObject({ ResponseBody: { auth: 'Bearer token-2' } });
    expect(api.to('/oauth/token')).toHaveLength(2);

    // A 401 drops the cached token; the next call fetches a new one.
    reject = true;
    const refused = await sw.runSync(call);
    expect(refused.error).toBe('States.Http.StatusCode.401');
    reject = false;
    expect((await sw.runSync(call)).output).toMatchObject({ ResponseBody: { auth: 'Bearer token-3' } });
    expect(api.to('/oauth/token')).toHaveLength(3);
  });

  it('a 404 fails the task with States.Http.StatusCode.404, which Catch catches with the response as cause', async () => {
    api.route('/missing', () => ({ status: 404, body: { message: 'no such order' } }));
    const result = await sw.runStandard({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: {
            ApiEndpoint: `${api.url}/missing`,
            Method: 'GET',
            Authentication: { ConnectionArn: ARN('plain') },
          },
          Catch: [{ ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.failure', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    const failure = (result.output as { failure: { Error: string; Cause: string } }).failure;
    expect(failure.Error).toBe('States.Http.StatusCode.404');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      StatusCode: 404,
      StatusText: 'Not Found',
      ResponseBody: { message: 'no such order' },
    });
  });

  it('a 5xx is retried by Retry and the retry succeeds', async () => {
    api.route('/flaky', (_req, index) =>
      index === 0 ? { status: 503, body: 'busy', headers: { 'Content-Type': 'text/plain' } } : { body: { ok: true } },
    );
    const result = await sw.runSync(
      httpTask(
        { ApiEndpoint: `${api.url}/flaky`, Method: 'GET', Authentication: { ConnectionArn: ARN('plain') } },
        {
          Retry: [{ ErrorEquals: ['States.Http.StatusCode.503'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
        },
      ),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ StatusCode: 200, ResponseBody: { ok: true } });
    expect(api.to('/flaky')).toHaveLength(2);
  });

  it('a 500 without Retry or Catch fails the execution with the status error', async () => {
    api.route('/broken', () => ({ status: 500, body: 'boom', headers: { 'Content-Type': 'text/plain' } }));
    const result = await sw.runSync(
      httpTask({ ApiEndpoint: `${api.url}/broken`, Method: 'DELETE', Authentication: { ConnectionArn: ARN('plain') } }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Http.StatusCode.500');
    expect(JSON.parse(result.cause ?? '')).toMatchObject({
      StatusCode: 500,
      StatusText: 'Internal Server Error',
      ResponseBody: 'boom',
    });
  });

  it('a refused connection fails with States.Http.Socket', async () => {
    const port = await freePort();
    const result = await sw.runSync(
      httpTask({
        ApiEndpoint: `http://127.0.0.1:${port}/x`,
        Method: 'GET',
        Authentication: { ConnectionArn: ARN('plain') },
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Http.Socket');
    expect(result.cause).toContain('ECONNREFUSED');
  });

  it('a slow server times the task out with States.Timeout and the request is abandoned', async () => {
    api.route('/slow', () => ({ hang: true }));
    const result = await sw.runStandard(
      httpTask(
        { ApiEndpoint: `${api.url}/slow`, Method: 'GET', Authentication: { ConnectionArn: ARN('plain') } },
        { TimeoutSeconds: 1 },
      ),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    await expect.poll(() => api.to('/slow')[0]?.closedEarly).toBe(true);
  });

  it('a header AWS does not allow fails the task with States.Runtime before sending', async () => {
    const before = api.requests.length;
    const result = await sw.runSync(
      httpTask({
        ApiEndpoint: `${api.url}/items`,
        Method: 'GET',
        Authentication: { ConnectionArn: ARN('plain') },
        Headers: { Authorization: 'x', 'X-Amz-Date': 'y' },
      }),
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toBe("The 'Headers' field contains unsupported values: [authorization, x-amz-date]");
    expect(api.requests.length).toBe(before);
  });

  it('a connection that is not configured fails with Events.ConnectionResource.ResourceNotFound', async () => {
    const result = await sw.runSync(
      httpTask({ ApiEndpoint: `${api.url}/items`, Method: 'GET', Authentication: { ConnectionArn: ARN('unknown') } }),
    );
    expect(result.error).toBe('Events.ConnectionResource.ResourceNotFound');
    expect(result.cause).toContain(ARN('unknown'));
  });
});

describe('the HTTP host allow-list', () => {
  let api: Recorder;
  let sw: Stepwise;
  beforeAll(async () => {
    api = await startRecorder();
    api.route('/ok', () => ({ body: { ok: true } }));
    sw = await startStepwise('local: {}\n', ['127.0.0.1', '*.example.com']);
  });
  afterAll(async () => {
    await sw.close();
    await api.close();
  });

  it('lets an allowed host through', async () => {
    const result = await sw.runSync(
      httpTask({ ApiEndpoint: `${api.url}/ok`, Method: 'GET', Authentication: { ConnectionArn: 'local' } }),
    );
    expect(result.status).toBe('SUCCEEDED');
  });

  it('blocks any other host with States.Permissions before connecting', async () => {
    const result = await sw.runSync(
      httpTask({
        ApiEndpoint: `http://localhost:${api.port}/ok`,
        Method: 'GET',
        Authentication: { ConnectionArn: 'local' },
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Permissions');
    expect(result.cause).toBe(
      "The host 'localhost' is not in STEPWISE_HTTP_ALLOWED_HOSTS (127.0.0.1, *.example.com); the HTTP Task was not sent",
    );
    expect(api.requests.filter((r) => r.path === '/ok')).toHaveLength(1);
  });
});

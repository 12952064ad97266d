import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, lines, STACK_FRAME, type CliOutcome } from './helpers.js';

const flow = fixture('order-flow/order-flow.asl.json');
const mocks = fixture('order-flow/mock-config.json');

/** Bad input: exit 2, nothing on stdout, one plain `stepwise: ...` sentence on stderr. */
function expectUsageError(outcome: CliOutcome, pattern: RegExp): void {
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).not.toMatch(STACK_FRAME);
  expect(lines(outcome.stderr)).toHaveLength(1);
  expect(outcome.stderr).toMatch(/^stepwise: /);
  expect(outcome.stderr).toMatch(pattern);
  expect(outcome.code).toBe(2);
}

describe('stepwise run: bad settings, each one sentence and exit 2', () => {
  it('an unknown test case names the ones the mock config has', async () => {
    expectUsageError(
      await cli('run', flow, '--mock-config', mocks, '--test-case', 'PaymentHicup'),
      /unknown test case "PaymentHicup" for state machine "order-flow" in .*mock-config\.json \(its test cases are "PaymentHiccup", "PaymentDeclined"\)/,
    );
  });

  it('a misspelt test case gets the nearest one suggested', async () => {
    expectUsageError(
      await cli('run', flow, '--mock-config', mocks, '--test-case', 'PaymentHicup'),
      /: did you mean "PaymentHiccup"\?$/m,
    );
  });

  it('a test case mocking a state the definition does not have is warned about, with the nearest name', async () => {
    const outcome = await cli(
      'run',
      flow,
      '--input-file',
      fixture('order-flow/order.json'),
      '--functions-dir',
      fixture('order-flow/functions'),
      '--mock-config',
      fixture('order-flow/mock-config-typo.json'),
      '--test-case',
      'Typo',
      '--fake-clock',
    );
    expect(outcome.stderr).toMatch(
      /^stepwise: warning: test case "Typo" mocks "ChargCard", which is not a Task state of .*order-flow\.asl\.json \(did you mean "ChargeCard"\?\)$/m,
    );
    // Unmocked, ChargeCard calls its real function, which the functions dir does not have.
    expect(outcome.code).toBe(1);
  });

  it('a --name the mock config does not know', async () => {
    expectUsageError(
      await cli('run', flow, '--mock-config', mocks, '--test-case', 'PaymentHiccup', '--name', 'checkout'),
      /unknown test case "PaymentHiccup" for state machine "checkout" .*the file does not name it/,
    );
  });

  it('a mock config that cannot be read', async () => {
    expectUsageError(
      await cli('run', flow, '--mock-config', fixture('order-flow/no-such-mocks.json'), '--test-case', 'A'),
      /Cannot read the mock configuration file '.*no-such-mocks\.json'/,
    );
  });

  it('a mock config that is not JSON', async () => {
    expectUsageError(
      await cli('run', flow, '--mock-config', fixture('order-flow/not-json-mocks.json'), '--test-case', 'A'),
      /mock configuration file '.*not-json-mocks\.json' is not JSON/,
    );
  });

  it('--test-case without --mock-config, and the other way round', async () => {
    expectUsageError(await cli('run', flow, '--test-case', 'A'), /--test-case needs --mock-config/);
    expectUsageError(await cli('run', flow, '--mock-config', mocks), /--mock-config needs --test-case/);
  });

  it('a connections file that cannot be read', async () => {
    expectUsageError(
      await cli('run', flow, '--connections', fixture('order-flow/no-such-connections.yaml')),
      /cannot read the connections file '.*no-such-connections\.yaml'/,
    );
  });

  it('a connections file with a bad connection', async () => {
    expectUsageError(
      await cli('run', flow, '--connections', fixture('order-flow/bad-connections.yaml')),
      /bad connections file .*bad-connections\.yaml: .*AuthorizationType must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS/,
    );
  });

  it('a functions dir that does not exist, or is a file', async () => {
    expectUsageError(
      await cli('run', flow, '--functions-dir', fixture('order-flow/no-such-dir')),
      /the functions dir .*no-such-dir does not exist/,
    );
    expectUsageError(await cli('run', flow, '--functions-dir', flow), /the functions dir .* is not a directory/);
  });

  it('a wait time scale that is not a number from 0 up, or given with --fake-clock', async () => {
    expectUsageError(await cli('run', flow, '--wait-time-scale', '-1'), /invalid wait time scale '-1'/);
    expectUsageError(
      await cli('run', flow, '--wait-time-scale', '0', '--fake-clock'),
      /either --fake-clock or --wait-time-scale/,
    );
  });

  it('an --aws-endpoint that is not a URL', async () => {
    expectUsageError(await cli('run', flow, '--aws-endpoint', 'localhost 4566'), /invalid --aws-endpoint/);
  });

  it('input that is not JSON', async () => {
    expectUsageError(await cli('run', flow, '--input', "{'orderId': 1}"), /--input is not valid JSON/);
  });
});

describe('stepwise run --connections: HTTP Tasks authenticate as serve does', () => {
  let server: Server;
  let dir: string;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ authorization: request.headers.authorization ?? null, path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stock`;
    dir = mkdtempSync(join(tmpdir(), 'stepwise-cli-http-'));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the connection's API key with the request", async () => {
    const definition = join(dir, 'stock.json');
    writeFileSync(
      definition,
      JSON.stringify({
        StartAt: 'AskStock',
        States: {
          AskStock: {
            Type: 'Task',
            Resource: 'arn:aws:states:::http:invoke',
            Parameters: {
              ApiEndpoint: endpoint,
              Method: 'GET',
              Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/shop/0a1b2c' },
            },
            ResultSelector: { 'body.$': '$.ResponseBody' },
            End: true,
          },
        },
      }),
    );
    const connections = join(dir, 'connections.yaml');
    writeFileSync(
      connections,
      [
        'shop:',
        '  AuthorizationType: API_KEY',
        '  AuthParameters:',
        '    ApiKeyAuthParameters: { ApiKeyName: Authorization, ApiKeyValue: Bearer sk_test_123 }',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await cli(
      'run',
      definition,
      '--connections',
      connections,
      // A loopback address is called only when named, as serve's STEPWISE_HTTP_ALLOWED_HOSTS does.
      '--http-allowed-hosts',
      '127.0.0.1',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ body: { authorization: 'Bearer sk_test_123', path: '/stock' } });
  });
});

describe('stepwise run --aws-endpoint: AWS service integrations go to the given endpoint', () => {
  let server: Server;
  let dir: string;
  let endpoint: string;
  const seen: { target: string | undefined; body: unknown }[] = [];
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    // A stand-in for DynamoDB (LocalStack, DynamoDB Local): its JSON 1.0 protocol, one GetItem answer.
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const target = request.headers['x-amz-target'];
        seen.push({ target: Array.isArray(target) ? target[0] : target, body: JSON.parse(body) as unknown });
        response.setHeader('content-type', 'application/x-amz-json-1.0');
        response.end(JSON.stringify({ Item: { sku: { S: 'A-100' }, stock: { N: '3' } } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'stepwise-cli-aws-'));
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
    for (const [key, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('runs a dynamodb:getItem Task against it', async () => {
    const definition = join(dir, 'stock.json');
    writeFileSync(
      definition,
      JSON.stringify({
        StartAt: 'GetStock',
        States: {
          GetStock: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'stock', Key: { sku: { 'S.$': '$.sku' } } },
            ResultSelector: { 'stock.$': '$.Item.stock.N' },
            End: true,
          },
        },
      }),
    );
    const { code, stdout, stderr } = await cli(
      'run',
      definition,
      '--input',
      '{"sku":"A-100"}',
      '--aws-endpoint',
      endpoint,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ stock: '3' });
    expect(seen).toEqual([
      { target: 'DynamoDB_20120810.GetItem', body: { TableName: 'stock', Key: { sku: { S: 'A-100' } } } },
    ]);
  });
});

/**
 * Host names and the open mode: requests for a host name the server does not have are refused (DNS
 * rebinding), raw HTTP with forged Host headers; the anti-framing headers; no CORS; without keys
 * the API answers unsigned requests as before, warns once at start, and will not listen beyond
 * loopback unless allowed.
 */
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { hostName, HostNames, isLoopbackHost, parseHostNames } from '../../src/api/host-check.js';
import { startServer, StartupError } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Raw> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
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

const list = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' };

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('host names', () => {
  it('reads Host headers: ports, IPv6 brackets, case, a trailing dot', () => {
    expect(hostName('LocalHost:8083')).toBe('localhost');
    expect(hostName('[::1]:8083')).toBe('::1');
    expect(hostName('example.com.')).toBe('example.com');
    expect(parseHostNames('a.example, b.example  c.example')).toEqual(['a.example', 'b.example', 'c.example']);
    const names = new HostNames(['stepwise.internal', '*.team.example']);
    expect(names.allows('localhost:1', undefined)).toBe(true);
    expect(names.allows('sync-localhost:1', undefined)).toBe(true);
    expect(names.allows('stepwise.internal', undefined)).toBe(true);
    expect(names.allows('ci.team.example:8083', undefined)).toBe(true);
    expect(names.allows('team.example.evil.com', undefined)).toBe(false);
    expect(names.allows('10.1.2.3:8083', '10.1.2.3')).toBe(true);
    expect(names.allows('10.1.2.4:8083', '10.1.2.3')).toBe(false);
    expect(names.allows(undefined, '127.0.0.1')).toBe(false);
    expect(new HostNames(['*']).allows('anything.example', undefined)).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });
});

describe('without access keys (the default)', () => {
  let server: TestServer;

  it('answers unsigned requests for its own names and refuses other host names in AWS shape', async () => {
    server = await startTestServer({ consoleDir: false, allowedHostNames: ['stepwise.internal'] });
    try {
      const port = new URL(server.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'stepwise.internal']) {
        const ok = await send(server.url, { headers: { ...list, host }, body: '{}' });
        expect(ok.status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, 'rebind.attacker.test', `127.0.0.1.nip.io:${port}`]) {
        const refused = await send(server.url, { headers: { ...list, host }, body: '{}' });
        expect(refused.status, host).toBe(421);
        expect(refused.headers['x-amzn-errortype']).toBe('MisdirectedRequest');
        const body = JSON.parse(refused.body) as { __type: string; message: string };
        expect(body.__type).toBe('MisdirectedRequest');
        expect(body.message).toContain('DNS rebinding');
      }
      // The console's endpoints and pages too.
      const page = await send(server.url, { method: 'GET', path: '/cluster/nodes', headers: { host: 'evil.example' } });
      expect(page.status).toBe(421);
    } finally {
      await server.close();
    }
  });

  it('sends frame-ancestors none and X-Frame-Options DENY, and no CORS headers', async () => {
    server = await startTestServer({ consoleDir: false });
    try {
      const health = await send(server.url, { method: 'GET', path: '/healthz' });
      expect(health.headers['x-frame-options']).toBe('DENY');
      expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(health.headers['content-security-policy']).toContain("script-src 'self'");
      const preflight = await send(server.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-amz-target',
        },
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const call = await send(server.url, { headers: { ...list, origin: 'http://evil.example' }, body: '{}' });
      expect(call.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('warns once at start that the API is open', async () => {
    const { logger, lines } = capturedLogger();
    const running = await startServer({
      port: 0,
      host: '127.0.0.1',
      store: new MemoryStore(),
      consoleDir: false,
      logger,
    });
    await running.close();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/open: no credentials are configured/);
  });

  it('refuses to listen beyond loopback with no keys, unless --allow-unauthenticated', async () => {
    const { logger } = capturedLogger();
    const start = (allowUnauthenticated?: boolean) =>
      startServer({
        port: 0,
        host: '0.0.0.0',
        store: new MemoryStore(),
        consoleDir: false,
        logger,
        ...(allowUnauthenticated !== undefined ? { allowUnauthenticated } : {}),
      });
    const error = await start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      /^refusing to listen on 0\.0\.0\.0 with no credentials: anyone who can reach this address could run, stop and read every execution;/,
    );
    const running = await start(true);
    await running.close();
    // With keys it listens anywhere.
    const keyed = await startServer({
      port: 0,
      host: '0.0.0.0',
      store: new MemoryStore(),
      consoleDir: false,
      logger,
      accessKeys: [{ accessKeyId: 'AKIDX', secretAccessKey: 'secret-secret' }],
    });
    await keyed.close();
  });
});

/** Errors raised before any route runs still answer in AWS's JSON 1.0 shape. */
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

/** One raw HTTP/1.1 exchange: what fetch would refuse to send. */
function rawHttp(url: string, request: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const post = (path: string, body: Buffer, extra = '') =>
  Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSStepFunctions.CreateActivity\r\n` +
        `Content-Type: application/x-amz-json-1.0\r\nContent-Length: ${body.length}\r\n${extra}Connection: close\r\n\r\n`,
    ),
    body,
  ]);

describe('the HTTP edge', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('memory');
  });
  afterEach(async () => h.close());

  it('a body that is not valid UTF-8 is a SerializationException, not a name with U+FFFD in it', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const answer = await rawHttp(h.url, post('/', body));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'SerializationException' });
  });

  it('a malformed URL is a 400 in AWS shape, not FST_ERR_BAD_URL', async () => {
    const answer = await rawHttp(h.url, post('/%c0%', Buffer.from('{}')));
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body) as { __type: string };
    expect(body.__type).toBe('SerializationException');
    expect(answer.body).not.toContain('FST_ERR');
  });

  it('headers over the size limit are a 431 with a JSON error body', async () => {
    const answer = await rawHttp(h.url, post('/', Buffer.from('{}'), `X-Big: ${'a'.repeat(20_000)}\r\n`));
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'RequestHeaderFieldsTooLarge' });
  });
});

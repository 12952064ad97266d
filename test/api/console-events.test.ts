/** The console's live history stream (server-sent events), through real HTTP. */
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN_PREFIX, ROLE, gateDefinition, startHarness, storeKinds, type Harness } from './harness.js';

interface Message {
  event: string;
  id?: string;
  data: string;
}

/** Reads an SSE response message by message. */
class EventReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  comments = 0;

  constructor(response: Response) {
    if (response.body === null) throw new Error('no body');
    this.reader = response.body.getReader();
  }

  /** The next message, or undefined when the stream has ended. */
  async next(): Promise<Message | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const message: Message = { event: 'message', data: '' };
        let fields = 0;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            this.comments++;
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') message.event = value;
          else if (field === 'id') message.id = value;
          else if (field === 'data') message.data += value;
          else continue;
          fields++;
        }
        if (fields > 0) return message;
        continue;
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** History events until `end` (returned with them), or until the stream ends. */
  async collect(
    until?: (ids: number[]) => boolean,
  ): Promise<{ events: { id: number; type: string }[]; end?: { status: string } }> {
    const events: { id: number; type: string }[] = [];
    for (;;) {
      const message = await this.next();
      if (message === undefined) return { events };
      if (message.event === 'end') return { events, end: JSON.parse(message.data) as { status: string } };
      if (message.event !== 'events') continue;
      const batch = (JSON.parse(message.data) as { events: { id: number; type: string }[] }).events;
      expect(message.id).toBe(String(batch.at(-1)?.id));
      events.push(...batch);
      if (until?.(events.map((e) => e.id))) return { events };
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

describe.each(storeKinds)('console events stream with the %s store', (kind) => {
  let h: Harness;
  let stateMachineArn: string;
  beforeAll(async () => {
    h = await startHarness(kind);
    const created = await h.client.send(
      new CreateStateMachineCommand({ name: 'gated', definition: gateDefinition, roleArn: ROLE }),
    );
    stateMachineArn = created.stateMachineArn ?? '';
  });
  afterAll(() => h.close());

  const url = (arn: string, after?: number) =>
    `${h.url}/console/api/executions/${encodeURIComponent(arn)}/events${after === undefined ? '' : `?after=${after}`}`;
  const start = async (name: string) =>
    (await h.client.send(new StartExecutionCommand({ stateMachineArn, name }))).executionArn ?? '';

  it("a running execution's events arrive in order as they are committed, then end", async () => {
    const arn = await start('live');
    const response = await fetch(url(arn));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new EventReader(response);
    // The execution waits in its Task: the stream has what is committed so far and stays open.
    const first = await reader.collect((ids) => ids.length >= 4);
    expect(first.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
    ]);
    await h.finish(arn, 'SUCCEEDED', { output: '{"ok":true}' });
    const rest = await reader.collect();
    expect(rest.end).toEqual({ status: 'SUCCEEDED' });
    const all = [...first.events, ...rest.events];
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(await reader.next()).toBeUndefined();
  });

  it('reconnecting with after resumes without duplicates', async () => {
    const arn = await start('resume');
    const reader = new EventReader(await fetch(url(arn)));
    const first = await reader.collect((ids) => ids.length >= 2);
    await reader.cancel();
    const seen = first.events.at(-1)?.id ?? 0;
    await h.finish(arn, 'FAILED', { error: 'Broken', cause: 'on purpose' });
    const again = await new EventReader(await fetch(url(arn, seen))).collect();
    expect(again.end).toEqual({ status: 'FAILED' });
    expect(again.events[0]?.id).toBe(seen + 1);
    const ids = [...first.events, ...again.events].map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(again.events.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('a finished execution sends its whole history and ends; the Last-Event-ID header works like after', async () => {
    const arn = await start('done');
    await h.finish(arn, 'SUCCEEDED');
    const whole = await new EventReader(await fetch(url(arn))).collect();
    expect(whole.end).toEqual({ status: 'SUCCEEDED' });
    const tail = await new EventReader(
      await fetch(url(arn), { headers: { 'last-event-id': String(whole.events.length - 1) } }),
    ).collect();
    expect(tail.events.map((e) => e.type)).toEqual(['ExecutionSucceeded']);
  });

  it('an unknown execution is a 404 with a JSON error', async () => {
    const response = await fetch(url(`${ARN_PREFIX}:execution:gated:nobody`));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ __type: 'ExecutionDoesNotExist' });
  });

  it('a bad after is a 400 with a JSON error', async () => {
    const arn = await start('bad-after');
    const response = await fetch(url(arn, -1));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'ValidationException' });
    await h.finish(arn, 'SUCCEEDED');
  });
});

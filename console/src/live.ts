/**
 * Keeps an execution's history current while it runs. First choice: the server-sent events
 * endpoint (`GET /console/api/executions/<arn>/events?after=<id>`), read with fetch so a server
 * without it is noticed from the response (no retry storm); otherwise GetExecutionHistory in
 * reverse order, newest first, until an event already seen, once a second.
 */
import { call, type HistoryEvent } from './api.js';

export interface LiveOptions {
  executionArn: string;
  after: () => number;
  onEvents: (events: HistoryEvent[]) => void;
  onEnd: () => void;
}

export function followExecution(options: LiveOptions): () => void {
  const abort = new AbortController();
  let stopped = false;
  const stop = () => {
    stopped = true;
    abort.abort();
  };
  void (async () => {
    const streamed = await stream(options, abort.signal).catch(() => false);
    if (stopped || streamed) return;
    await poll(options, () => stopped);
  })();
  return stop;
}

function eventsOf(data: unknown): HistoryEvent[] {
  if (Array.isArray(data)) return data as HistoryEvent[];
  if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    if (Array.isArray(o.events)) return o.events as HistoryEvent[];
    if (typeof o.id === 'number' && typeof o.type === 'string') return [o as unknown as HistoryEvent];
  }
  return [];
}

/** True when the stream ran to its `end` event (or the page stopped it). */
async function stream(options: LiveOptions, signal: AbortSignal): Promise<boolean> {
  const url = `/console/api/executions/${encodeURIComponent(options.executionArn)}/events?after=${options.after()}`;
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal });
  if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    await response.body?.cancel().catch(() => undefined);
    return false;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary: number;
    while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (event === 'end') {
        if (data.length) options.onEvents(eventsOf(safeParse(data.join('\n'))));
        options.onEnd();
        await reader.cancel().catch(() => undefined);
        return true;
      }
      if (data.length) options.onEvents(eventsOf(safeParse(data.join('\n'))));
    }
  }
  // The stream closed without `end`: let the poller finish the job.
  return false;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const terminal = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

async function poll(options: LiveOptions, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const after = options.after();
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call<{ events: HistoryEvent[]; nextToken?: string }>('GetExecutionHistory', {
        executionArn: options.executionArn,
        reverseOrder: true,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      });
      const newer = page.events.filter((e) => e.id > after);
      fresh.push(...newer);
      nextToken = newer.length === page.events.length ? page.nextToken : undefined;
    } while (nextToken && !stopped());
    if (stopped()) return;
    fresh.sort((a, b) => a.id - b.id);
    if (fresh.length) options.onEvents(fresh);
    if (fresh.some((e) => terminal.has(e.type))) {
      options.onEnd();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

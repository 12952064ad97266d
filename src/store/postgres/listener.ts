/**
 * One `subscribe` of the PostgreSQL store: a dedicated connection (not from the pool: a pooled
 * connection is shared, and LISTEN belongs to a session) that LISTENs on the store's channel and
 * hands every ClusterEvent to the listener.
 *
 * When the connection drops it reconnects with exponential backoff, and once listening again emits
 * `{ kind: 'ready' }`: notifications sent while it was away are lost, so the node must look for
 * work as if woken. Closing stops all of that and ends the connection.
 */
import pg from 'pg';
import type { ClusterEvent } from '../cluster.js';
import { decodeClusterEvent } from '../cluster-events.js';

export interface ListenerOptions {
  /** A new client, not yet connected, for each (re)connection. */
  connect: () => pg.Client;
  /** A plain lower-case identifier (checked by the store), so it can be written into LISTEN. */
  channel: string;
  /** First reconnection delay, doubled on each failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class ChannelListener {
  private client: pg.Client | undefined;
  private retryHandle: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly options: ListenerOptions,
    private readonly listener: (event: ClusterEvent) => void,
  ) {
    if (!CHANNEL_NAME.test(options.channel)) throw new RangeError(`Invalid channel name '${options.channel}'`);
    this.retryMs = options.retryMs ?? 100;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
  }

  /** Connects and LISTENs; rejects if the first connection fails (later ones are retried). */
  async start(): Promise<void> {
    await this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryHandle) clearTimeout(this.retryHandle);
    this.retryHandle = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const client = this.options.connect();
    // Not checked against `this.client`: a notification can arrive in the same read as the LISTEN's
    // reply, before open() has recorded the client.
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || this.closed) return;
      const event = decodeClusterEvent(message.payload);
      if (event) this.deliver(event);
    });
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  /** The connection this listener relies on failed or ended: reconnect, unless closing. */
  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryHandle) return;
    const delay = Math.min(this.maxRetryMs, this.retryMs * 2 ** this.failures);
    this.retryHandle = setTimeout(() => {
      this.retryHandle = undefined;
      if (this.closed) return;
      this.open().then(
        () => {
          this.failures = 0;
          if (!this.closed) this.deliver({ kind: 'ready' });
        },
        () => {
          this.failures++;
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private deliver(event: ClusterEvent): void {
    try {
      this.listener(event);
    } catch {
      // A listener's failure is its own; the connection keeps listening.
    }
  }
}

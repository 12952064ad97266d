/**
 * Delivers the outbox (status change events) to webhooks: each row POSTed as JSON to its target;
 * a 2xx answer settles it, anything else (an error status, no answer, a refused connection) tries
 * it again after an exponential backoff, and after the last attempt the row goes to the dead-letter
 * file (one JSON line: target, body, attempts, last error) and leaves the outbox.
 *
 * Rows live in the store, so nothing is lost across a restart: a row taken by a process that
 * stopped is taken again once its hold ends. Several nodes on PostgreSQL share the work (a row is
 * taken by one at a time). Delivery is at least once: a receiver that answered after its timeout
 * may see the event again; each event's `id` tells repeats apart.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { ExecutionStore, OutboxRecord } from '../store/types.js';

export interface WebhookOptions {
  store: Pick<ExecutionStore, 'claimOutbox' | 'settleOutbox'>;
  /** Where rows given up go (JSON lines); without it they are only logged. */
  deadLetterFile?: string;
  /** Attempts before a row is given up (default 8). */
  maxAttempts?: number;
  /** The first retry's delay, doubled each time (default 1000 ms). */
  baseDelayMs?: number;
  /** The longest delay between attempts (default 5 minutes). */
  maxDelayMs?: number;
  /** How long one POST may take (default 10 s). */
  timeoutMs?: number;
  /** How often the outbox is looked at when nothing wakes the deliverer (default 1000 ms). */
  pollMs?: number;
  log?: Logger;
  now?: () => number;
}

const BATCH = 50;

export class StatusWebhooks {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly now: () => number;
  /** Delivered and given-up counts, for tests and logs. */
  readonly stats = { delivered: 0, retried: 0, deadLettered: 0 };

  constructor(private readonly options: WebhookOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts delivering what the outbox holds (rows left by an earlier process too). */
  start(): void {
    this.wake();
  }

  /** Something new is in the outbox: look now rather than at the next poll. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.deliverDue()
      .catch((err: unknown) => this.options.log?.error({ err }, 'delivering status change events failed'))
      .finally(() => {
        this.running = undefined;
        if (this.closed) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.options.pollMs ?? 1000);
      });
  }

  /** Stops; a delivery under way ends first (its row stays if it did not settle). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async deliverDue(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    for (;;) {
      if (this.closed) return;
      // Held for a little more than a POST may take: not taken twice meanwhile.
      const rows = await this.options.store.claimOutbox(this.now(), BATCH, timeoutMs * 2 + 1000);
      // Each target's rows in order, one at a time; the targets at once.
      const byTarget = new Map<string, OutboxRecord[]>();
      for (const row of rows) byTarget.set(row.target, [...(byTarget.get(row.target) ?? []), row]);
      await Promise.all([...byTarget.values()].map((list) => this.deliverInOrder(list, timeoutMs)));
      if (rows.length < BATCH) return;
    }
  }

  /**
   * One target's rows, oldest first. After a failure the rest wait as long as the failed one (their
   * attempts not counted): a webhook that is down is not sent later events before earlier ones.
   */
  private async deliverInOrder(rows: readonly OutboxRecord[], timeoutMs: number): Promise<void> {
    for (let i = 0; i < rows.length; i++) {
      const retryAt = await this.deliver(rows[i]!, timeoutMs);
      if (retryAt === undefined) continue;
      for (const rest of rows.slice(i + 1))
        await this.options.store.settleOutbox(rest.id, { attempts: rest.attempts, nextAttemptAt: retryAt });
      return;
    }
  }

  /** Delivers one row; when it is to be tried again, when. */
  private async deliver(row: OutboxRecord, timeoutMs: number): Promise<number | undefined> {
    const problem = await post(row, timeoutMs);
    if (problem === undefined) {
      this.stats.delivered++;
      await this.options.store.settleOutbox(row.id);
      return undefined;
    }
    const attempts = row.attempts + 1;
    if (attempts >= (this.options.maxAttempts ?? 8)) {
      this.stats.deadLettered++;
      this.options.log?.warn({ target: row.target, attempts, problem }, 'a status change event was given up');
      await this.deadLetter(row, attempts, problem);
      await this.options.store.settleOutbox(row.id);
      return undefined;
    }
    this.stats.retried++;
    const base = this.options.baseDelayMs ?? 1000;
    const delay = Math.min(base * 2 ** (attempts - 1), this.options.maxDelayMs ?? 300_000);
    this.options.log?.debug({ target: row.target, attempts, problem, delay }, 'a status change event will be retried');
    const nextAttemptAt = this.now() + delay;
    await this.options.store.settleOutbox(row.id, { attempts, nextAttemptAt });
    return nextAttemptAt;
  }

  private async deadLetter(row: OutboxRecord, attempts: number, problem: string): Promise<void> {
    const file = this.options.deadLetterFile;
    if (file === undefined) return;
    const line = JSON.stringify({
      target: row.target,
      attempts,
      error: problem,
      createdAt: row.createdAt,
      failedAt: this.now(),
      event: JSON.parse(row.body) as unknown,
    });
    try {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${line}\n`);
    } catch (err) {
      this.options.log?.error({ err, file, line }, 'the dead-letter file cannot be written');
    }
  }
}

/** POSTs the row's body; undefined when the target answered 2xx, else what went wrong. */
async function post(row: OutboxRecord, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(row.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: row.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error instanceof Error ? error.message : String(error)}${cause}`;
  }
}

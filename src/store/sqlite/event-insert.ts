/**
 * A commit's history events as few INSERT statements: up to EVENTS_PER_STATEMENT rows each, bound
 * by position. One statement per event cost a native call, a bind of six named parameters and a
 * reset per row; a Standard execution's first step writes a dozen events.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryEvent } from '../../vocabulary/history-events.js';
import { eventToRow } from '../rows.js';

/** Rows per statement: 6 parameters each, far below SQLite's 32,766 bound parameters. */
const EVENTS_PER_STATEMENT = 32;

const EVENT_COLUMNS = 'execution_arn, id, previous_event_id, type, timestamp, details';

export class EventInserter {
  /** The statement for n rows at index n (prepared on first use). */
  private readonly statements: (BetterSqlite3.Statement | undefined)[] = [];

  constructor(private readonly db: BetterSqlite3.Database) {}

  /** Inserts the events of one execution; a duplicate (execution, id) throws SQLITE_CONSTRAINT_PRIMARYKEY. */
  insert(executionArn: string, events: readonly HistoryEvent[]): void {
    for (let from = 0; from < events.length; from += EVENTS_PER_STATEMENT) {
      const to = Math.min(events.length, from + EVENTS_PER_STATEMENT);
      const values: unknown[] = new Array((to - from) * 6);
      let k = 0;
      for (let i = from; i < to; i++) {
        const event = events[i]!;
        values[k++] = executionArn;
        values[k++] = event.id;
        values[k++] = event.previousEventId;
        values[k++] = event.type;
        values[k++] = event.timestamp;
        values[k++] = eventDetailsText(event);
      }
      this.statement(to - from).run(values);
    }
  }

  private statement(rows: number): BetterSqlite3.Statement {
    let statement = this.statements[rows];
    if (!statement) {
      const tuples = new Array<string>(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ');
      statement = this.db.prepare(`INSERT INTO history_events (${EVENT_COLUMNS}) VALUES ${tuples}`);
      this.statements[rows] = statement;
    }
    return statement;
  }
}

/**
 * The `details` column of an event, the same text as `eventToRow` gives (the JSON object of every
 * field but the four columns), without copying the event: an event has one details field.
 */
export function eventDetailsText(event: HistoryEvent): string | null {
  let key: string | undefined;
  for (const k of Object.keys(event)) {
    if (k === 'id' || k === 'previousEventId' || k === 'timestamp' || k === 'type') continue;
    if (key !== undefined) return eventToRow('', event).details; // several: the general path
    key = k;
  }
  if (key === undefined) return null;
  const value = JSON.stringify((event as unknown as Record<string, unknown>)[key]);
  return value === undefined ? '{}' : `{${JSON.stringify(key)}:${value}}`;
}

/**
 * What every cluster-capable adapter derives the same way: which commits wake activity pollers, and
 * how a ClusterEvent travels as text (PostgreSQL's NOTIFY payload, limited to 8000 bytes).
 */
import type { ClusterEvent } from './cluster.js';
import type { TaskRecord } from './types.js';

const ACTIVITY_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:activity:/;

/** The activity ARNs among tasks a commit adds, each once, in first-seen order. */
export function activityArnsOf(tasks: readonly TaskRecord[]): string[] {
  return [...new Set(tasks.filter((t) => ACTIVITY_ARN.test(t.resource)).map((t) => t.resource))];
}

/** Under PostgreSQL's NOTIFY payload limit (8000 bytes), with room to spare. */
const MAX_PAYLOAD_BYTES = 7_000;

/**
 * The event as NOTIFY payloads: one, except a 'settled' event whose ids do not fit, which is split
 * into several 'settled' events (a listener cannot tell the difference: it acts per id).
 */
export function encodeClusterEvent(event: ClusterEvent): string[] {
  const whole = JSON.stringify(event);
  if (Buffer.byteLength(whole) <= MAX_PAYLOAD_BYTES) return [whole];
  if (event.kind !== 'settled') throw new RangeError(`Cluster event too large for NOTIFY: ${whole.slice(0, 200)}...`);
  const payloads: string[] = [];
  let ids: number[] = [];
  let bytes = JSON.stringify({ kind: 'settled', ids: [] }).length;
  for (const id of event.ids) {
    const more = String(id).length + 1;
    if (ids.length > 0 && bytes + more > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ kind: 'settled', ids }));
      ids = [];
      bytes = JSON.stringify({ kind: 'settled', ids: [] }).length;
    }
    ids.push(id);
    bytes += more;
  }
  payloads.push(JSON.stringify({ kind: 'settled', ids }));
  return payloads;
}

/** A payload as a ClusterEvent; undefined when it is not one (another program on the channel). */
export function decodeClusterEvent(payload: string | undefined): ClusterEvent | undefined {
  if (payload === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  switch (event.kind) {
    case 'signal':
      return typeof event.executionArn === 'string' ? { kind: 'signal', executionArn: event.executionArn } : undefined;
    case 'settled':
      return Array.isArray(event.ids) && event.ids.every((id) => typeof id === 'number')
        ? { kind: 'settled', ids: event.ids as number[] }
        : undefined;
    case 'activity':
      return typeof event.activityArn === 'string' ? { kind: 'activity', activityArn: event.activityArn } : undefined;
    case 'ready':
      return { kind: 'ready' };
    default:
      return undefined;
  }
}

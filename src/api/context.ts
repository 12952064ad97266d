/** What every operation is given: the store, the engine and its execution rules, ARN building, and injectable sources. */
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import type { ActivityQueue } from '../integrations/activities/queue.js';
import type { Executions } from '../engine/executions.js';
import type { ExecutionStore } from '../store/types.js';
import type { Arns } from './arns.js';
import type { Request } from './request.js';

export interface ApiContext {
  store: ExecutionStore;
  engine: Engine;
  /** Where GetActivityTask long polls wait for the activity integration's tasks. */
  activities: ActivityQueue;
  /** StartExecution's and DescribeExecution's rules, shared with nested executions. */
  executions: Executions;
  arns: Arns;
  /** Epoch milliseconds. */
  now(): number;
  /** [0, 1): picks an alias's version by weight. */
  random(): number;
  uuid(): string;
  log: Logger;
  /** Aborted when the caller disconnects before the answer (long polls stop waiting). */
  signal?: AbortSignal;
}

/** A JSON 1.0 response body; `undefined` members are omitted from the wire, as AWS omits absent fields. */
export type Output = Record<string, unknown>;

export type Operation = (request: Request, ctx: ApiContext) => Promise<Output>;

/** Epoch milliseconds → the epoch seconds (with fraction) the JSON protocol uses for timestamps. */
export function seconds(millis: number): number;
export function seconds(millis: number | undefined): number | undefined;
export function seconds(millis: number | undefined): number | undefined {
  return millis === undefined ? undefined : millis / 1000;
}

/**
 * Looking up what a request's ARN names: state machines, versions, aliases and executions, with
 * AWS's "does not exist" errors. StartExecution's targets resolve in `engine/executions.ts`.
 */
import type { AliasRecord, ExecutionRecord, StateMachineRecord, StateMachineVersionRecord } from '../store/types.js';
import type { ApiContext } from './context.js';
import { executionDoesNotExist, resourceNotFound, stateMachineDoesNotExist } from './errors.js';

export async function getStateMachine(ctx: ApiContext, arn: string): Promise<StateMachineRecord> {
  const record = await ctx.store.getStateMachine(arn);
  if (!record) throw stateMachineDoesNotExist(arn);
  return record;
}

export async function getVersion(ctx: ApiContext, arn: string): Promise<StateMachineVersionRecord> {
  const record = await ctx.store.getVersion(arn);
  if (!record) throw stateMachineDoesNotExist(arn);
  return record;
}

export async function getAlias(ctx: ApiContext, arn: string): Promise<AliasRecord> {
  const record = await ctx.store.getAlias(arn);
  if (!record) throw resourceNotFound(arn);
  return record;
}

export async function getExecution(ctx: ApiContext, arn: string): Promise<ExecutionRecord> {
  const record = await ctx.store.getExecution(arn);
  if (!record) throw executionDoesNotExist(arn);
  return record;
}

/** Every item of a paged store listing. */
export async function listAll<T>(
  list: (page: { limit: number; after?: string }) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const page = await list({ limit: 1000, after });
    items.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return items;
}

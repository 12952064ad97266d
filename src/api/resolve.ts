/**
 * Looking up what a request's ARN names: state machines, versions, aliases and executions, with
 * AWS's "does not exist" errors. StartExecution's targets resolve in `engine/executions.ts`.
 */
import type { AliasRecord, ExecutionRecord, StateMachineRecord, StateMachineVersionRecord } from '../store/types.js';
import type { ApiContext } from './context.js';
import { executionDoesNotExist, resourceNotFound, stateMachineDoesNotExist } from './errors.js';

/** The record a lookup found, or the error AWS answers when it does not exist. */
function found<T>(record: T | undefined, missing: (arn: string) => Error, arn: string): T {
  if (!record) throw missing(arn);
  return record;
}

export async function getStateMachine(ctx: ApiContext, arn: string): Promise<StateMachineRecord> {
  return found(await ctx.store.getStateMachine(arn), stateMachineDoesNotExist, arn);
}

export async function getVersion(ctx: ApiContext, arn: string): Promise<StateMachineVersionRecord> {
  return found(await ctx.store.getVersion(arn), stateMachineDoesNotExist, arn);
}

export async function getAlias(ctx: ApiContext, arn: string): Promise<AliasRecord> {
  return found(await ctx.store.getAlias(arn), resourceNotFound, arn);
}

export async function getExecution(ctx: ApiContext, arn: string): Promise<ExecutionRecord> {
  return found(await ctx.store.getExecution(arn), executionDoesNotExist, arn);
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

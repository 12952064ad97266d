/** RedriveExecution: AWS's limits on it, and running the redrive signal on the execution's actor. */
import { StatesErrors, HISTORY_QUOTA_CAUSE } from '../../interpreter/errors.js';
import type { ExecutionRecord } from '../../store/types.js';
import type { Actors } from './actor.js';
import { HISTORY_QUOTA, type DurableContext } from './context.js';

/** AWS's limits on redriving: within 14 days of the stop, at most 1,000 times, not after a history-quota failure. */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
export const MAX_REDRIVES = 1000;

export async function redriveExecution(
  ctx: DurableContext,
  actors: Actors,
  executionArn: string,
): Promise<{ redriveDate: number } | { notRedrivable: string }> {
  const read = await ctx.store.getExecution(executionArn);
  if (!read) return { notRedrivable: `Execution ${executionArn} does not exist` };
  const refusal = redriveRefusal(read, ctx.clock.now());
  if (refusal !== undefined) return { notRedrivable: refusal };
  if (actors.has(executionArn)) return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
  // On a node of several the lease comes with the row as it is now, and another redrive may have
  // loaded the execution meanwhile: check again.
  const record = await actors.ownership.acquire(executionArn, read);
  if (!record) return { notRedrivable: 'Execution is being redriven' };
  if (redriveRefusal(record, ctx.clock.now()) !== undefined || actors.has(executionArn)) {
    await actors.ownership.release(executionArn);
    return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
  }
  const actor = actors.create(record);
  actors.set(executionArn, actor);
  await actors.deliver(executionArn, { kind: 'redrive' });
  await actors.whenIdle(actor);
  const after = await ctx.store.getExecution(executionArn);
  if (!after || after.redriveCount === record.redriveCount)
    return { notRedrivable: `Execution ${executionArn} could not be redriven` };
  return { redriveDate: after.redriveDate ?? ctx.clock.now() };
}

function redriveRefusal(record: ExecutionRecord, now: number): string | undefined {
  if (record.status === 'RUNNING' || record.status === 'SUCCEEDED')
    return `Execution is ${record.status} and cannot be redriven`;
  if (record.redriveCount >= MAX_REDRIVES)
    return `Execution has been redriven ${MAX_REDRIVES} times and cannot be redriven again`;
  if (record.stopDate !== undefined && now - record.stopDate > REDRIVE_WINDOW_MS)
    return 'Execution stopped more than 14 days ago and cannot be redriven';
  if (record.historyLength >= HISTORY_QUOTA || isQuotaFailure(record))
    return `Execution has reached the maximum number of history events (${HISTORY_QUOTA}) and cannot be redriven`;
  if (!record.state.redrivePoint) return 'Execution cannot be redriven: it did not enter any state';
  return undefined;
}

/** An execution the interpreter failed at the history quota: know it by its error. */
function isQuotaFailure(record: ExecutionRecord): boolean {
  return record.status === 'FAILED' && record.error === StatesErrors.Runtime && record.cause === HISTORY_QUOTA_CAUSE;
}

/** RedriveExecution: AWS's limits on it, and running the redrive signal on the execution's actor. */
import { redriveVerdict } from '../executions.js';
import type { Actors } from './actor.js';
import type { DurableContext } from './context.js';

export async function redriveExecution(
  ctx: DurableContext,
  actors: Actors,
  executionArn: string,
): Promise<{ redriveDate: number } | { notRedrivable: string }> {
  const read = await ctx.store.getExecution(executionArn);
  if (!read) return { notRedrivable: `Execution ${executionArn} does not exist` };
  const verdict = redriveVerdict(read, ctx.clock.now());
  if (!verdict.redrivable) return { notRedrivable: verdict.reason };
  if (actors.has(executionArn)) return { notRedrivable: 'Execution is RUNNING and cannot be redriven' };
  // On a node of several the lease comes with the row as it is now, and another redrive may have
  // loaded the execution meanwhile: check again.
  const record = await actors.ownership.acquire(executionArn, read);
  if (!record) return { notRedrivable: 'Execution is being redriven' };
  if (!redriveVerdict(record, ctx.clock.now()).redrivable || actors.has(executionArn)) {
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

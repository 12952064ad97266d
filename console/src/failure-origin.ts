/**
 * Where an execution's error arose. The history model leaves a state that was still open when the
 * execution failed as "aborted" (it saw no failure event of its own: a Pass whose ResultPath
 * failed, a Task whose parameters did not evaluate); the ExecutionFailed event's previousEventId
 * chain leads back to it, and through any Parallel or Map state that failed because of it. The
 * console shows those states as failed, with the execution's error. Read-only over the model.
 */
import type { HistoryEvent } from './api.js';
import type { ExecutionHistory, StateRun, StateStatus } from './history.js';

const containers = new Set(['Map', 'Parallel']);

/** The runs the model calls aborted that are where the execution's failure arose. */
export function failureOrigins(history: ExecutionHistory): Set<StateRun> {
  const out = new Set<StateRun>();
  const failed = [...history.events].reverse().find((e) => e.type === 'ExecutionFailed');
  if (!failed) return out;
  const byId = new Map<number, HistoryEvent>(history.events.map((e) => [e.id, e]));
  const runOf = new Map<number, StateRun>();
  for (const run of history.runs) for (const id of run.eventIds) runOf.set(id, run);
  let id = failed.previousEventId ?? 0;
  for (let steps = 0; id > 0 && steps < 1000; steps++) {
    const run = runOf.get(id);
    if (run) {
      if (run.status === 'ABORTED') out.add(run);
      if (!containers.has(run.stateType)) break;
    }
    id = byId.get(id)?.previousEventId ?? 0;
  }
  return out;
}

/** `history.statuses(iterationId)` with the failure's origins shown as failed. */
export function statusesWithOrigins(
  history: ExecutionHistory,
  origins: Set<StateRun>,
  iterationId?: string,
): Map<string, StateStatus> {
  const statuses = history.statuses(iterationId);
  if (origins.size === 0) return statuses;
  const inView = new Set(history.runsIn(iterationId));
  for (const run of origins) if (inView.has(run)) statuses.set(run.name, 'FAILED');
  return statuses;
}

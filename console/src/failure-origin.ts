/**
 * Where an execution's error arose. The history model leaves a state that was still open when the
 * execution failed as "aborted": it saw no failure event of its own (a Pass whose Parameters did
 * not evaluate, a Task whose ResultPath failed). Such a state is found two ways: the failure's
 * cause names it, in AWS's words ("An error occurred while executing the state 'Shape' (entered at
 * the event id #7)"), and it is the only kind of aborted state without an Aborted event of its own
 * (a branch stopped because its sibling failed gets TaskStateAborted, and stays aborted). The
 * Parallel or Map states around it that the model calls aborted are shown failed too.
 * Read-only over the model (console/src/history.ts).
 */
import type { HistoryEvent } from './api.js';
import { eventDetails, type ExecutionHistory, type StateRun, type StateStatus } from './history.js';

const containers = new Set(['Map', 'Parallel']);

/** The runs the model calls aborted (or still running) that are where the execution's failure arose. */
export function failureOrigins(history: ExecutionHistory): Set<StateRun> {
  const out = new Set<StateRun>();
  const failed = [...history.events].reverse().find((e) => e.type === 'ExecutionFailed');
  if (!failed) return out;
  const byId = new Map<number, HistoryEvent>(history.events.map((e) => [e.id, e]));
  const cause = eventDetails(failed)?.cause;
  const entered = typeof cause === 'string' ? /entered at the event id #(\d+)/.exec(cause) : null;
  for (const run of history.runs) {
    if (run.status !== 'ABORTED' && run.status !== 'IN_PROGRESS') continue;
    const named = entered !== null && run.enteredEventId === Number(entered[1]);
    const cutShort =
      run.status === 'ABORTED' &&
      !containers.has(run.stateType) &&
      !run.eventIds.some((id) => byId.get(id)?.type.endsWith('Aborted') && id > run.enteredEventId);
    if (named || cutShort) out.add(run);
  }
  for (const run of [...out])
    for (let parent = run.parent; parent; parent = parent.parent) if (parent.status === 'ABORTED') out.add(parent);
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

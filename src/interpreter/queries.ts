/**
 * Questions a host asks about an execution state. Frames are the interpreter's own layout: code
 * outside the interpreter asks here rather than reading them, so the layout can change in one place.
 */
import type { ExecutionState } from './types.js';

/** Whether a frame of the execution waits on task `taskId` for exactly this task token. */
export function awaitsTaskToken(state: ExecutionState, taskId: string, token: string): boolean {
  return Object.values(state.frames).some(
    (f) => f.phase.kind === 'task' && f.phase.taskId === taskId && f.phase.taskToken === token,
  );
}

/** A task of a running execution that a worker or a callback answers with its token. */
export interface OpenTask {
  taskId: string;
  frameId: string;
  stateName: string;
  taskToken: string;
  /** An activity task: whether a worker has taken it (GetActivityTask). Other tasks: true. */
  started: boolean;
  /** The request was accepted and its result comes later (TaskSubmitted). */
  submitted: boolean;
  heartbeatSeconds?: number;
  /** Epoch ms. */
  heartbeatDueAt?: number;
  /** Epoch ms. */
  timeoutAt?: number;
  /** The Map item's index, for a task inside a Map iteration. */
  mapIndex?: number;
}

/** The tasks that wait for a task token (callbacks, activities, job runs), in frame order. */
export function openTasks(state: ExecutionState): OpenTask[] {
  const out: OpenTask[] = [];
  for (const frame of Object.values(state.frames)) {
    const phase = frame.phase;
    if (phase.kind !== 'task' || phase.taskToken === undefined || frame.outcome !== undefined) continue;
    out.push({
      taskId: phase.taskId,
      frameId: frame.id,
      stateName: frame.stateName,
      taskToken: phase.taskToken,
      started: phase.started,
      submitted: phase.submitted ?? false,
      ...(phase.heartbeatSeconds !== undefined ? { heartbeatSeconds: phase.heartbeatSeconds } : {}),
      ...(phase.heartbeatDueAt !== undefined ? { heartbeatDueAt: phase.heartbeatDueAt } : {}),
      ...(phase.timeoutAt !== undefined ? { timeoutAt: phase.timeoutAt } : {}),
      ...(frame.mapItem !== undefined ? { mapIndex: frame.mapItem.index } : {}),
    });
  }
  return out;
}

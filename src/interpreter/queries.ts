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

/** What the activity and callback operations need of the engine (the durable engine has all of it). */
import type { CallbackResult, TaskCallbacks } from '../../engine/ports.js';

export type { CallbackResult, TaskCallbacks };

/** The engine as TaskCallbacks, or undefined when it cannot take callbacks. */
export function taskCallbacks(engine: object): TaskCallbacks | undefined {
  const candidate = engine as Partial<TaskCallbacks>;
  const methods = ['sendTaskSuccess', 'sendTaskFailure', 'sendTaskHeartbeat', 'taskStarted'] as const;
  return methods.every((m) => typeof candidate[m] === 'function') ? (engine as TaskCallbacks) : undefined;
}

/** What the activity and callback operations need of the engine (the durable engine has all of it). */
import type { Json } from '../../json.js';

export type CallbackResult = 'ok' | 'invalidToken' | 'taskDoesNotExist';

export interface TaskCallbacks {
  sendTaskSuccess(token: string, output: Json): Promise<CallbackResult>;
  sendTaskFailure(token: string, error?: string, cause?: string): Promise<CallbackResult>;
  sendTaskHeartbeat(token: string): Promise<CallbackResult>;
  taskStarted(token: string, workerName?: string): Promise<CallbackResult>;
}

/** The engine as TaskCallbacks, or undefined when it cannot take callbacks. */
export function taskCallbacks(engine: object): TaskCallbacks | undefined {
  const candidate = engine as Partial<TaskCallbacks>;
  const methods = ['sendTaskSuccess', 'sendTaskFailure', 'sendTaskHeartbeat', 'taskStarted'] as const;
  return methods.every((m) => typeof candidate[m] === 'function') ? (engine as TaskCallbacks) : undefined;
}

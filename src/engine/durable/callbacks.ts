/**
 * Task callbacks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, an activity worker's
 * GetActivityTask): the token names the execution and task; the signal is accepted exactly once,
 * by the commit that applies it.
 */
import type { Json } from '../../json.js';
import { awaitsTaskToken } from '../../interpreter/queries.js';
import { decodeTaskToken } from '../../interpreter/task-token.js';
import type { Signal } from '../../interpreter/types.js';
import type { ExecutionStore } from '../../store/types.js';
import type { Actors } from './actor.js';

/** What a task callback found (the API maps these to AWS's errors). */
export type CallbackResult = 'ok' | 'invalidToken' | 'taskDoesNotExist';

export class Callbacks {
  constructor(
    private readonly actors: Actors,
    private readonly store: ExecutionStore,
  ) {}

  success(token: string, output: Json): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskSucceeded', taskId, output }));
  }

  failure(token: string, error?: string, cause?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({
      kind: 'taskFailed',
      taskId,
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    }));
  }

  heartbeat(token: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({ kind: 'taskHeartbeat', taskId }));
  }

  /** An activity worker took the task (GetActivityTask): ActivityStarted. */
  started(token: string, workerName?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({
      kind: 'taskStarted',
      taskId,
      ...(workerName !== undefined ? { workerName } : {}),
    }));
  }

  private async callback(token: string, signal: (taskId: string) => Signal): Promise<CallbackResult> {
    const parts = decodeTaskToken(token);
    if (!parts) return 'invalidToken';
    const record = this.actors.get(parts.executionArn)?.record ?? (await this.store.getExecution(parts.executionArn));
    if (!record || record.status !== 'RUNNING' || !awaitsTaskToken(record.state, parts.taskId, token))
      return 'taskDoesNotExist';
    const accepted = await this.actors.deliverAndConfirm(parts.executionArn, signal(parts.taskId));
    return accepted ? 'ok' : 'taskDoesNotExist';
  }
}

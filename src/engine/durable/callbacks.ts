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

  /**
   * AWS accepts a heartbeat for any open task, with or without HeartbeatSeconds; only a task whose
   * HeartbeatSeconds timer it resets changes the execution, so an ignored heartbeat is still `ok`
   * while the task waits for its token.
   */
  async heartbeat(token: string): Promise<CallbackResult> {
    const result = await this.callback(token, (taskId) => ({ kind: 'taskHeartbeat', taskId }));
    if (result !== 'taskDoesNotExist') return result;
    return (await this.awaits(token)) ? 'ok' : result;
  }

  /** An activity worker took the task (GetActivityTask): ActivityStarted. */
  started(token: string, workerName?: string): Promise<CallbackResult> {
    return this.callback(token, (taskId) => ({
      kind: 'taskStarted',
      taskId,
      ...(workerName !== undefined ? { workerName } : {}),
    }));
  }

  /** Whether the token's execution is running and one of its tasks waits for this token. */
  private async awaits(token: string): Promise<boolean> {
    const parts = decodeTaskToken(token);
    if (!parts) return false;
    const record = this.actors.get(parts.executionArn)?.record ?? (await this.store.getExecution(parts.executionArn));
    return record !== undefined && record.status === 'RUNNING' && awaitsTaskToken(record.state, parts.taskId, token);
  }

  private async callback(token: string, signal: (taskId: string) => Signal): Promise<CallbackResult> {
    const parts = decodeTaskToken(token);
    if (!parts) return 'invalidToken';
    if (!(await this.awaits(token))) return 'taskDoesNotExist';
    const accepted = await this.actors.deliverAndConfirm(parts.executionArn, signal(parts.taskId));
    return accepted ? 'ok' : 'taskDoesNotExist';
  }
}

/**
 * The tasks of an execution that wait for a task token, with their tokens, so the console can
 * answer them (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat through the AWS API):
 *
 *   GET /console/api/tasks?executionArn=<url-encoded executionArn>
 *
 * answers `{"tasks": [...]}`, each task with its state's name, what it waits for (`callback`: a
 * `.waitForTaskToken` integration; `activity`: an activity worker; `job`: a `.sync` job run, which
 * may send heartbeats), its token, its resource, when it was scheduled and, when the state sets
 * them, its heartbeat interval, the next heartbeat's deadline and its timeout (times in epoch
 * seconds, as the AWS API's). An ended execution has none. An unknown ARN is a 404 with AWS's JSON
 * error body; an ARN that is not an execution's, or none, a 400. (A query parameter, not a path one:
 * an execution ARN can be longer than a path parameter may be.) AWS has no such call: its console gets
 * tokens from the worker's side only. This one is read-only, like the console's other endpoints.
 */
import type { FastifyInstance } from 'fastify';
import { openTasks } from '../../interpreter/queries.js';
import { isJsonObject } from '../../json.js';
import { seconds, type ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { standardExecution } from '../executions.js';

export const TASKS_ROUTE = '/console/api/tasks';

export type WaitKind = 'callback' | 'activity' | 'job';

export interface ConsoleTask {
  taskId: string;
  stateName: string;
  waitsFor: WaitKind;
  taskToken: string;
  resource?: string;
  /** Epoch seconds. */
  scheduledAt?: number;
  /** An activity task a worker has taken (GetActivityTask); always true for the others. */
  started: boolean;
  heartbeatSeconds?: number;
  /** Epoch seconds. */
  heartbeatDueAt?: number;
  /** Epoch seconds. */
  timeoutAt?: number;
  mapIndex?: number;
}

function waitKind(resource: string | undefined): WaitKind {
  if (resource === undefined) return 'callback';
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) return 'activity';
  if (/\.sync(?::2)?$/.test(resource)) return 'job';
  return 'callback';
}

export function registerConsoleTasks(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { executionArn?: string } }>(TASKS_ROUTE, async (request, reply) => {
    try {
      const arn = request.query.executionArn;
      if (!arn) throw new ApiError('ValidationException', 'executionArn is required');
      const execution = await standardExecution(ctx, arn);
      if (execution.status !== 'RUNNING') return { tasks: [] };
      const outbox = new Map((await ctx.store.pendingTasks(execution.arn)).map((t) => [t.taskId, t]));
      const tasks = openTasks(execution.state).map((task): ConsoleTask => {
        const row = outbox.get(task.taskId);
        const command = row && isJsonObject(row.command) ? row.command : undefined;
        const resource = row?.resource ?? (typeof command?.resource === 'string' ? command.resource : undefined);
        return {
          taskId: task.taskId,
          stateName: task.stateName,
          waitsFor: waitKind(resource),
          taskToken: task.taskToken,
          ...(resource !== undefined ? { resource } : {}),
          ...(row ? { scheduledAt: seconds(row.createdAt) } : {}),
          started: task.started,
          ...(task.heartbeatSeconds !== undefined ? { heartbeatSeconds: task.heartbeatSeconds } : {}),
          ...(task.heartbeatDueAt !== undefined ? { heartbeatDueAt: seconds(task.heartbeatDueAt) } : {}),
          ...(task.timeoutAt !== undefined ? { timeoutAt: seconds(task.timeoutAt) } : {}),
          ...(task.mapIndex !== undefined ? { mapIndex: task.mapIndex } : {}),
        };
      });
      return { tasks };
    } catch (error) {
      if (!(error instanceof ApiError)) ctx.log.error({ err: error }, 'console tasks endpoint failed');
      const apiError =
        error instanceof ApiError ? error : new ApiError('InternalFailure', 'An internal error occurred');
      const status = apiError.type === 'ExecutionDoesNotExist' ? 404 : apiError.status;
      return reply.code(status).header('x-amzn-errortype', apiError.type).send(apiError.toBody());
    }
  });
}

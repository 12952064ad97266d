/**
 * The recent Express executions, for the console (AWS keeps no record of them: their history goes to
 * CloudWatch Logs when logging is on, and ListExecutions answers StateMachineTypeNotSupported):
 *
 *   GET /console/api/express?stateMachineArn=<arn>   {"executions": [...summaries, newest first]}
 *   GET /console/api/express/execution?executionArn=<arn>   one execution with its logged history
 *
 * from the engine's bounded ring in memory (src/engine/express-record.ts): the last few hundred this
 * node ran since it started, each with what the state machine's logging configuration would have
 * sent to the log. Times are epoch seconds, as in the AWS API. An execution the ring no longer holds
 * (or never did) is a 404 ExecutionDoesNotExist in AWS's error shape. Read-only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExpressExecutionRecord } from '../../engine/engine.js';
import { seconds, type ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { serialiseEvent } from '../operations/get-execution-history.js';

export const EXPRESS_LIST_ROUTE = '/console/api/express';
export const EXPRESS_ROUTE = '/console/api/express/execution';

function summary(e: ExpressExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    mode: e.mode,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    error: e.error,
    cause: e.cause,
    loggingLevel: e.loggingLevel,
    includeExecutionData: e.includeExecutionData,
    historyEvents: e.history.length,
  };
}

function sendError(reply: FastifyReply, error: unknown, ctx: ApiContext): FastifyReply {
  if (!(error instanceof ApiError)) ctx.log.error({ err: error }, 'console express endpoint failed');
  const apiError = error instanceof ApiError ? error : new ApiError('InternalFailure', 'An internal error occurred');
  const status = apiError.type === 'ExecutionDoesNotExist' ? 404 : apiError.status;
  return reply.code(status).header('x-amzn-errortype', apiError.type).send(apiError.toBody());
}

export function registerConsoleExpress(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { stateMachineArn?: string } }>(EXPRESS_LIST_ROUTE, async (request, reply) => {
    try {
      const arn = request.query.stateMachineArn;
      if (arn !== undefined) ctx.arns.expect(arn, ['stateMachine']);
      return { executions: ctx.engine.recentExpressExecutions(arn).map(summary) };
    } catch (error) {
      return sendError(reply, error, ctx);
    }
  });

  app.get<{ Querystring: { executionArn?: string } }>(EXPRESS_ROUTE, async (request, reply) => {
    try {
      const arn = request.query.executionArn;
      if (!arn) throw new ApiError('ValidationException', 'executionArn is required');
      ctx.arns.expect(arn, ['express']);
      const entry = ctx.engine.recentExpressExecutions().find((e) => e.executionArn === arn);
      if (!entry)
        throw new ApiError(
          'ExecutionDoesNotExist',
          `Express execution not in this server's recent record (AWS keeps none; this server keeps its last few hundred, in memory): ${arn}`,
        );
      return {
        ...summary(entry),
        input: entry.input,
        output: entry.output,
        historyLeftOff: entry.historyLeftOff,
        events: entry.history.map((event) => serialiseEvent(event, true)),
      };
    } catch (error) {
      return sendError(reply, error, ctx);
    }
  });
}

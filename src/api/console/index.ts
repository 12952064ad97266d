/**
 * The web console's own endpoints under /console/api (the live history stream, live validation, an
 * execution's open tasks with their tokens, the recent Express executions, the mock configuration's
 * test cases) and GET /cluster/nodes; everything else, answering a task included, goes through the
 * AWS JSON API. None of them changes state.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { registerConsoleEvents, type ConsoleEventsOptions } from './events.js';
import { registerConsoleExpress } from './express.js';
import { registerConsoleMocks } from './mocks.js';
import { registerClusterNodes } from './nodes.js';
import { registerConsoleTasks } from './tasks.js';
import { registerConsoleValidate } from './validate.js';

export type ConsoleApiOptions = ConsoleEventsOptions;

export function registerConsoleApi(app: FastifyInstance, ctx: ApiContext, options: ConsoleApiOptions = {}): void {
  registerConsoleEvents(app, ctx, options);
  registerClusterNodes(app, ctx, Date.now());
  registerConsoleValidate(app);
  registerConsoleTasks(app, ctx);
  registerConsoleExpress(app, ctx);
  registerConsoleMocks(app, ctx);
}

/**
 * The web console's own endpoints under /console/api (the live history stream, live validation) and
 * GET /cluster/nodes; everything else goes through the AWS JSON API. None of them changes state.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { registerConsoleEvents, type ConsoleEventsOptions } from './events.js';
import { registerClusterNodes } from './nodes.js';
import { registerConsoleValidate } from './validate.js';

export type ConsoleApiOptions = ConsoleEventsOptions;

export function registerConsoleApi(app: FastifyInstance, ctx: ApiContext, options: ConsoleApiOptions = {}): void {
  registerConsoleEvents(app, ctx, options);
  registerClusterNodes(app, ctx, Date.now());
  registerConsoleValidate(app);
}

/** Read-only endpoints for the web console under /console/api, and GET /cluster/nodes (everything else goes through the AWS JSON API). */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { registerConsoleEvents, type ConsoleEventsOptions } from './events.js';
import { registerClusterNodes } from './nodes.js';

export type ConsoleApiOptions = ConsoleEventsOptions;

export function registerConsoleApi(app: FastifyInstance, ctx: ApiContext, options: ConsoleApiOptions = {}): void {
  registerConsoleEvents(app, ctx, options);
  registerClusterNodes(app, ctx, Date.now());
}

/**
 * GET /metrics: the Prometheus text exposition of the server's metrics, and the HTTP figures that
 * go into them (requests by operation and status, and their time). The metrics themselves are kept
 * elsewhere (../ops/metrics.ts); the API only serves them and counts its requests.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isActionName } from './operations/index.js';

/** What the route needs of the metrics. */
export interface MetricsEndpoint {
  render(): Promise<{ contentType: string; body: string }>;
  httpRequest(operation: string, status: number, seconds: number): void;
}

const TARGET_PREFIX = 'AWSStepFunctions.';

export function registerMetrics(app: FastifyInstance, metrics: MetricsEndpoint): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.code(200).header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(operationOf(request), reply.statusCode, reply.elapsedTime / 1000);
  });
}

/**
 * The API action (`StartExecution`), or the route (`/healthz`, `/console/api/...`); a label of few
 * values whatever clients send: unknown targets are `unknown`, unrouted paths (the console's files) `other`.
 */
function operationOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route === '/' && request.method === 'POST') {
    const target = request.headers['x-amz-target'];
    const action =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    return isActionName(action) ? action : 'unknown';
  }
  return route ?? 'other';
}

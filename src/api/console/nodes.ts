/**
 * GET /cluster/nodes: the nodes sharing this database, for the console and for operators. Each
 * node's id, address, heartbeat, whether it is alive (its membership lease unexpired), how many
 * executions it holds the lease of, and its counters. A node running alone (SQLite) lists itself.
 */
import type { FastifyInstance } from 'fastify';
import type { ClusterView } from '../../engine/ports.js';
import type { NodeRecord } from '../../store/cluster.js';
import type { ApiContext } from '../context.js';

export interface NodeView extends NodeRecord {
  alive: boolean;
}

export interface NodesResponse {
  /** The id of the node that answered. */
  self: string;
  nodes: NodeView[];
}

/** The id a node running alone reports. */
export const LOCAL_NODE_ID = 'local';

export function registerClusterNodes(app: FastifyInstance, ctx: ApiContext, startedAt: number): void {
  app.get('/cluster/nodes', async (): Promise<NodesResponse> => {
    const now = ctx.now();
    const view: ClusterView = ctx.engine;
    const nodes = await view.clusterNodes();
    if (view.node && nodes)
      return { self: view.node.id, nodes: nodes.map((n) => ({ ...n, alive: n.leaseUntil > now })) };
    return {
      self: LOCAL_NODE_ID,
      nodes: [
        {
          id: LOCAL_NODE_ID,
          startedAt,
          heartbeatAt: now,
          leaseUntil: now,
          alive: true,
          executions: view.activeExecutions,
          stats: {},
        },
      ],
    };
  });
}

/** The graph model the console draws, from src/asl/graph.ts (node ids are state addresses such as "Fan/branch/0/A"). */
export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'start' | 'end';

export interface GraphNode {
  id: string;
  kind: 'state' | 'group' | 'start' | 'end';
  label: string;
  /** The state's name (state and Parallel/Map group nodes). */
  stateName?: string;
  stateType?: string;
  parentId?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  source: StateGraph;
}

import { buildGraph as buildStateGraph, type StateGraph } from '../../../src/asl/graph.js';
import type { Json } from '../../../src/json.js';

/**
 * The console's view of src/asl/graph.ts: Parallel/Map states and their branch/processor groups
 * become group nodes, Start/End markers terminal nodes; `source` is kept for the ELK layout.
 */
export function buildGraph(definition: unknown): Graph {
  let source: StateGraph;
  try {
    source = buildStateGraph((definition ?? {}) as Json);
  } catch {
    source = { nodes: [], edges: [] };
  }
  const nodes: GraphNode[] = source.nodes.map((n) => {
    if (n.kind === 'Start' || n.kind === 'End')
      return { id: n.id, kind: n.kind === 'Start' ? 'start' : 'end', label: n.name, parentId: n.parentId };
    if (n.group) return { id: n.id, kind: 'group', label: n.name, parentId: n.parentId };
    const container = n.kind === 'Parallel' || n.kind === 'Map';
    return {
      id: n.id,
      kind: container ? 'group' : 'state',
      label: n.name,
      stateName: n.name,
      stateType: n.kind,
      parentId: n.parentId,
    };
  });
  const edges: GraphEdge[] = source.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    kind: e.kind,
    label: e.label,
  }));
  return { nodes, edges, source };
}

/** The node that shows a state, found by the state's name (names are unique across a machine). */
export function nodeIdFor(graph: Graph, stateName: string): string | undefined {
  return graph.nodes.find((n) => n.stateName === stateName)?.id;
}

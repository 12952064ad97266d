/**
 * ELK layered layout of the graph model, nested groups included. elkjs is large, so it is
 * imported on first use into its own chunk; pages without a graph never load it.
 */
import type { EdgeLayout } from '../../../src/asl/graph-layout.js';
import type { Graph } from './model.js';

export type Direction = 'DOWN' | 'RIGHT';

export interface PlacedNode {
  id: string;
  /** Relative to the parent group (what @xyflow/react wants). */
  x: number;
  y: number;
  /** Absolute (what an SVG export wants). */
  absX: number;
  absY: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  /** ELK's routes, absolute: points from border to border, and the label's box. */
  edges: Map<string, EdgeLayout>;
  width: number;
  height: number;
}

/** src/asl/graph-layout.ts (which bundles elkjs) is imported on first use, into its own chunk. */
export async function layoutGraph(graph: Graph, direction: Direction): Promise<Layout> {
  const { layoutGraph: layout } = await import('../../../src/asl/graph-layout.js');
  const result = await layout(graph.source, { direction });
  const abs = new Map(result.nodes.map((n) => [n.id, n]));
  const placed = new Map<string, PlacedNode>();
  for (const n of result.nodes) {
    const parent = n.parentId !== undefined ? abs.get(n.parentId) : undefined;
    placed.set(n.id, {
      id: n.id,
      x: n.x - (parent?.x ?? 0),
      y: n.y - (parent?.y ?? 0),
      absX: n.x,
      absY: n.y,
      width: n.width,
      height: n.height,
    });
  }
  const edges = new Map(result.edges.map((e) => [e.id, e]));
  return { nodes: placed, edges, width: result.width, height: result.height };
}

/**
 * Positions for a StateGraph, computed by ELK's layered algorithm with hierarchy (Parallel and Map
 * nodes contain their branch / item-processor groups, which contain their states). Runs in Node and
 * in a browser or worker alike: it imports ELK's self-contained bundle, no DOM, no Node APIs.
 *
 * Every coordinate in the result is absolute (relative to the top-left of the whole drawing), for
 * nodes, containers, edge points and labels alike; `parentId` says which container a node sits in
 * (xyflow wants child positions relative to the parent: subtract the parent's x and y).
 *
 * One departure from ELK: when many Catch edges at the top level share a handler (every Task of a
 * long machine catching into one Fail state), all but the last go on a bus instead of through ELK.
 * In a layered drawing each of those edges spans every layer between its Task and the handler, so
 * they cost O(states²) dummy nodes: a 200-state machine took ELK tens of seconds. The bus is a
 * shared lane beside the drawing (right of it laid out DOWN, below it laid out RIGHT): out of the
 * Task's side, along the lane, into the handler's side, the error names next to the Task.
 */
import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode, StateGraph } from './graph.js';

export type LayoutDirection = 'DOWN' | 'RIGHT';

export interface LayoutOptions {
  direction?: LayoutDirection;
}

export interface Point {
  x: number;
  y: number;
}

export interface NodeLayout {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The container it sits in, as in the graph. */
  parentId?: string;
}

export interface LabelLayout {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeLayout {
  id: string;
  /** From the source's border to the target's border, bends in between. */
  points: Point[];
  label?: LabelLayout;
}

export interface GraphLayout {
  nodes: NodeLayout[];
  edges: EdgeLayout[];
  width: number;
  height: number;
}

/** Font metrics the sizes assume: 13px system sans for states, 11px for edge labels and group titles. */
export const NODE_FONT_SIZE = 13;
export const LABEL_FONT_SIZE = 11;
const NODE_CHAR_WIDTH = 7.4;
const LABEL_CHAR_WIDTH = 6.3;
const NODE_HEIGHT = 40;
const NODE_MIN_WIDTH = 96;
/** Names longer than this are drawn cut short (`fitText`); the box does not grow past it. */
export const NODE_MAX_WIDTH = 300;
const NODE_PADDING_X = 32;
const MARKER_WIDTH = 64;
const MARKER_HEIGHT = 28;
/** Room above a container's children for its title. */
export const CONTAINER_TITLE_HEIGHT = 28;

/** The box a leaf node is drawn in, from its name's length. */
export function nodeSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'Start' || node.kind === 'End') return { width: MARKER_WIDTH, height: MARKER_HEIGHT };
  const width = Math.ceil(node.name.length * NODE_CHAR_WIDTH + NODE_PADDING_X);
  return { width: Math.min(NODE_MAX_WIDTH, Math.max(NODE_MIN_WIDTH, width)), height: NODE_HEIGHT };
}

/** How many characters of `text` fit in `width` pixels at the node font (with "…" when cut). */
export function fitText(text: string, width: number, charWidth = NODE_CHAR_WIDTH): string {
  const room = Math.max(1, Math.floor(width / charWidth));
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function labelSize(text: string): { width: number; height: number } {
  return { width: Math.ceil(text.length * LABEL_CHAR_WIDTH + 8), height: 16 };
}

type ElkConstructor = new (args?: ELKConstructorArguments) => ELK;

/** The bundle is CommonJS: Node hands over `module.exports`, some bundlers `{ default }`. */
function elkConstructor(): ElkConstructor {
  const loaded = ElkModule as unknown as ElkConstructor | { default: ElkConstructor };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

let elkInstance: ELK | undefined;
function elk(): ELK {
  elkInstance ??= new (elkConstructor())();
  return elkInstance;
}

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  // Edges never leave their container in this graph model, so each container is laid out on its
  // own, innermost first: exact for this model and cheaper than one layout across the hierarchy.
  'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.inline': 'false',
  // Keep the definition's order where the algorithm has a free choice (branches left to right).
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  // Absolute coordinates everywhere: the drawing does not have to add up container offsets.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/** Top-level Catch edges into one handler beyond which they go on a bus (see the header). */
export const BUS_FAN_IN = 4;
const BUS_GAP = 24;
const BUS_SPACING = 14;

const CONTAINER_OPTIONS: Record<string, string> = {
  'elk.padding': `[top=${CONTAINER_TITLE_HEIGHT + 8},left=14,bottom=14,right=14]`,
};

interface Tree {
  root: ElkNode;
  elkNodes: Map<string, ElkNode>;
}

function elkTree(graph: StateGraph, direction: LayoutDirection): Tree {
  const childrenOf = new Map<string | undefined, GraphNode[]>();
  for (const node of graph.nodes) {
    const siblings = childrenOf.get(node.parentId);
    if (siblings === undefined) childrenOf.set(node.parentId, [node]);
    else siblings.push(node);
  }
  const elkNodes = new Map<string, ElkNode>();
  const build = (node: GraphNode): ElkNode => {
    const children = childrenOf.get(node.id);
    const elkNode: ElkNode =
      children === undefined
        ? { id: node.id, ...nodeSize(node) }
        : {
            id: node.id,
            layoutOptions: { ...CONTAINER_OPTIONS, 'elk.direction': direction },
            children: children.map(build),
            edges: [],
          };
    elkNodes.set(node.id, elkNode);
    return elkNode;
  };
  const root: ElkNode = {
    id: '__root__',
    layoutOptions: { ...ROOT_OPTIONS, 'elk.direction': direction },
    children: (childrenOf.get(undefined) ?? []).map(build),
    edges: [],
  };
  return { root, elkNodes };
}

function elkEdge(edge: GraphEdge): ElkExtendedEdge {
  const elkEdgeValue: ElkExtendedEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
  if (edge.label !== undefined) {
    const label: ElkLabel = { id: `${edge.id}#label`, text: edge.label, ...labelSize(edge.label) };
    elkEdgeValue.labels = [label];
  }
  return elkEdgeValue;
}

/** Lays the graph out; resolves to absolute positions of every node, edge and edge label. */
export async function layoutGraph(graph: StateGraph, options: LayoutOptions = {}): Promise<GraphLayout> {
  const direction = options.direction ?? 'DOWN';
  const { root, elkNodes } = elkTree(graph, direction);
  const parentOf = new Map(graph.nodes.map((node) => [node.id, node.parentId]));
  const buses = busCatches(graph, parentOf);
  const bussed = new Set([...buses.values()].flat().map((edge) => edge.id));
  for (const edge of graph.edges) {
    if (!parentOf.has(edge.source) || !parentOf.has(edge.target) || bussed.has(edge.id)) continue;
    // An edge belongs in the container holding both ends; in this model both ends share a parent.
    const container = lowestCommonContainer(edge.source, edge.target, parentOf);
    const owner = container === undefined ? root : elkNodes.get(container);
    (owner?.edges ?? (root.edges as ElkExtendedEdge[])).push(elkEdge(edge));
  }

  const result = await elk().layout(root);

  const placed = new Map<string, ElkNode>();
  const edgesPlaced = new Map<string, ElkExtendedEdge>();
  const visit = (node: ElkNode): void => {
    for (const edge of node.edges ?? []) edgesPlaced.set(edge.id, edge);
    for (const child of node.children ?? []) {
      placed.set(child.id, child);
      visit(child);
    }
  };
  visit(result);

  const nodes: NodeLayout[] = [];
  for (const node of graph.nodes) {
    const at = placed.get(node.id);
    if (at === undefined) continue;
    const layout: NodeLayout = {
      id: node.id,
      x: at.x ?? 0,
      y: at.y ?? 0,
      width: at.width ?? 0,
      height: at.height ?? 0,
    };
    if (node.parentId !== undefined) layout.parentId = node.parentId;
    nodes.push(layout);
  }
  const edges: EdgeLayout[] = [];
  for (const edge of graph.edges) {
    const at = edgesPlaced.get(edge.id);
    if (at === undefined) continue;
    const points: Point[] = [];
    for (const section of at.sections ?? []) {
      for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) {
        const last = points.at(-1);
        if (last === undefined || last.x !== point.x || last.y !== point.y) points.push({ x: point.x, y: point.y });
      }
    }
    const layout: EdgeLayout = { id: edge.id, points };
    const label = at.labels?.[0];
    if (label !== undefined && edge.label !== undefined) {
      layout.label = {
        text: edge.label,
        x: label.x ?? 0,
        y: label.y ?? 0,
        width: label.width ?? 0,
        height: label.height ?? 0,
      };
    }
    edges.push(layout);
  }
  const laid: GraphLayout = { nodes, edges, width: result.width ?? 0, height: result.height ?? 0 };
  if (buses.size > 0) routeBuses(laid, buses, direction);
  // Back in the graph's edge order.
  const order = new Map(graph.edges.map((edge, i) => [edge.id, i]));
  laid.edges.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return laid;
}

/** Top-level handlers with BUS_FAN_IN or more Catch edges → the edges to put on a bus (all but the last). */
function busCatches(graph: StateGraph, parentOf: Map<string, string | undefined>): Map<string, GraphEdge[]> {
  const byTarget = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    if (edge.kind !== 'catch' || parentOf.get(edge.source) !== undefined || !parentOf.has(edge.target)) continue;
    if (!parentOf.has(edge.source)) continue;
    const list = byTarget.get(edge.target);
    if (list === undefined) byTarget.set(edge.target, [edge]);
    else list.push(edge);
  }
  const buses = new Map<string, GraphEdge[]>();
  // The last one stays with ELK, so that the handler is still placed after the states it catches for.
  for (const [target, list] of byTarget) if (list.length >= BUS_FAN_IN) buses.set(target, list.slice(0, -1));
  return buses;
}

function routeBuses(layout: GraphLayout, buses: Map<string, GraphEdge[]>, direction: LayoutDirection): void {
  const box = new Map(layout.nodes.map((node) => [node.id, node]));
  const top = layout.nodes.filter((node) => node.parentId === undefined);
  const right = Math.max(0, ...top.map((node) => node.x + node.width));
  const bottom = Math.max(0, ...top.map((node) => node.y + node.height));
  let lane = 0;
  for (const [target, list] of buses) {
    const to = box.get(target);
    if (to === undefined) continue;
    for (const edge of list) {
      const from = box.get(edge.source);
      if (from === undefined) continue;
      const routed: EdgeLayout = { id: edge.id, points: [] };
      const size = edge.label === undefined ? undefined : labelSize(edge.label);
      if (direction === 'DOWN') {
        const busX = right + BUS_GAP + lane * BUS_SPACING;
        const fromY = from.y + from.height / 2;
        const toY = to.y + to.height / 2;
        routed.points = [
          { x: from.x + from.width, y: fromY },
          { x: busX, y: fromY },
          { x: busX, y: toY },
          { x: to.x + to.width, y: toY },
        ];
        if (size !== undefined && edge.label !== undefined)
          routed.label = { text: edge.label, x: from.x + from.width + 6, y: fromY - size.height - 2, ...size };
        layout.width = Math.max(layout.width, busX + BUS_GAP);
      } else {
        const busY = bottom + BUS_GAP + lane * BUS_SPACING;
        const fromX = from.x + from.width / 2;
        const toX = to.x + to.width / 2;
        routed.points = [
          { x: fromX, y: from.y + from.height },
          { x: fromX, y: busY },
          { x: toX, y: busY },
          { x: toX, y: to.y + to.height },
        ];
        if (size !== undefined && edge.label !== undefined)
          routed.label = { text: edge.label, x: fromX + 4, y: from.y + from.height + 4, ...size };
        layout.height = Math.max(layout.height, busY + BUS_GAP);
      }
      if (routed.label !== undefined) layout.width = Math.max(layout.width, routed.label.x + routed.label.width + 8);
      layout.edges.push(routed);
    }
    lane++;
  }
}

function lowestCommonContainer(a: string, b: string, parentOf: Map<string, string | undefined>): string | undefined {
  const ancestors = new Set<string>();
  for (let p = parentOf.get(a); p !== undefined; p = parentOf.get(p)) ancestors.add(p);
  for (let p = parentOf.get(b); p !== undefined; p = parentOf.get(p)) if (ancestors.has(p)) return p;
  return undefined;
}

import {
  Background,
  BaseEdge,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { StatusLabels, type StateStatus } from '../history.js';
import { layoutGraph, type Direction, type Layout } from './layout.js';
import type { Graph, GraphNode } from './model.js';
import { download, graphToSvg, svgToPng } from './svg.js';

interface NodeData extends Record<string, unknown> {
  node: GraphNode;
  status?: StateStatus;
  direction: Direction;
  selected: boolean;
  /** What the state's task waits for (a task token, an activity worker), when it does. */
  waiting?: string;
}

/** The eight state types, each with its colour (a stripe on the node) and a mark, shown in the legend. */
export const StateTypes = ['Task', 'Choice', 'Map', 'Parallel', 'Wait', 'Pass', 'Succeed', 'Fail'] as const;
export type StateTypeName = (typeof StateTypes)[number];
export const StateTypeMarks: Record<StateTypeName, string> = {
  Task: '⚙',
  Choice: '◇',
  Map: '⊞',
  Parallel: '∥',
  Wait: '◷',
  Pass: '→',
  Succeed: '✓',
  Fail: '✕',
};
const typeClass = (type: string | undefined) => (type ? ` type-${type.toLowerCase()}` : '');
const typeMark = (type: string | undefined) =>
  type && type in StateTypeMarks ? StateTypeMarks[type as StateTypeName] : '';

/**
 * The smallest zoom a graph opens at: node labels are 12.5 px, so at 0.9 they render at 11.25 px. A
 * graph wider than the canvas at this zoom opens at it anyway and scrolls; Fit shows it all.
 */
export const READABLE_ZOOM = 0.9;

function Handles({ direction }: { direction: Direction }) {
  return (
    <>
      <Handle type="target" position={direction === 'DOWN' ? Position.Top : Position.Left} isConnectable={false} />
      <Handle type="source" position={direction === 'DOWN' ? Position.Bottom : Position.Right} isConnectable={false} />
    </>
  );
}

const StateNode = memo(function StateNode({ data }: NodeProps<Node<NodeData>>) {
  const status = data.status ?? 'NOT_REACHED';
  return (
    <div
      className={`flow-state status-${status.toLowerCase().replace('_', '-')}${typeClass(data.node.stateType)}${data.selected ? ' is-selected' : ''}${data.waiting ? ' is-waiting' : ''}`}
      data-state={data.node.stateName}
      data-status={status}
      data-state-type={data.node.stateType}
      data-waiting={data.waiting}
      title={`${data.node.label} (${data.node.stateType}): ${StatusLabels[status]}${data.waiting ? `, waits for ${data.waiting}` : ''}`}
    >
      <Handles direction={data.direction} />
      <span className="flow-state-name">{data.node.label}</span>
      <span className="flow-state-type">
        <span className="type-mark" aria-hidden="true">
          {typeMark(data.node.stateType)}
        </span>{' '}
        {data.waiting ? 'waiting' : data.node.stateType}
      </span>
    </div>
  );
});

const GroupNode = memo(function GroupNode({ data }: NodeProps<Node<NodeData>>) {
  const status = data.node.stateType ? (data.status ?? 'NOT_REACHED') : undefined;
  return (
    <div
      className={`flow-group${data.node.stateType ? ' is-state' : ' is-branch'}${status ? ` status-${status.toLowerCase().replace('_', '-')}` : ''}${typeClass(data.node.stateType)}${data.selected ? ' is-selected' : ''}`}
      data-state={data.node.stateName}
      data-status={status}
      data-state-type={data.node.stateType}
    >
      <Handles direction={data.direction} />
      <div className="flow-group-label">
        {data.node.stateType && (
          <span className="type-mark" aria-hidden="true">
            {typeMark(data.node.stateType)}{' '}
          </span>
        )}
        {data.node.label}
        {data.node.stateType && <span className="flow-state-type"> {data.node.stateType}</span>}
      </div>
    </div>
  );
});

const TerminalNode = memo(function TerminalNode({ data }: NodeProps<Node<NodeData>>) {
  return (
    <div className={`flow-terminal flow-${data.node.kind}`} data-terminal={data.node.kind}>
      <Handles direction={data.direction} />
      {data.node.label}
    </div>
  );
});

const nodeTypes = { state: StateNode, group: GroupNode, terminal: TerminalNode };

interface EdgeData extends Record<string, unknown> {
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
  kind: string;
}

/** An edge along ELK's route (absolute points, which is xyflow's coordinate space too). */
function ElkEdge({ data, markerEnd, sourceX, sourceY, targetX, targetY }: EdgeProps<Edge<EdgeData>>) {
  const points = data?.points.length
    ? data.points
    : [
        { x: sourceX, y: sourceY },
        { x: targetX, y: targetY },
      ];
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} />
      {data?.label && (
        <EdgeLabelRenderer>
          <div
            className={`flow-edge-label label-${data.kind}`}
            style={{ transform: `translate(${data.label.x}px, ${data.label.y}px)`, minWidth: data.label.width }}
          >
            {data.label.text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const edgeTypes = { elk: ElkEdge };

export interface GraphViewProps {
  graph: Graph;
  statuses?: Map<string, StateStatus>;
  selectedState?: string;
  onSelectState?: (name: string) => void;
  /** File name (without extension) for exports. */
  exportName?: string;
  /** The canvas's largest height (px); a smaller graph gets a canvas its own height. */
  height?: number;
  /** State name → what its task waits for ("a task token", "an activity worker"). */
  waiting?: Map<string, string>;
}

export function GraphView(props: GraphViewProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
}

function GraphCanvas({
  graph,
  statuses,
  selectedState,
  onSelectState,
  exportName = 'state-machine',
  height = 520,
  waiting,
}: GraphViewProps) {
  const [direction, setDirection] = useState<Direction>('DOWN');
  const [layout, setLayout] = useState<{ graph: Graph; direction: Direction; layout: Layout } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const flow = useReactFlow();
  const canvas = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState<number | undefined>();
  /** The layout the viewport was last set up for (a selection pans only once it is). */
  const [framed, setFramed] = useState<Layout | undefined>();

  useEffect(() => {
    let live = true;
    layoutGraph(graph, direction).then(
      (result) => {
        if (!live) return;
        setLayout({ graph, direction, layout: result });
        setError(undefined);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [graph, direction]);

  /** Fit the width, but no smaller than READABLE_ZOOM (then the rest scrolls), and no larger than 1. */
  const readable = useCallback(() => {
    const el = canvas.current;
    if (!layout || !el) return;
    const pad = 16;
    const fitWidth = (el.clientWidth - 2 * pad) / Math.max(1, layout.layout.width);
    const z = Math.min(1, Math.max(READABLE_ZOOM, fitWidth));
    const x = layout.layout.width * z + 2 * pad < el.clientWidth ? (el.clientWidth - layout.layout.width * z) / 2 : pad;
    void flow.setViewport({ x, y: pad, zoom: z }, { duration: 0 });
    setZoom(z);
    setFramed(layout.layout);
  }, [layout, flow]);

  useEffect(() => {
    if (layout) requestAnimationFrame(readable);
  }, [layout, readable]);

  // A state selected elsewhere (the table view, a link) that lies outside the canvas: pan to it.
  useEffect(() => {
    const el = canvas.current;
    if (!layout || !el || !selectedState || framed !== layout.layout) return;
    const graphNode = layout.graph.nodes.find((n) => n.stateName === selectedState);
    const placed = graphNode && layout.layout.nodes.get(graphNode.id);
    if (!placed) return;
    const { x, y, zoom: z } = flow.getViewport();
    const left = placed.absX * z + x;
    const top = placed.absY * z + y;
    const inside =
      left >= 0 && top >= 0 && left + placed.width * z <= el.clientWidth && top + placed.height * z <= el.clientHeight;
    if (!inside)
      void flow.setCenter(placed.absX + placed.width / 2, placed.absY + placed.height / 2, { zoom: z, duration: 0 });
  }, [layout, selectedState, flow, framed]);

  /** As tall as the graph at its readable zoom, up to `height`; what does not fit scrolls. */
  const canvasHeight = layout
    ? Math.max(220, Math.min(height, Math.ceil(layout.layout.height * Math.max(READABLE_ZOOM, zoom ?? 1)) + 40))
    : height;

  const nodes = useMemo<Node<NodeData>[]>(() => {
    if (!layout) return [];
    return layout.graph.nodes.flatMap((node) => {
      const p = layout.layout.nodes.get(node.id);
      if (!p) return [];
      const type = node.kind === 'group' ? 'group' : node.kind === 'state' ? 'state' : 'terminal';
      return [
        {
          id: node.id,
          type,
          position: { x: p.x, y: p.y },
          parentId: node.parentId,
          draggable: false,
          selectable: node.kind !== 'start' && node.kind !== 'end' && Boolean(node.stateName),
          focusable: Boolean(node.stateName),
          ariaLabel: node.stateName
            ? `${node.stateName}: ${StatusLabels[(node.stateName && statuses?.get(node.stateName)) || 'NOT_REACHED']}`
            : undefined,
          style: { width: p.width, height: p.height },
          data: {
            node,
            status: node.stateName ? statuses?.get(node.stateName) : undefined,
            direction: layout.direction,
            selected: node.stateName !== undefined && node.stateName === selectedState,
            waiting: node.stateName ? waiting?.get(node.stateName) : undefined,
          },
        },
      ];
    });
  }, [layout, statuses, selectedState, waiting]);

  const edges = useMemo<Edge<EdgeData>[]>(() => {
    if (!layout) return [];
    return layout.graph.edges.map((e): Edge<EdgeData> => ({
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'elk',
      data: {
        points: layout.layout.edges.get(e.id)?.points ?? [],
        label: layout.layout.edges.get(e.id)?.label,
        kind: e.kind,
      },
      className: `flow-edge edge-${e.kind}`,
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      focusable: false,
      selectable: false,
      zIndex: 1,
    }));
  }, [layout]);

  const exportAs = async (format: 'svg' | 'png') => {
    if (!layout) return;
    const dark = document.documentElement.dataset.theme === 'dark';
    const svg = graphToSvg(layout.graph, layout.layout, layout.direction, statuses, dark);
    if (format === 'svg') download(`${exportName}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
    else download(`${exportName}.png`, await svgToPng(svg));
  };

  return (
    <div className="graph">
      <div className="graph-toolbar" role="toolbar" aria-label="Graph">
        <button type="button" onClick={() => void flow.zoomIn()} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => void flow.zoomOut()} aria-label="Zoom out">
          -
        </button>
        <button
          type="button"
          onClick={() => void flow.fitView({ padding: 0.08, maxZoom: 1 })}
          title="Show the whole graph"
        >
          Fit
        </button>
        <button type="button" onClick={readable} title="Fit the width at a readable size">
          Readable size
        </button>
        <button
          type="button"
          onClick={() => setDirection(direction === 'DOWN' ? 'RIGHT' : 'DOWN')}
          aria-pressed={direction === 'RIGHT'}
        >
          {direction === 'DOWN' ? 'Horizontal' : 'Vertical'}
        </button>
        <button type="button" onClick={() => void exportAs('svg')}>
          Export SVG
        </button>
        <button type="button" onClick={() => void exportAs('png')}>
          Export PNG
        </button>
        <ul className="legend legend-types" aria-label="State types">
          {StateTypes.map((t) => (
            <li key={t} data-legend-type={t}>
              <span className={`type-swatch${typeClass(t)}`} aria-hidden="true">
                {StateTypeMarks[t]}
              </span>{' '}
              {t}
            </li>
          ))}
        </ul>
        {statuses && (
          <ul className="legend" aria-label="Legend">
            {(Object.keys(StatusLabels) as StateStatus[]).map((s) => (
              <li key={s}>
                <span className={`swatch status-${s.toLowerCase().replace('_', '-')}`} /> {StatusLabels[s]}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div
        className="graph-canvas"
        ref={canvas}
        style={{ height: canvasHeight }}
        data-testid="graph"
        data-laid-out={layout && zoom !== undefined ? 'true' : 'false'}
        data-zoom={zoom}
      >
        {error && <p className="error">Layout failed: {error}</p>}
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesConnectable={false}
          nodesDraggable={false}
          elementsSelectable
          minZoom={0.1}
          maxZoom={2}
          panOnScroll
          onMoveEnd={(_event, viewport) => setZoom(viewport.zoom)}
          proOptions={{ hideAttribution: true }}
          onNodeClick={(_event, node) => {
            const name = (node.data as NodeData).node.stateName;
            if (name) onSelectState?.(name);
          }}
          onSelectionChange={({ nodes: selected }) => {
            const name = selected[0] ? (selected[0].data as NodeData).node.stateName : undefined;
            if (name && name !== selectedState) onSelectState?.(name);
          }}
        >
          <Background gap={20} size={1} />
        </ReactFlow>
      </div>
    </div>
  );
}

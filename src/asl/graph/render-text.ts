/**
 * The graph as Mermaid flowchart text and as Graphviz dot: Parallel/Map states become subgraphs
 * (clusters) holding one per branch / item processor, Catch edges are dashed and labelled with the
 * error names, Choice edges with their rule. Pure string building, usable in the browser too.
 */
import type { GraphEdge, GraphNode, GraphNodeKind, StateGraph } from '../graph.js';

export type TextDirection = 'DOWN' | 'RIGHT';

/** Fill and stroke per state type, shared by every renderer (readable on a light background). */
export const KIND_COLOURS: Record<GraphNodeKind, { fill: string; stroke: string; text: string }> = {
  Task: { fill: '#e6f0fb', stroke: '#2f6fb3', text: '#10243d' },
  Pass: { fill: '#eef0f3', stroke: '#6b7280', text: '#1f2937' },
  Choice: { fill: '#fff3dc', stroke: '#b7791f', text: '#3d2a06' },
  Wait: { fill: '#f1eafb', stroke: '#7c4dbd', text: '#2a1748' },
  Succeed: { fill: '#e4f5e9', stroke: '#2e8b57', text: '#0f2f1d' },
  Fail: { fill: '#fde8e8', stroke: '#c0392b', text: '#461410' },
  Parallel: { fill: '#f7f8fa', stroke: '#8a94a6', text: '#374151' },
  Map: { fill: '#f7f8fa', stroke: '#8a94a6', text: '#374151' },
  Start: { fill: '#374151', stroke: '#374151', text: '#ffffff' },
  End: { fill: '#374151', stroke: '#374151', text: '#ffffff' },
};

interface Tree {
  children: Map<string | undefined, GraphNode[]>;
  /** Short identifiers (n0, n1...) every renderer can use whatever the state names contain. */
  short: Map<string, string>;
}

function treeOf(graph: StateGraph): Tree {
  const children = new Map<string | undefined, GraphNode[]>();
  const short = new Map<string, string>();
  graph.nodes.forEach((node, i) => {
    short.set(node.id, `n${i}`);
    const siblings = children.get(node.parentId);
    if (siblings === undefined) children.set(node.parentId, [node]);
    else siblings.push(node);
  });
  return { children, short };
}

function containerTitle(node: GraphNode): string {
  return node.group === undefined ? `${node.name} (${node.kind})` : node.name;
}

// ---- Mermaid -----------------------------------------------------------------------------------

/** Text inside a quoted Mermaid label: quotes and the characters Mermaid reads as syntax become entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[#"|<>]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\s+/g, ' ');
}

function mermaidShape(node: GraphNode, id: string): string {
  const text = `"${mermaidText(node.name)}"`;
  switch (node.kind) {
    case 'Start':
    case 'End':
      return `${id}((${text}))`;
    case 'Choice':
      return `${id}{${text}}`;
    case 'Succeed':
    case 'Fail':
      return `${id}([${text}])`;
    case 'Wait':
      return `${id}[/${text}/]`;
    case 'Task':
    case 'Pass':
    case 'Map':
    case 'Parallel':
      return `${id}[${text}]`;
  }
}

export function toMermaid(graph: StateGraph, direction: TextDirection = 'DOWN'): string {
  const { children, short } = treeOf(graph);
  const lines = [`flowchart ${direction === 'DOWN' ? 'TD' : 'LR'}`];
  const classes = new Map<string, string[]>();
  const write = (parentId: string | undefined, indent: string): void => {
    for (const node of children.get(parentId) ?? []) {
      const id = short.get(node.id) as string;
      if (children.has(node.id)) {
        lines.push(`${indent}subgraph ${id}["${mermaidText(containerTitle(node))}"]`);
        if (node.group === undefined) lines.push(`${indent}  direction ${direction === 'DOWN' ? 'LR' : 'TB'}`);
        else lines.push(`${indent}  direction ${direction === 'DOWN' ? 'TB' : 'LR'}`);
        write(node.id, `${indent}  `);
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${mermaidShape(node, id)}`);
      }
      const cls = node.group === undefined ? node.kind.toLowerCase() : 'group';
      classes.set(cls, [...(classes.get(cls) ?? []), id]);
    }
  };
  write(undefined, '  ');
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'catch' ? '-.->' : '-->';
    const label = edge.label === undefined ? '' : `|"${mermaidText(edge.label)}"|`;
    lines.push(`  ${short.get(edge.source)} ${arrow}${label} ${short.get(edge.target)}`);
  }
  for (const [kind, colours] of Object.entries(KIND_COLOURS)) {
    if (classes.has(kind.toLowerCase()))
      lines.push(
        `  classDef ${kind.toLowerCase()} fill:${colours.fill},stroke:${colours.stroke},color:${colours.text}`,
      );
  }
  if (classes.has('group')) lines.push('  classDef group fill:#ffffff,stroke:#c3c9d4,stroke-dasharray:4 3');
  for (const [cls, ids] of classes) lines.push(`  class ${ids.join(',')} ${cls}`);
  return `${lines.join('\n')}\n`;
}

// ---- Graphviz dot ------------------------------------------------------------------------------

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function dotNodeAttributes(node: GraphNode): string {
  const colours = KIND_COLOURS[node.kind];
  const shape = node.kind === 'Start' || node.kind === 'End' ? 'ellipse' : node.kind === 'Choice' ? 'diamond' : 'box';
  const style = node.kind === 'Choice' || shape === 'ellipse' ? 'filled' : 'rounded,filled';
  const tooltip = node.resource ?? node.comment;
  return [
    `label=${dotString(node.name)}`,
    `shape=${shape}`,
    `style=${dotString(style)}`,
    `fillcolor=${dotString(colours.fill)}`,
    `color=${dotString(colours.stroke)}`,
    `fontcolor=${dotString(colours.text)}`,
    ...(tooltip === undefined ? [] : [`tooltip=${dotString(tooltip)}`]),
  ].join(', ');
}

export function toDot(graph: StateGraph, direction: TextDirection = 'DOWN'): string {
  const { children, short } = treeOf(graph);
  const lines = [
    'digraph StateMachine {',
    `  rankdir=${direction === 'DOWN' ? 'TB' : 'LR'};`,
    '  compound=true;',
    '  fontname="Helvetica,Arial,sans-serif";',
    '  node [fontname="Helvetica,Arial,sans-serif", fontsize=12];',
    '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=10, color="#4b5563"];',
  ];
  // Edges cannot end on a cluster: they end on a node inside it, clipped at the border (lhead/ltail).
  const entry = new Map<string, string>();
  const exit = new Map<string, string>();
  const anchors = (id: string): { first: string; last: string } | undefined => {
    const inside = children.get(id);
    if (inside === undefined || inside.length === 0) return undefined;
    const firstGroup = inside[0] as GraphNode;
    const groupChildren = children.get(firstGroup.id) ?? [];
    const start = groupChildren.find((n) => n.kind === 'Start') ?? firstGroup;
    const end = groupChildren.find((n) => n.kind === 'End') ?? firstGroup;
    return { first: start.id, last: end.id };
  };
  const write = (parentId: string | undefined, indent: string): void => {
    for (const node of children.get(parentId) ?? []) {
      const id = short.get(node.id) as string;
      if (children.has(node.id)) {
        const colours = KIND_COLOURS[node.kind];
        lines.push(`${indent}subgraph cluster_${id} {`);
        lines.push(`${indent}  label=${dotString(containerTitle(node))};`);
        lines.push(`${indent}  style=${node.group === undefined ? '"rounded,filled"' : '"rounded,dashed"'};`);
        lines.push(`${indent}  color=${dotString(node.group === undefined ? colours.stroke : '#c3c9d4')};`);
        lines.push(`${indent}  fillcolor=${dotString(node.group === undefined ? colours.fill : '#ffffff')};`);
        write(node.id, `${indent}  `);
        lines.push(`${indent}}`);
        const ends = anchors(node.id);
        if (ends !== undefined) {
          entry.set(node.id, ends.first);
          exit.set(node.id, ends.last);
        }
      } else {
        lines.push(`${indent}${id} [${dotNodeAttributes(node)}];`);
      }
    }
  };
  write(undefined, '  ');
  for (const edge of graph.edges) lines.push(`  ${dotEdge(edge, short, entry, exit)}`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotEdge(
  edge: GraphEdge,
  short: Map<string, string>,
  entry: Map<string, string>,
  exit: Map<string, string>,
): string {
  const attributes: string[] = [];
  let source = edge.source;
  let target = edge.target;
  const out = exit.get(source);
  if (out !== undefined) {
    attributes.push(`ltail=cluster_${short.get(source)}`);
    source = out;
  }
  const into = entry.get(target);
  if (into !== undefined) {
    attributes.push(`lhead=cluster_${short.get(target)}`);
    target = into;
  }
  if (edge.label !== undefined) attributes.push(`label=${dotString(edge.label)}`);
  if (edge.kind === 'catch') attributes.push('style=dashed', 'color="#c0392b"', 'fontcolor="#c0392b"');
  if (edge.kind === 'default') attributes.push('style=bold');
  const list = attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`;
  return `${short.get(source)} -> ${short.get(target)}${list};`;
}

/**
 * A self-contained SVG of a laid-out graph: boxes coloured by state type, Parallel/Map containers
 * with their branch and item-processor groups, arrows, Choice and Catch labels, dashed Catch edges.
 * System fonts only (no external resources), readable on a light background. Pure string building.
 */
import type { GraphNode, StateGraph } from '../graph.js';
import {
  CONTAINER_TITLE_HEIGHT,
  LABEL_FONT_SIZE,
  NODE_FONT_SIZE,
  fitText,
  type GraphLayout,
  type Point,
} from '../graph-layout.js';
import { KIND_COLOURS } from './render-text.js';

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const EDGE_COLOUR = '#4b5563';
const CATCH_COLOUR = '#c0392b';
const CHOICE_LABEL_COLOUR = '#7a4f01';

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function path(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)} ${n(p.y)}`).join(' ');
}

function tooltip(node: GraphNode): string {
  const lines = [`${node.name} (${node.kind})`];
  if (node.resource !== undefined) lines.push(node.resource);
  if (node.comment !== undefined) lines.push(node.comment);
  return `<title>${escapeXml(lines.join('\n'))}</title>`;
}

export function renderSvg(graph: StateGraph, layout: GraphLayout): string {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edgesById = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`,
    '<defs>',
    `<marker id="sw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${EDGE_COLOUR}"/></marker>`,
    `<marker id="sw-arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${CATCH_COLOUR}"/></marker>`,
    '</defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];

  // Containers first (outermost first, as the layout lists them), then edges, then leaf nodes on top.
  const leaves: string[] = [];
  const containerIds = new Set(graph.nodes.map((node) => node.parentId).filter((id): id is string => id !== undefined));
  for (const box of layout.nodes) {
    const node = nodes.get(box.id);
    if (node === undefined) continue;
    const colours = KIND_COLOURS[node.kind];
    const attrs = `data-id="${escapeXml(node.id)}" data-kind="${node.kind}"`;
    if (containerIds.has(node.id)) {
      const group = node.group !== undefined;
      const title = group ? node.name : `${node.name} · ${node.kind}`;
      out.push(
        `<g class="container" ${attrs}>${tooltip(node)}` +
          `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="8" fill="${group ? '#ffffff' : colours.fill}" stroke="${group ? '#c3c9d4' : colours.stroke}" stroke-width="${group ? 1 : 1.5}"${group ? ' stroke-dasharray="5 4"' : ''}/>` +
          `<text x="${n(box.x + 10)}" y="${n(box.y + CONTAINER_TITLE_HEIGHT / 2 + 4)}" font-size="${LABEL_FONT_SIZE + 1}" font-weight="${group ? 400 : 600}" fill="${colours.text}">${escapeXml(fitText(title, box.width - 20))}</text></g>`,
      );
      continue;
    }
    const marker = node.kind === 'Start' || node.kind === 'End';
    const radius = marker ? box.height / 2 : node.kind === 'Choice' ? 14 : 6;
    leaves.push(
      `<g class="node" ${attrs}>${tooltip(node)}` +
        `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="${radius}" fill="${colours.fill}" stroke="${colours.stroke}" stroke-width="1.5"/>` +
        `<text x="${n(box.x + box.width / 2)}" y="${n(box.y + box.height / 2)}" dominant-baseline="central" text-anchor="middle" font-size="${marker ? LABEL_FONT_SIZE : NODE_FONT_SIZE}" fill="${colours.text}">${escapeXml(fitText(node.name, box.width - 16))}</text></g>`,
    );
  }

  const labels: string[] = [];
  for (const laid of layout.edges) {
    const edge = edgesById.get(laid.id);
    if (edge === undefined || laid.points.length < 2) continue;
    const isCatch = edge.kind === 'catch';
    const colour = isCatch ? CATCH_COLOUR : EDGE_COLOUR;
    out.push(
      `<path class="edge edge-${edge.kind}" data-id="${escapeXml(edge.id)}" d="${path(laid.points)}" fill="none" stroke="${colour}" stroke-width="1.3"${isCatch ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#${isCatch ? 'sw-arrow-catch' : 'sw-arrow'})"/>`,
    );
    if (laid.label !== undefined) {
      const { x, y, width: w, height: h, text } = laid.label;
      const fill = isCatch ? CATCH_COLOUR : edge.kind === 'default' ? EDGE_COLOUR : CHOICE_LABEL_COLOUR;
      const full = edge.fullLabel === undefined ? '' : `<title>${escapeXml(edge.fullLabel)}</title>`;
      labels.push(
        `<g class="edge-label">${full}<rect x="${n(x - 2)}" y="${n(y)}" width="${n(w + 4)}" height="${n(h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>` +
          `<text x="${n(x + w / 2)}" y="${n(y + h / 2)}" dominant-baseline="central" text-anchor="middle" font-size="${LABEL_FONT_SIZE}"${edge.kind === 'default' ? ' font-style="italic"' : ''} fill="${fill}">${escapeXml(text)}</text></g>`,
      );
    }
  }
  out.push(...leaves, ...labels, '</svg>');
  return `${out.join('\n')}\n`;
}

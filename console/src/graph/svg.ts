/** A standalone SVG of a laid-out graph (for "Export SVG" and, through a canvas, "Export PNG"). */
import type { StateStatus } from '../history.js';
import type { Direction, Layout } from './layout.js';
import type { Graph } from './model.js';

const palette = {
  light: {
    bg: '#ffffff',
    fg: '#16181d',
    muted: '#5b6270',
    border: '#9aa3b2',
    group: '#f3f5f9',
    edge: '#6b7280',
    catch: '#c2410c',
  },
  dark: {
    bg: '#15171c',
    fg: '#e8eaf0',
    muted: '#a3aab8',
    border: '#555d6e',
    group: '#1d2027',
    edge: '#9aa3b2',
    catch: '#fb923c',
  },
};
export const statusFill: Record<StateStatus, { light: string; dark: string }> = {
  IN_PROGRESS: { light: '#dbeafe', dark: '#1e3a6e' },
  SUCCEEDED: { light: '#dcfce7', dark: '#14532d' },
  FAILED: { light: '#fee2e2', dark: '#7f1d1d' },
  CAUGHT_ERROR: { light: '#ffedd5', dark: '#7c2d12' },
  ABORTED: { light: '#e5e7eb', dark: '#374151' },
  NOT_REACHED: { light: '#ffffff', dark: '#23262e' },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function graphToSvg(
  graph: Graph,
  layout: Layout,
  _direction: Direction,
  statuses: Map<string, StateStatus> | undefined,
  dark: boolean,
): string {
  const c = dark ? palette.dark : palette.light;
  const pad = 20;
  const w = Math.ceil(layout.width + pad * 2);
  const h = Math.ceil(layout.height + pad * 2);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, sans-serif" font-size="13">`,
  );
  out.push(
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${c.edge}"/></marker></defs>`,
  );
  out.push(`<rect width="100%" height="100%" fill="${c.bg}"/>`);
  out.push(`<g transform="translate(${pad},${pad})">`);
  for (const node of graph.nodes) {
    const p = layout.nodes.get(node.id);
    if (!p) continue;
    const status = node.stateName ? statuses?.get(node.stateName) : undefined;
    const fill = status ? statusFill[status][dark ? 'dark' : 'light'] : node.kind === 'group' ? c.group : c.bg;
    if (node.kind === 'start' || node.kind === 'end') {
      out.push(
        `<rect x="${p.absX}" y="${p.absY}" width="${p.width}" height="${p.height}" rx="${p.height / 2}" fill="${c.fg}"/>`,
      );
      out.push(
        `<text x="${p.absX + p.width / 2}" y="${p.absY + p.height / 2 + 4}" text-anchor="middle" fill="${c.bg}">${esc(node.label)}</text>`,
      );
    } else if (node.kind === 'group') {
      out.push(
        `<rect x="${p.absX}" y="${p.absY}" width="${p.width}" height="${p.height}" rx="8" fill="${fill}" fill-opacity="${status ? 0.45 : 1}" stroke="${c.border}" stroke-dasharray="${node.stateType ? '' : '4 3'}"/>`,
      );
      out.push(
        `<text x="${p.absX + 12}" y="${p.absY + 20}" fill="${c.fg}" font-weight="600">${esc(node.label)}${node.stateType ? ` <tspan fill="${c.muted}" font-weight="400">${esc(node.stateType)}</tspan>` : ''}</text>`,
      );
    } else {
      out.push(
        `<rect x="${p.absX}" y="${p.absY}" width="${p.width}" height="${p.height}" rx="6" fill="${fill}" stroke="${c.border}"/>`,
      );
      out.push(
        `<text x="${p.absX + p.width / 2}" y="${p.absY + 18}" text-anchor="middle" fill="${c.fg}" font-weight="600">${esc(node.label)}</text>`,
      );
      out.push(
        `<text x="${p.absX + p.width / 2}" y="${p.absY + 33}" text-anchor="middle" fill="${c.muted}" font-size="11">${esc(node.stateType ?? '')}</text>`,
      );
    }
  }
  for (const edge of graph.edges) {
    const route = layout.edges.get(edge.id);
    if (!route || route.points.length < 2) continue;
    const colour = edge.kind === 'catch' ? c.catch : c.edge;
    const d = route.points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.4" ${edge.kind === 'catch' ? 'stroke-dasharray="6 4"' : ''} marker-end="url(#arrow)"/>`,
    );
    if (route.label)
      out.push(
        `<text x="${route.label.x}" y="${route.label.y + route.label.height - 4}" fill="${colour}" font-size="11">${esc(route.label.text)}</text>`,
      );
  }
  out.push('</g></svg>');
  return out.join('\n');
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function svgToPng(svg: string): Promise<Blob> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('could not render the SVG'));
      image.src = url;
    });
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = image.width * scale;
    canvas.height = image.height * scale;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The coverage as one self-contained HTML page: per state machine, its graph (as `stepwise graph`
 * draws it) with the states the tests entered outlined green and the others red, and the list of
 * what the tests did not cover.
 */
import { buildGraph, nodeIdFor } from '../asl/graph.js';
import { layoutGraph } from '../asl/graph-layout.js';
import { escapeXml, renderSvg } from '../asl/graph/render-svg.js';
import type { MachineCoverage } from './coverage.js';
import type { FileResult } from './runner.js';

export async function coverageHtml(
  coverage: readonly MachineCoverage[],
  files: readonly FileResult[],
  relative: (path: string) => string,
): Promise<string> {
  const sections: string[] = [];
  for (const [i, machine] of coverage.entries()) {
    const definition = files.find((f) => f.stateMachine === machine.stateMachine)?.definition ?? {};
    const graph = buildGraph(definition);
    const svg = renderSvg(graph, await layoutGraph(graph));
    const rules: string[] = [];
    for (const item of machine.items.filter((x) => x.kind === 'state')) {
      const id = nodeIdFor(graph, item.state);
      if (id === undefined) continue;
      const colour = item.hits > 0 ? '#1e8e3e' : '#d93025';
      rules.push(`#m${i} g[data-id="${CSS.escape(id)}"] > rect { stroke: ${colour}; stroke-width: 4px; }`);
    }
    // Choice, Default and Catch edges: solid green when taken, red when not.
    for (const item of machine.items) {
      if (item.kind !== 'choice' && item.kind !== 'default' && item.kind !== 'catch') continue;
      const source = nodeIdFor(graph, item.state);
      const edge = graph.edges.find(
        (e) =>
          e.source === source &&
          e.kind === item.kind &&
          (item.kind === 'default' || e.id.endsWith(`#${item.kind}${item.index}`)),
      );
      if (edge === undefined) continue;
      const colour = item.hits > 0 ? '#1e8e3e' : '#d93025';
      rules.push(`#m${i} path[data-id="${CSS.escape(edge.id)}"] { stroke: ${colour}; stroke-width: 2.5px; }`);
    }
    const missed = machine.items.filter((x) => x.hits === 0);
    sections.push(
      `<section id="m${i}"><h2>${escapeXml(relative(machine.stateMachine))}: ${machine.percent}% (${machine.covered}/${machine.total})</h2>` +
        `<style>${rules.join('\n')}</style><div class="graph">${svg}</div>` +
        (missed.length === 0
          ? '<p>Everything is covered.</p>'
          : `<h3>Not covered</h3><ul>${missed.map((x) => `<li>${escapeXml(x.label)}</li>`).join('')}</ul>`) +
        '</section>',
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stepwise coverage</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}.graph{overflow:auto;border:1px solid #e5e7eb;padding:.5rem}h2{font-size:1.1rem}</style>
</head><body><h1>ASL coverage</h1><p>Green: a state entered, a Choice rule taken or a Catch fired by a test. Red: never.</p>
${sections.join('\n')}
</body></html>
`;
}

/** CSS.escape for attribute values inside double quotes (Node has no CSS global). */
const CSS = { escape: (value: string) => value.replace(/["\\]/g, '\\$&') };

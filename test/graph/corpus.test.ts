/** Every definition in the conformance corpus (but the invalid ones) makes a whole graph that lays out. */
import { describe, expect, it } from 'vitest';
import { buildGraph, type StateGraph } from '../../src/asl/graph.js';
import { layoutGraph } from '../../src/asl/graph-layout.js';
import { isJsonObject, type Json } from '../../src/json.js';
import { loadCases } from '../asl/corpus.js';
import { conformanceAvailable } from '../support/corpus-dir.js';
import { largeMachine } from './machines.js';

const cases = loadCases(() => true).filter((c) => c.expect.invalidDefinition === undefined);

/** Every state address in the definition, as the graph names them. */
function stateAddresses(definition: Json, prefix = ''): { id: string; terminal: boolean }[] {
  if (!isJsonObject(definition) || !isJsonObject(definition.States)) return [];
  const found: { id: string; terminal: boolean }[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    const id = prefix + name;
    const s = isJsonObject(state) ? state : {};
    found.push({ id, terminal: s.End === true || s.Type === 'Succeed' || s.Type === 'Fail' });
    if (Array.isArray(s.Branches)) s.Branches.forEach((b, i) => found.push(...stateAddresses(b, `${id}/branch/${i}/`)));
    const processor = s.ItemProcessor ?? s.Iterator;
    if (processor !== undefined) found.push(...stateAddresses(processor, `${id}/processor/`));
  }
  return found;
}

function checkGraph(definition: Json, graph: StateGraph): void {
  const ids = graph.nodes.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length);
  const known = new Set(ids);
  for (const e of graph.edges) {
    expect(known.has(e.source), `${e.id}: source`).toBe(true);
    expect(known.has(e.target), `${e.id}: target`).toBe(true);
  }
  const states = stateAddresses(definition);
  const stateNodes = graph.nodes.filter((n) => n.kind !== 'Start' && n.kind !== 'End' && n.group === undefined);
  expect(stateNodes.map((n) => n.id).sort()).toEqual(states.map((s) => s.id).sort());
  const outgoing = new Set(graph.edges.map((e) => e.source));
  for (const state of states) expect(outgoing.has(state.id), `${state.id} has a way out`).toBe(true);
}

describe.skipIf(!conformanceAvailable)('graphs of the conformance corpus', () => {
  it(`covers the corpus (${cases.length} valid definitions)`, () => {
    expect(cases.length).toBeGreaterThan(800);
  });

  it('every state appears exactly once, no edge dangles, every state has an outgoing edge', () => {
    for (const c of cases) checkGraph(c.definition, buildGraph(c.definition));
  });

  it('every graph lays out, each node inside its container', { timeout: 600_000 }, async () => {
    // Many cases share a definition (one per input): lay each distinct one out once.
    const distinct = new Map(cases.map((c) => [JSON.stringify(c.definition), c]));
    for (const c of distinct.values()) {
      const graph = buildGraph(c.definition);
      const layout = await layoutGraph(graph, { direction: 'DOWN' });
      expect(layout.nodes).toHaveLength(graph.nodes.length);
      expect(layout.edges).toHaveLength(graph.edges.length);
      const box = new Map(layout.nodes.map((n) => [n.id, n]));
      for (const n of layout.nodes) {
        expect(Number.isFinite(n.x) && Number.isFinite(n.y) && n.width > 0 && n.height > 0).toBe(true);
        const parent = n.parentId === undefined ? undefined : box.get(n.parentId);
        if (parent === undefined) continue;
        expect(
          n.x >= parent.x &&
            n.y >= parent.y &&
            n.x + n.width <= parent.x + parent.width + 0.5 &&
            n.y + n.height <= parent.y + parent.height + 0.5,
          `${c.group}/${c.name}: ${n.id} inside ${parent.id}`,
        ).toBe(true);
      }
      for (const e of layout.edges) expect(e.points.length, `${c.group}/${c.name}: ${e.id}`).toBeGreaterThanOrEqual(2);
    }
  });

  it(
    'a 200-state machine where every Task catches into one handler lays out in both directions',
    { timeout: 120_000 },
    async () => {
      const definition = largeMachine(200);
      const graph = buildGraph(definition);
      checkGraph(definition, graph);
      for (const direction of ['DOWN', 'RIGHT'] as const) {
        const layout = await layoutGraph(graph, { direction });
        expect(layout.edges).toHaveLength(graph.edges.length);
        for (const e of layout.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
      }
    },
  );
});

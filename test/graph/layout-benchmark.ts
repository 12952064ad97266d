/**
 * How long the layout of large state machines takes (not a test: `npx tsx test/graph/layout-benchmark.ts`).
 * Prints the first (cold: ELK's start-up included) and the median of later runs, per size and direction.
 */
import { loadavg } from 'node:os';
import { buildGraph } from '../../src/asl/graph.js';
import { layoutGraph, type LayoutDirection } from '../../src/asl/graph-layout.js';
import { largeMachine } from './machines.js';

const RUNS = 7;

for (const [size, catches] of [
  [50, 'every'],
  [200, 'every'],
  [200, 'some'],
  [400, 'every'],
] as const) {
  for (const direction of ['DOWN', 'RIGHT'] as LayoutDirection[]) {
    const definition = largeMachine(size, catches);
    const times: number[] = [];
    const cpu = process.cpuUsage();
    let nodes = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const graph = buildGraph(definition);
      const layout = await layoutGraph(graph, { direction });
      times.push(performance.now() - started);
      nodes = layout.nodes.length;
    }
    const used = process.cpuUsage(cpu);
    const cpuPerRun = (used.user + used.system) / 1000 / RUNS;
    const [cold, ...warm] = times;
    warm.sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)] as number;
    console.log(
      `${size} states (catches: ${catches}), ${direction}: ${nodes} nodes; first ${(cold as number).toFixed(0)} ms, then median ${median.toFixed(0)} ms, max ${(warm.at(-1) as number).toFixed(0)} ms; CPU ${cpuPerRun.toFixed(0)} ms per run (load ${loadavg()[0]?.toFixed(1)})`,
    );
  }
}

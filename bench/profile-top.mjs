// The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by file, and total
// (inclusive) time of the functions that match an optional filter.
//
//   node bench/profile-top.mjs <file.cpuprofile> [top=25] [inclusive-filter-regexp]
import { readFileSync } from 'node:fs';

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [top] [inclusive-filter-regexp]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample counts → self time per node (timeDeltas are µs between samples).
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*\/(dist|bench)\//, '$1/');
const label = (n) => {
  const cf = n.callFrame;
  return `${cf.functionName || '(anonymous)'} ${cf.url ? `${short(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
};
const fileOf = (n) => (n.callFrame.url ? short(n.callFrame.url) : n.callFrame.functionName || '(native)');

function table(title, map, limit) {
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  console.log(`\n${title}`);
  for (const [name, us] of rows)
    console.log(`${((us / totalUs) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}

const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of selfUs) {
  const n = nodes.get(id);
  byFunction.set(label(n), (byFunction.get(label(n)) ?? 0) + us);
  byFile.set(fileOf(n), (byFile.get(fileOf(n)) ?? 0) + us);
}
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled`);
table('self time by function', byFunction, top);
table('self time by file', byFile, Math.min(top, 15));

// Inclusive time: a sample counts once for every distinct matching function on its stack.
if (filter) {
  const re = new RegExp(filter);
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(nodes.get(cur));
      if (re.test(l) && !seen.has(l)) {
        seen.add(l);
        inclusive.set(l, (inclusive.get(l) ?? 0) + us);
      }
    }
  }
  table(`total (inclusive) time, functions matching /${filter}/`, inclusive, top);
}

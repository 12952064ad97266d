/**
 * The house rules, checked on the source text: which part of Stepwise may import which.
 *
 *   vocabulary  a leaf: names, States.* errors, history event types, limits, ARNs, resources
 *   query       JSONPath, JSONata and the intrinsics; never the interpreter above it
 *   interpreter pure: no engine, store, api, integration, worker or server code, no I/O, no clock
 *   integrations implement the engine's ports and reach the engine through them only
 *   store       persists the interpreter's types; knows no engine, integration or api code
 *   api         reaches the engine and the store's contracts, never a concrete store
 *   console     talks to the server over HTTP; shares at most types, the graph model and json.ts
 *
 * and no runtime import cycles, between files or between top-level folders. Type-only imports count
 * for the layering but not for cycles: they vanish at run time. No file in src/engine or
 * src/interpreter is longer than 400 lines: a part that grows past it wants splitting.
 *
 * There are no exceptions: the allow-list this test began with (14 violations, 3 cycles) is empty.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

interface Edge {
  from: string;
  to: string;
  /** A `import type` / `export type`: gone at run time. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const importPattern =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every import of a file, relative ones resolved to repository paths, packages as their name. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(root, file);
  const edges: Edge[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined) continue;
    const typeOnly = match[2] !== undefined || isTypeOnlyBraces(match[0]);
    const to = specifier.startsWith('.')
      ? relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier;
    edges.push({ from, to: resolveTs(to), typeOnly });
  }
  return edges;
}

/** `import { type A, type B } from` imports only types, like `import type`. */
function isTypeOnlyBraces(statement: string): boolean {
  const braces = /\{([^}]*)\}/.exec(statement);
  if (braces === null || /\bfrom\b/.exec(statement.slice(0, braces.index)) !== null) return false;
  const before = statement.slice(0, braces.index);
  if (/import\s+\w+\s*,/.test(before)) return false;
  const names = braces[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function resolveTs(path: string): string {
  if (!path.startsWith('src/') && !path.startsWith('console/') && !path.startsWith('test/')) return path;
  for (const candidate of [path, path.replace(/\.ts$/, '.tsx'), `${path}/index.ts`]) {
    try {
      if (statSync(join(root, candidate)).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return path;
}

/** The part of the house a repository path belongs to: `src/<folder>`, `src/<file>`, `console`. */
function part(path: string): string {
  if (path.startsWith('console/')) return 'console';
  const m = /^src\/([^/]+)(\/)?/.exec(path);
  if (m === null) return path;
  return m[2] === undefined ? `src/${m[1]}` : m[1]!;
}

const edges = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'console/src'))].flatMap(importsOf);

const projectParts = [
  'vocabulary',
  'query',
  'asl',
  'interpreter',
  'engine',
  'store',
  'integrations',
  'api',
  'worker',
  'cli',
  'src/server.ts',
  'src/index.ts',
];

/** A part and every part above it in the house (projectParts is ordered bottom to top). */
function fromUp(bottom: string): string[] {
  return projectParts.slice(projectParts.indexOf(bottom));
}

/** Node modules that do I/O or read the clock; the interpreter may use none of them. */
const ioModules = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|timers|dgram|dns|tls)$/;

interface Rule {
  name: string;
  applies(edge: Edge): boolean;
}

const rules: Rule[] = [
  {
    name: 'vocabulary is a leaf: it imports only json.ts and itself',
    applies: (e) =>
      part(e.from) === 'vocabulary' && e.to.startsWith('src/') && !['vocabulary', 'src/json.ts'].includes(part(e.to)),
  },
  {
    name: 'query does not import the interpreter or anything above it',
    applies: (e) => part(e.from) === 'query' && fromUp('interpreter').includes(part(e.to)),
  },
  {
    name: 'the interpreter imports no engine, store, api, integration, worker or server code',
    applies: (e) => part(e.from) === 'interpreter' && fromUp('engine').includes(part(e.to)),
  },
  {
    name: 'the interpreter does no I/O',
    applies: (e) => part(e.from) === 'interpreter' && ioModules.test(e.to),
  },
  {
    name: 'integrations reach the engine only through its ports',
    applies: (e) => part(e.from) === 'integrations' && part(e.to) === 'engine' && e.to !== 'src/engine/ports.ts',
  },
  {
    name: 'the api reaches store contracts, never a concrete store',
    applies: (e) => part(e.from) === 'api' && /^src\/store\/(memory|sqlite|postgres)\//.test(e.to),
  },
  {
    name: 'the store knows nothing of the engine, integrations or api, and of the interpreter only its types',
    applies: (e) =>
      part(e.from) === 'store' &&
      (['engine', 'integrations', 'api'].includes(part(e.to)) || (part(e.to) === 'interpreter' && !e.typeOnly)),
  },
  {
    name: 'the worker (a separate process) shares only the vocabulary',
    applies: (e) =>
      part(e.from) === 'worker' &&
      e.to.startsWith('src/') &&
      !['worker', 'vocabulary', 'src/json.ts'].includes(part(e.to)),
  },
  {
    name: 'the console shares with the server at most types, the graph model and json.ts',
    applies: (e) =>
      part(e.from) === 'console' &&
      e.to.startsWith('src/') &&
      !e.typeOnly &&
      !/^src\/(json\.ts|vocabulary\/|graph\/|asl\/graph(-layout)?\.ts|asl\/graph\/)/.test(e.to),
  },
];

function violations(): string[] {
  const found = new Set<string>();
  for (const edge of edges) {
    for (const rule of rules) if (rule.applies(edge)) found.add(`${edge.from} -> ${edge.to}: ${rule.name}`);
  }
  return [...found].sort();
}

/** Strongly connected components of more than one node (or a self loop), by Tarjan's algorithm. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function runtimeGraph(key: (path: string) => string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (edge.typeOnly || !edge.to.startsWith('src/') || !edge.from.startsWith('src/')) continue;
    const [a, b] = [key(edge.from), key(edge.to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}
const fileKey = (path: string): string => path;
/** A top-level folder of src/ (`engine`, `query`), or a file at the top (`src/server.ts`). */
const folderKey = part;

describe('the layering of src/', () => {
  it('the import scanner sees the project (a guard against a scanner that finds nothing)', () => {
    expect(edges.length).toBeGreaterThan(500);
    const parts = new Set(edges.map((e) => part(e.from)));
    for (const p of projectParts) if (p !== 'vocabulary' || parts.has(p)) expect(parts, p).toContain(p);
    expect(parts).toContain('console');
    expect(edges.some((e) => e.from === 'src/server.ts' && e.to === 'src/engine/durable/durable-engine.ts')).toBe(true);
  });

  it('no part imports across the house rules', () => {
    expect(violations()).toEqual([]);
  });

  it('no runtime import cycle between files', () => {
    expect(cycles(runtimeGraph(fileKey)).map((c) => c.join(' <-> '))).toEqual([]);
  });

  it('no runtime import cycle between folders', () => {
    expect(cycles(runtimeGraph(folderKey)).map((c) => c.join(' <-> '))).toEqual([]);
  });

  it('no file in src/engine or src/interpreter is over 400 lines', () => {
    const long = [...sourceFiles(join(root, 'src/engine')), ...sourceFiles(join(root, 'src/interpreter'))]
      .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 400);
    expect(long).toEqual([]);
  });
});

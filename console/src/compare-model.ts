/**
 * Two executions side by side: their top-level paths (the states entered, in order) aligned by a
 * longest common subsequence of state names, and per aligned pair the JSON paths where the outputs
 * differ. Pure: no DOM, no fetch.
 */

export interface PathStep {
  name: string;
  output?: string;
}

export interface AlignedRow<T extends PathStep> {
  a?: T;
  b?: T;
  /** Both entered the same state here and their outputs differ (or only one has an output). */
  outputsDiffer: boolean;
}

/** Aligns two paths: equal names pair up in order, the others sit on one side only. */
export function alignPaths<T extends PathStep>(a: T[], b: T[]): AlignedRow<T>[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i]!.name === b[j]!.name ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: AlignedRow<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i]!.name === b[j]!.name) {
      rows.push({ a: a[i], b: b[j], outputsDiffer: jsonDiff(a[i]!.output, b[j]!.output).length > 0 });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      rows.push({ a: a[i++], outputsDiffer: false });
    } else {
      rows.push({ b: b[j++], outputsDiffer: false });
    }
  }
  return rows;
}

export interface Difference {
  /** A JSONPath-like address: `$`, `$.a.b`, `$.items[2]`. */
  path: string;
  a?: unknown;
  b?: unknown;
  /** Only on one side. */
  kind: 'changed' | 'only-a' | 'only-b';
}

const MISSING = Symbol('missing');

function parse(text: string | undefined): unknown {
  if (text === undefined) return MISSING;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const key = (path: string, k: string) =>
  /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;

/** Where two JSON texts differ (at most `limit` places), outermost first. */
export function jsonDiff(a: string | undefined, b: string | undefined, limit = 50): Difference[] {
  const out: Difference[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    if (out.length >= limit) return;
    if (x === MISSING && y === MISSING) return;
    if (x === MISSING) return void out.push({ path, b: y, kind: 'only-b' });
    if (y === MISSING) return void out.push({ path, a: x, kind: 'only-a' });
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++)
        walk(i < x.length ? x[i] : MISSING, i < y.length ? y[i] : MISSING, `${path}[${i}]`);
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const k of new Set([...Object.keys(xo), ...Object.keys(yo)]))
        walk(k in xo ? xo[k] : MISSING, k in yo ? yo[k] : MISSING, key(path, k));
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ path, a: x, b: y, kind: 'changed' });
  };
  walk(parse(a), parse(b), '$');
  return out;
}

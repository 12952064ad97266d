/**
 * A template's functions as local functions: for each, `<functions dir>/<name>.mjs` (`.mts` for a
 * TypeScript handler), a small module written by `stepwise deploy` that sets the function's
 * Environment.Variables and re-exports its real handler (`app.lambdaHandler` in CodeUri) as
 * `handler`. The server's functions folder is looked up on every invocation, so a running server
 * serves them with no restart and no new API. The shim names a stamp of the code folder (file
 * modification times), so an edited handler gives a changed shim, and the server new workers.
 *
 * A file in the way that `stepwise deploy` did not write is never overwritten.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TemplateFunction } from './functions.js';
import { TemplateError } from './parse.js';

const MARKER = '// stepwise deploy shim';
const EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'] as const;
const STAMP_FILE_LIMIT = 5000;

export type ShimChange = 'created' | 'updated' | 'unchanged';

export interface ShimPlan {
  fn: TemplateFunction;
  file: string;
  content: string;
  /** Shims of the same function under another extension, to remove. */
  stale: string[];
}

/** Modification times and sizes of the code folder's files (not node_modules, nor the shims' folder), as a short hash. */
function codeStamp(dir: string, skip: string): string {
  const hash = createHash('sha256');
  let count = 0;
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (count >= STAMP_FILE_LIMIT || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      // The shims' own folder (which may be the code folder itself): its files are the shims.
      if (path === skip || (folder === skip && entry.isFile())) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        count++;
        const info = statSync(path);
        hash.update(`${relative(dir, path)}\0${info.mtimeMs}\0${info.size}\n`);
      }
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

function isShim(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').startsWith(MARKER);
  } catch {
    return false;
  }
}

/**
 * Lambda runs a `.js` handler as CommonJS unless a package.json in its code folder says otherwise;
 * Node.js would go on looking above the folder (a CDK asset in a `"type": "module"` project). True
 * when the two disagree: the shim then loads the file as CommonJS itself.
 */
function commonJsInModuleScope(file: string, codeDir: string): boolean {
  if (!file.endsWith('.js')) return false;
  const root = resolve(codeDir);
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      if (dir === root || dir.startsWith(`${root}/`)) return false;
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function shimContent(fn: TemplateFunction, template: string, functionsDir: string): string {
  const url = pathToFileURL(fn.file).href;
  const exportName = JSON.stringify(fn.exportName);
  const head = [
    `${MARKER} for ${fn.logicalId} in ${resolve(template)}: rewritten on every deploy, do not edit.`,
    `// It runs ${fn.file} (export ${fn.exportName}); code stamp ${codeStamp(fn.codeDir, functionsDir)}.`,
  ];
  const environment = [
    `const environment = ${JSON.stringify(fn.environment)};`,
    'for (const [key, value] of Object.entries(environment)) process.env[key] = value;',
  ];
  if (commonJsInModuleScope(fn.file, fn.codeDir)) {
    const file = JSON.stringify(fn.file);
    return [
      ...head,
      '// Loaded as CommonJS, as Lambda would (no package.json in its code folder says "type": "module").',
      "import { readFileSync } from 'node:fs';",
      "import { createRequire } from 'node:module';",
      "import { compileFunction } from 'node:vm';",
      ...environment,
      'const cjs = { exports: {} };',
      `const load = compileFunction(readFileSync(${file}, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: ${file} });`,
      `load(cjs.exports, createRequire(${file}), cjs, ${file}, ${JSON.stringify(dirname(fn.file))});`,
      `export const handler = cjs.exports[${exportName}] ?? cjs.exports.default?.[${exportName}];`,
      '',
    ].join('\n');
  }
  return [
    ...head,
    ...environment,
    `const code = await import(${JSON.stringify(url)});`,
    `export const handler = code[${exportName}] ?? code.default?.[${exportName}];`,
    '',
  ].join('\n');
}

/** Inline code is the shim: the environment first, the source, then its export as `handler`. */
function inlineShim(fn: TemplateFunction, source: string, template: string): string {
  const exportName = JSON.stringify(fn.exportName);
  return [
    `${MARKER} for ${fn.logicalId} in ${resolve(template)} (its inline code): rewritten on every deploy, do not edit.`,
    `Object.assign(process.env, ${JSON.stringify(fn.environment)});`,
    source,
    `if (typeof module.exports.handler !== 'function') module.exports.handler = module.exports[${exportName}];`,
    '',
  ].join('\n');
}

/** What would be written, checking first that nothing of the user's is in the way. */
export function planShims(functions: readonly TemplateFunction[], functionsDir: string, template: string): ShimPlan[] {
  const dir = resolve(functionsDir);
  return functions.map((fn) => {
    const typescript = fn.inlineCode === undefined && /\.m?ts$/.test(fn.file);
    const file = join(dir, `${fn.name}${fn.inlineCode !== undefined ? '.cjs' : typescript ? '.mts' : '.mjs'}`);
    const stale: string[] = [];
    const others = [
      ...EXTENSIONS.map((ext) => join(dir, fn.name + ext)),
      ...EXTENSIONS.map((ext) => join(dir, fn.name, `index${ext}`)),
    ];
    for (const other of others) {
      if (!existsSync(other)) continue;
      if (!isShim(other))
        throw new TemplateError(
          `${template}: ${fn.logicalId}: ${other} is in the way of function ${fn.name} and was not written by stepwise deploy (rename the function or move the file)`,
        );
      if (other !== file) stale.push(other);
    }
    const content =
      fn.inlineCode !== undefined ? inlineShim(fn, fn.inlineCode, template) : shimContent(fn, template, dir);
    return { fn, file, content, stale };
  });
}

export function writeShims(plans: readonly ShimPlan[]): Array<{ plan: ShimPlan; change: ShimChange }> {
  return plans.map((plan) => {
    for (const file of plan.stale) rmSync(file, { force: true });
    let current: string | undefined;
    try {
      current = readFileSync(plan.file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === plan.content) return { plan, change: 'unchanged' as const };
    mkdirSync(dirname(plan.file), { recursive: true });
    writeFileSync(plan.file, plan.content);
    return { plan, change: current === undefined ? ('created' as const) : ('updated' as const) };
  });
}

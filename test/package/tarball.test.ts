/**
 * The published package, as a user gets it: `npm pack` the built repository, `npm install` the
 * tarball into an empty project (from the local npm cache, offline-preferred), then run both bins
 * through npx and import the library by its package name.
 *
 * Slow by nature (the install compiles better-sqlite3 for the running Node.js when no prebuilt
 * binary can be fetched): one file, one install, a generous timeout. It packs the `dist/` that
 * `npm install` (prepare) or `npm run build` left; it does not rebuild it, so a console test
 * reading dist/console at the same time is not disturbed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/files.js';
import { repoRoot } from '../support/repo.js';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * The environment of a user's shell: none of the npm_* variables an `npm test` run sets (its
 * local prefix would send `npm install` back into this repository), but the same cache and
 * native-build settings.
 */
function userEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_nodedir', 'npm_config_userconfig', 'npm_config_globalconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())),
  );
}

async function sh(cwd: string, file: string, args: string[], timeout = 120_000) {
  return run(file, args, { cwd, env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });
}

const VALID = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { hello: 'world' }, End: true } } };

let work: string;
let project: string;
let files: string[];

beforeAll(async () => {
  for (const built of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/console/index.html'])
    if (!existsSync(join(repoRoot, built)))
      throw new Error(`${built} is missing: run \`npm run build\` (npm install runs it) before this test`);
  work = tempDir('stepwise-package-');
  const { stdout } = await sh(repoRoot, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(project, 'hello.asl.json'), JSON.stringify(VALID));
  writeFileSync(join(project, 'broken.asl.json'), JSON.stringify({ StartAt: 'Missing', States: {} }));
  await sh(
    project,
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, packed.filename)],
    INSTALL_TIMEOUT_MS,
  );
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  // The installed project is large (better-sqlite3's build): removed asynchronously, with time to do it.
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

// Each npx call starts Node.js and the CLI: seconds on a busy machine.
describe(`the packed ${pkg.name} tarball, installed into an empty project`, { timeout: 60_000 }, () => {
  it('holds the compiled library, its types, the CLI, the console build and the documents, and no sources', () => {
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/server.js',
      'dist/cli/main.js',
      'dist/integrations/lambda/worker.js',
      'dist/console/index.html',
    ])
      expect(files).toContain(path);
    expect(files.filter((path) => /^(src|test|scripts|console|bench)\//.test(path))).toEqual([]);
  });

  it('installs only runtime dependencies (no build or test tools)', () => {
    // The SFN client is a runtime dependency: `stepwise deploy`, `mocks capture` and `backup` call a server with it.
    for (const tool of ['tsx', 'typescript', 'vitest', 'vite'])
      expect(existsSync(join(project, 'node_modules', tool, 'package.json')), tool).toBe(false);
    for (const dep of Object.keys(pkg.dependencies))
      expect(existsSync(join(project, 'node_modules', dep, 'package.json')), dep).toBe(true);
  });

  it.each(Object.keys(pkg.bin))('npx %s --version prints the package version', async (bin) => {
    const { stdout } = await sh(project, 'npx', ['--no-install', bin, '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('npx validate accepts a good definition and names the problem in a bad one', async () => {
    const ok = await sh(project, 'npx', ['--no-install', pkg.name, 'validate', 'hello.asl.json']);
    expect(ok.stdout).toMatch(/OK|valid/i);
    const bad = await sh(project, 'npx', ['--no-install', pkg.name, 'validate', 'broken.asl.json']).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(bad?.code).toBe(1);
    expect(`${bad?.stdout}${bad?.stderr}`).toMatch(/MISSING_TRANSITION_TARGET|SCHEMA_VALIDATION_FAILED/);
  });

  it('npx run executes a definition and prints its output', async () => {
    const { stdout } = await sh(project, 'npx', ['--no-install', 'stepwise', 'run', 'hello.asl.json']);
    expect(JSON.parse(stdout)).toEqual({ hello: 'world' });
  });

  it(`import { execute, validate, startServer } from '${pkg.name}' works, and the server serves the console`, async () => {
    const script = `
      import { execute, validate, startServer } from '${pkg.name}';
      const definition = ${JSON.stringify(VALID)};
      const result = await execute(definition, {});
      const server = await startServer({ port: 0, dataDir: 'data', logLevel: 'silent' });
      try {
        const api = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
          body: '{}',
        });
        const page = await fetch(server.url + '/');
        console.log(JSON.stringify({
          status: result.status,
          output: result.output,
          valid: validate(definition).result,
          api: [api.status, await api.json()],
          console: [page.status, (await page.text()).includes('<div id="root">')],
        }));
      } finally {
        await server.close();
      }
    `;
    const { stdout } = await sh(project, process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({
      status: 'SUCCEEDED',
      output: { hello: 'world' },
      valid: 'OK',
      api: [200, { stateMachines: [] }],
      console: [200, true],
    });
  });
});

/**
 * Testing workflows from the console, in a real browser (playwright-core, Debian's chromium, the
 * real server): "Re-run from here" starts the state machine at a state with edited input (the same
 * `<name>-from-<State>` machine `stepwise run-from` makes), and "Compare with…" shows two runs that
 * took different Choice branches side by side. Skipped when /usr/bin/chromium is missing, unless
 * STEPWISE_REQUIRE_BROWSER=1.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const CHROMIUM = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const required = process.env.STEPWISE_REQUIRE_BROWSER === '1';
const ROOT = resolve(import.meta.dirname, '../..');
const ROLE = 'arn:aws:iam::123456789012:role/stepwise';

describe.runIf(!haveBrowser && required)('the re-run and compare browser tests when they are required', () => {
  it(`find chromium at ${CHROMIUM} (STEPWISE_REQUIRE_BROWSER=1)`, () => {
    expect(haveBrowser).toBe(true);
  });
});

/** Builds the console when dist/console is missing or older than its sources. */
function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist/console/index.html');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const sources = Math.max(newest(join(ROOT, 'console')), newest(join(ROOT, 'src/asl')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

/** Big numbers go one way, small ones the other. */
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: true, ResultPath: '$.prepared', Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }],
      Default: 'Small',
    },
    Big: { Type: 'Pass', Parameters: { size: 'big', 'n.$': '$.n' }, End: true },
    Small: { Type: 'Pass', Parameters: { size: 'small', 'n.$': '$.n' }, End: true },
  },
};

describe.skipIf(!haveBrowser)(
  `re-running from a state and comparing runs in the console${haveBrowser ? '' : ` (skipped: ${CHROMIUM} not found)`}`,
  { timeout: 30_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-rerun-'));
    let server: RunningServer;
    let sfn: SFNClient;
    let context: BrowserContext;
    let page: Page;
    let small: string;
    let big: string;
    const problems: string[] = [];

    const finished = async (executionArn: string) => {
      for (let i = 0; i < 200; i++) {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (described.status !== 'RUNNING') return described;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${executionArn} is still running`);
    };

    beforeAll(async () => {
      ensureConsoleBuilt();
      server = await startServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), logLevel: 'silent' });
      sfn = new SFNClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        disableHostPrefix: true,
      });
      const stateMachineArn = (
        await sfn.send(
          new CreateStateMachineCommand({ name: 'sizes', definition: JSON.stringify(definition), roleArn: ROLE }),
        )
      ).stateMachineArn!;
      const start = async (name: string, n: number) =>
        (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ n }) })))
          .executionArn!;
      small = await start('small', 3);
      big = await start('big', 50);
      await finished(small);
      await finished(big);
      context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
        viewport: { width: 1440, height: 1000 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      sfn?.destroy();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('re-runs from a Choice state with edited input: the new run takes the other branch and names its origin', async () => {
      await page.goto(`${server.url}/#/executions/${encodeURIComponent(small)}`);
      await page.locator('[data-testid="graph"][data-laid-out="true"]').waitFor();
      await page.locator('.react-flow__node [data-state="Route"]').first().click();
      const panel = page.locator('aside.step-panel');
      await expect.poll(() => panel.getAttribute('data-state')).toBe('Route');
      await panel.getByRole('tab', { name: 'Input' }).click();
      expect(JSON.parse((await panel.getByLabel('State input').textContent()) ?? 'null')).toEqual({
        n: 3,
        prepared: true,
      });
      await panel.getByTestId('rerun-open').click();
      const editor = panel.getByLabel('Re-run input (JSON)');
      // The recorded input, ready to edit; broken JSON cannot be started.
      expect(JSON.parse(await editor.inputValue())).toEqual({ n: 3, prepared: true });
      const startButton = panel.getByRole('button', { name: 'Start the re-run' });
      await editor.fill('{"n": 50, "prepared": tr');
      await expect.poll(() => startButton.isDisabled()).toBe(true);
      await editor.fill('{"n": 50, "prepared": true}');
      await expect.poll(() => startButton.isDisabled()).toBe(false);
      await startButton.click();

      await expect.poll(() => decodeURIComponent(page.url())).toContain(':execution:sizes-from-Route:');
      const rerunArn = decodeURIComponent(new URL(page.url()).hash.replace('#/executions/', ''));
      const described = await finished(rerunArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output ?? 'null')).toEqual({ size: 'big', n: 50 });
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      await expect.poll(() => page.getByTestId('rerun-origin').textContent()).toBe('small from state Route');
      expect(await page.getByTestId('rerun-origin').locator('a').getAttribute('href')).toBe(
        `#/executions/${encodeURIComponent(small)}`,
      );

      // The machine run-from makes: StartAt moved, Prepare (unreachable from Route) left out.
      const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: described.stateMachineArn }));
      const made = JSON.parse(machine.definition ?? '{}') as { StartAt: string; States: object; Comment: string };
      expect(made.StartAt).toBe('Route');
      expect(Object.keys(made.States).sort()).toEqual(['Big', 'Route', 'Small']);
      expect(made.Comment).toBe(`Re-run of ${small} from state Route (console)`);

      // A second re-run from the same state updates that machine rather than failing.
      await page.goto(`${server.url}/#/executions/${encodeURIComponent(small)}`);
      await page.locator('[data-testid="graph"][data-laid-out="true"]').waitFor();
      await page.locator('.react-flow__node [data-state="Route"]').first().click();
      await panel.getByRole('tab', { name: 'Input' }).click();
      await panel.getByTestId('rerun-open').click();
      await panel.getByRole('button', { name: 'Start the re-run' }).click();
      await expect.poll(() => decodeURIComponent(page.url())).toContain(':execution:sizes-from-Route:');
      const again = decodeURIComponent(new URL(page.url()).hash.replace('#/executions/', ''));
      expect(again).not.toBe(rerunArn);
      expect(JSON.parse((await finished(again)).output ?? 'null')).toEqual({ size: 'small', n: 3 });
      expect(problems).toEqual([]);
    });

    it('compares two runs that took different Choice branches: where they diverge and how the outputs differ', async () => {
      await page.goto(`${server.url}/#/executions/${encodeURIComponent(small)}`);
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      await expect
        .poll(() => page.getByTestId('compare-picker').locator('option').allTextContents())
        .toContain('big — succeeded');
      await page.getByTestId('compare-picker').selectOption(big);
      await page.getByTestId('compare-go').click();
      const table = page.getByTestId('compare-table');
      await table.waitFor();
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-state'), tr.getAttribute('data-diff')]));
      expect(rows).toEqual([
        ['Prepare', 'output-differs'],
        ['Route', 'output-differs'],
        ['Small', 'only-a'],
        ['Big', 'only-b'],
        ['(execution output)', 'output-differs'],
      ]);
      expect(await page.getByTestId('divergence').textContent()).toBe(
        'The paths diverge after Route: A entered Small.',
      );
      expect(await table.locator('tr.first-divergence').getAttribute('data-state')).toBe('Small');
      const outputDiffs = table.locator('tr[data-state="(execution output)"] [data-testid="differences"] li');
      expect(await outputDiffs.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-path')))).toEqual([
        '$.size',
        '$.n',
      ]);
      expect(await outputDiffs.first().textContent()).toBe('$.size: "small" → "big"');
      // Each side's state output, in the console's JSON view.
      expect(JSON.parse((await table.getByLabel('A Small output').textContent()) ?? 'null')).toEqual({
        size: 'small',
        n: 3,
      });
      expect(JSON.parse((await table.getByLabel('B Big output').textContent()) ?? 'null')).toEqual({
        size: 'big',
        n: 50,
      });
      expect(problems).toEqual([]);
    });

    it('compares two executions ticked in the state machine’s executions list', async () => {
      const stateMachineArn = (await sfn.send(new DescribeExecutionCommand({ executionArn: small }))).stateMachineArn!;
      await page.goto(`${server.url}/#/machines/${encodeURIComponent(stateMachineArn)}/executions`);
      const compare = page.getByRole('button', { name: 'Compare selected' });
      await page.getByLabel('Select small').check();
      expect(await compare.isDisabled()).toBe(true);
      await page.getByLabel('Select big').check();
      // Finished executions can be ticked for comparing; Stop selected counts only running ones.
      expect(await page.getByRole('button', { name: /^Stop selected/ }).textContent()).toBe('Stop selected (0)');
      await compare.click();
      await page.getByTestId('compare-table').waitFor();
      expect(decodeURIComponent(page.url())).toContain('#/compare/');
      const states = await page
        .getByTestId('compare-table')
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-state'), tr.getAttribute('data-diff')]));
      expect(
        states
          .filter(([, diff]) => diff === 'only-a' || diff === 'only-b')
          .map(([s]) => s)
          .sort(),
      ).toEqual(['Big', 'Small']);
      expect(problems).toEqual([]);
    });
  },
);

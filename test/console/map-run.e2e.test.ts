/**
 * The Map Run page in a real browser (playwright-core, Debian's chromium, the real server): a
 * Distributed Map whose STANDARD children fail for some items, within its tolerated percentage,
 * shows its counts, lists its children with links that work both ways, and shows each failed
 * child's error and cause; a run held at MaxConcurrency 1 is followed live, and its Update control
 * changes MaxConcurrency (as DescribeMapRun then says) or shows the server's refusal. Skipped when
 * /usr/bin/chromium is missing, unless STEPWISE_REQUIRE_BROWSER=1.
 */
import { DescribeMapRunCommand, ListMapRunsCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { eventually } from '../support/async.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CHROMIUM = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM) || process.env.STEPWISE_REQUIRE_BROWSER === '1';
const ROOT = resolve(import.meta.dirname, '../..');
const HOLD = 'arn:aws:lambda:us-east-1:123456789012:function:hold';

/** Builds the console when dist/console is missing or older than any file under console/. */
function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist/console/index.html');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'console'))) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

const distributed = (processor: Record<string, Json>, startAt: string, extra: Record<string, Json>): object => ({
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: startAt,
        States: processor,
      },
      ...extra,
      End: true,
    },
  },
});

/** Items marked bad fail their child with Item.Bad; up to half may fail and the Map still succeeds. */
const checks = distributed(
  {
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.bad', BooleanEquals: true, Next: 'Reject' }],
      Default: 'Accept',
    },
    Reject: { Type: 'Fail', Error: 'Item.Bad', CausePath: "States.Format('item {} is bad', $.n)" },
    Accept: { Type: 'Pass', End: true },
  },
  'Check',
  { ToleratedFailurePercentage: 50 },
);

/** Each child holds in its task until the test lets it go; one at a time. */
const holds = distributed({ Hold: { Type: 'Task', Resource: HOLD, End: true } }, 'Hold', { MaxConcurrency: 1 });

describe.skipIf(!haveBrowser)(
  `the Map Run page${haveBrowser ? '' : ` (skipped: ${CHROMIUM} not found)`}`,
  { timeout: 60_000 },
  () => {
    const dir = tempDir('stepwise-map-run-page-');
    const held: (() => void)[] = [];
    const problems: string[] = [];
    let t: TestServer;
    let sfn: SFNClient;
    let context: BrowserContext;
    let page: Page;
    let parentArn: string;
    let mapRunArn: string;

    const open = async (hash: string) => {
      await page.goto('about:blank');
      await page.goto(`${t.url}/${hash}`);
    };
    const count = (progress: 'items' | 'executions', key: string) =>
      page.getByTestId(`${progress}-progress`).locator(`[data-count="${key}"]`).textContent();
    const counts = async (progress: 'items' | 'executions') =>
      Object.fromEntries(
        await Promise.all(
          ['succeeded', 'failed', 'timedOut', 'aborted', 'running', 'pending', 'total'].map(
            async (key) => [key, Number(await count(progress, key))] as const,
          ),
        ),
      );
    const mapRunOf = async (executionArn: string) =>
      eventually(
        async () => (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn,
        'the Map Run to start',
      );

    beforeAll(async () => {
      ensureConsoleBuilt();
      t = await startTestServer({
        store: 'sqlite',
        handlers: { [HOLD]: () => new Promise<Json>((resolve) => held.push(() => resolve('released'))) },
      });
      sfn = t.client;
      const machine = await t.createMachine('checks', checks);
      const items = Array.from({ length: 6 }, (_, n) => ({ n, bad: n === 1 || n === 4 }));
      parentArn = (
        await sfn.send(
          new StartExecutionCommand({ stateMachineArn: machine, name: 'six', input: JSON.stringify({ items }) }),
        )
      ).executionArn!;
      const done = await t.untilDone(parentArn, 20_000);
      expect(done.status).toBe('SUCCEEDED');
      mapRunArn = await mapRunOf(parentArn);
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
      for (const release of held.splice(0)) release();
      await context?.close();
      await t?.close();
      removeDir(dir);
    });

    it('is reached from the parent execution, and counts the items and children by status', async () => {
      await open(`#/executions/${encodeURIComponent(parentArn)}`);
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      await page.getByTestId('map-run-link').click();
      await expect.poll(() => page.getByTestId('map-run-status').textContent()).toBe('SUCCEEDED');
      expect(decodeURIComponent(new URL(page.url()).hash.replace('#/map-runs/', ''))).toBe(mapRunArn);
      const expected = { succeeded: 4, failed: 2, timedOut: 0, aborted: 0, running: 0, pending: 0, total: 6 };
      expect(await counts('items')).toEqual(expected);
      expect(await counts('executions')).toEqual(expected);
      // The bar: a succeeded segment two thirds wide and a failed one a third, nothing else.
      const segments = await page
        .getByTestId('items-progress')
        .locator('.progress-segment')
        .evaluateAll((spans) => spans.map((s) => [s.dataset.segment, (s as { style: { width: string } }).style.width]));
      expect(segments.map(([key, width]) => [key, Math.round(Number.parseFloat(width ?? ''))])).toEqual([
        ['succeeded', 67],
        ['failed', 33],
      ]);
      await expect.poll(() => page.getByTestId('parent-execution').textContent()).toBe('six');
      expect(await page.getByTestId('tolerated-failure-percentage').textContent()).toBe('50');
    });

    it('shows each failed child’s error and cause', async () => {
      await open(`#/map-runs/${encodeURIComponent(mapRunArn)}`);
      const rows = page.getByTestId('failures').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      const failures = await rows.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector('[data-testid="failure-error"]')?.textContent,
          tr.querySelector('[data-testid="failure-cause"]')?.textContent,
        ]),
      );
      expect(failures.sort()).toEqual([
        ['Item.Bad', 'item 1 is bad'],
        ['Item.Bad', 'item 4 is bad'],
      ]);
    });

    it('lists the children, by status if asked, each linking to its execution, which links back', async () => {
      await open(`#/map-runs/${encodeURIComponent(mapRunArn)}`);
      const rows = page.getByTestId('children').locator('tbody tr[data-execution]');
      await expect.poll(() => rows.count()).toBe(6);
      expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.status))).sort()).toEqual([
        'FAILED',
        'FAILED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
      await page.getByRole('group', { name: 'Status filter' }).getByRole('button', { name: 'failed' }).click();
      await expect.poll(() => rows.count()).toBe(2);
      const name = await rows.first().getAttribute('data-execution');
      await rows.first().getByRole('link').click();
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('FAILED');
      expect(await page.locator('h1').textContent()).toContain(name);
      await page.getByTestId('map-run-link').click();
      await expect.poll(() => page.getByTestId('map-run-status').textContent()).toBe('SUCCEEDED');
      // A finished run cannot be changed.
      expect(await page.getByRole('button', { name: 'Update' }).isDisabled()).toBe(true);
    });

    it('follows a running run live, and its Update control changes MaxConcurrency or shows the refusal', async () => {
      const machine = await t.createMachine('holds', holds);
      const executionArn = (
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machine,
            name: 'held',
            input: JSON.stringify({ items: [{ n: 0 }, { n: 1 }, { n: 2 }] }),
          }),
        )
      ).executionArn!;
      const runArn = await mapRunOf(executionArn);
      await eventually(async () => (held.length === 1 ? true : undefined), 'the first child to reach its task');
      const describes: string[] = [];
      page.on('request', (request) => {
        if (request.headers()['x-amz-target'] === 'AWSStepFunctions.DescribeMapRun') describes.push(request.url());
      });
      await open(`#/map-runs/${encodeURIComponent(runArn)}`);
      await expect.poll(() => count('executions', 'running'), { timeout: 10_000 }).toBe('1');
      // Held, the run stands still: the page says what DescribeMapRun says.
      const { itemCounts } = await sfn.send(new DescribeMapRunCommand({ mapRunArn: runArn }));
      await expect
        .poll(() => counts('items'))
        .toEqual({
          succeeded: itemCounts?.succeeded,
          failed: itemCounts?.failed,
          timedOut: itemCounts?.timedOut,
          aborted: itemCounts?.aborted,
          running: 1,
          pending: itemCounts?.pending,
          total: itemCounts?.total,
        });
      expect(await page.getByTestId('map-run-status').textContent()).toBe('RUNNING');

      const form = page.getByRole('form', { name: 'Update the Map Run' });
      await form.getByLabel('ToleratedFailurePercentage').fill('150');
      await form.getByRole('button', { name: 'Update' }).click();
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toMatch(/^ValidationException: .*toleratedFailurePercentage/);

      await form.getByLabel('ToleratedFailurePercentage').fill('');
      await form.getByLabel('MaxConcurrency').fill('3');
      await form.getByRole('button', { name: 'Update' }).click();
      await expect.poll(() => form.getByRole('status').textContent()).toContain('Updated');
      expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn: runArn }))).maxConcurrency).toBe(3);
      await expect.poll(() => page.getByTestId('max-concurrency').textContent()).toBe('3');
      // The run takes the new limit: the other two children start, and the page shows them running.
      await expect.poll(() => count('executions', 'running'), { timeout: 10_000 }).toBe('3');

      for (const release of held.splice(0)) release();
      await expect.poll(() => page.getByTestId('map-run-status').textContent(), { timeout: 10_000 }).toBe('SUCCEEDED');
      expect(await counts('items')).toEqual({
        succeeded: 3,
        failed: 0,
        timedOut: 0,
        aborted: 0,
        running: 0,
        pending: 0,
        total: 3,
      });
      expect(await page.getByRole('button', { name: 'Update' }).isDisabled()).toBe(true);
      // Finished, the page stops asking.
      const asked = describes.length;
      await page.waitForTimeout(2500);
      expect(describes.length).toBe(asked);
      expect(problems).toEqual([]);
    });
  },
);

/**
 * The console in a real browser (playwright-core, Debian's chromium, the real server) on a Map
 * whose iterations run at once and interleave their events, one of them retried: each iteration's
 * step panel shows that iteration's own input, output and attempts, as the history's links
 * (previousEventId) attribute them. Skipped when /usr/bin/chromium is missing, unless
 * STEPWISE_REQUIRE_BROWSER=1.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { startServer, type RunningServer } from '../../src/server.js';

const CHROMIUM = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const ROOT = resolve(import.meta.dirname, '../..');
const ROLE = 'arn:aws:iam::123456789012:role/stepwise';
const RESERVE = 'arn:aws:lambda:us-east-1:123456789012:function:reserve';

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

/** Three reservations at once; `b` is busy twice and retried, `a` finishes last. */
const definition = {
  StartAt: 'ReserveItems',
  States: {
    ReserveItems: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        StartAt: 'Reserve',
        States: {
          Reserve: {
            Type: 'Task',
            Resource: RESERVE,
            Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 1 }],
            End: true,
          },
        },
      },
    },
  },
};

describe.skipIf(!haveBrowser)(
  `Map iterations in the console${haveBrowser ? '' : ` (skipped: ${CHROMIUM} not found)`}`,
  { timeout: 30_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-iterations-'));
    let server: RunningServer;
    let context: BrowserContext;
    let page: Page;
    let executionArn: string;
    const problems: string[] = [];

    beforeAll(async () => {
      ensureConsoleBuilt();
      let bDone: () => void = () => undefined;
      const bSucceeded = new Promise<void>((r) => (bDone = r));
      let bAttempts = 0;
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        logLevel: 'silent',
        // Retries wait a tenth of their interval.
        waitTimeScale: 0.1,
        handlers: {
          [RESERVE]: async (input: Json) => {
            const sku = (input as { sku: string }).sku;
            if (sku === 'b' && ++bAttempts < 3)
              throw Object.assign(new Error(`attempt ${bAttempts}`), { name: 'Busy' });
            if (sku === 'b') bDone();
            // `a` is scheduled first and finishes last: its events come after all of b's.
            if (sku === 'a') await bSucceeded;
            return sku.toUpperCase();
          },
        },
      });
      const sfn = new SFNClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        disableHostPrefix: true,
      });
      const stateMachineArn = (
        await sfn.send(
          new CreateStateMachineCommand({
            name: 'reservations',
            definition: JSON.stringify(definition),
            roleArn: ROLE,
          }),
        )
      ).stateMachineArn!;
      executionArn = (
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: 'interleaved',
            input: JSON.stringify([{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]),
          }),
        )
      ).executionArn!;
      for (let i = 0; i < 200; i++) {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      sfn.destroy();
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
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the history interleaves the iterations: b’s retries come between a’s scheduling and its result', async () => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.GetExecutionHistory',
        },
        body: JSON.stringify({ executionArn, maxResults: 1000 }),
      });
      const { events } = (await response.json()) as { events: { type: string; previousEventId: number; id: number }[] };
      const types = events.map((e) => e.type);
      expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
      expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
      // Iteration 0's result (the last LambdaFunctionSucceeded) comes after both of b's failures.
      expect(types.lastIndexOf('LambdaFunctionSucceeded')).toBeGreaterThan(types.lastIndexOf('LambdaFunctionFailed'));
      expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    });

    it('each iteration’s step panel shows its own input, output and attempts', async () => {
      await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn)}`);
      await page.waitForLoadState('load');
      await page.locator('[data-testid="graph"][data-laid-out="true"]').waitFor();
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      const panel = page.locator('aside.step-panel');
      const seen: Record<string, unknown>[] = [];
      for (const index of [0, 1, 2]) {
        await page.getByTestId('iteration-picker').selectOption(`ReserveItems[${index}]`);
        await page.locator('.react-flow__node [data-state="Reserve"]').first().click();
        await expect.poll(() => panel.getAttribute('data-state')).toBe('Reserve');
        await panel.getByRole('tab', { name: 'Input' }).click();
        const input = JSON.parse((await panel.getByLabel('State input').textContent()) ?? 'null') as Json;
        await panel.getByRole('tab', { name: 'Output' }).click();
        const output = JSON.parse((await panel.getByLabel('State output').textContent()) ?? 'null') as Json;
        await panel.getByRole('tab', { name: 'Details' }).click();
        const attempts = await panel.locator('table caption').textContent();
        const outcomes = await panel.locator('table tbody tr td:last-child').allTextContents();
        seen.push({ index, input, output, attempts, outcomes, status: await panel.getAttribute('data-status') });
      }
      expect(seen).toEqual([
        {
          index: 0,
          input: { sku: 'a' },
          output: 'A',
          attempts: 'Attempts (0 retries)',
          outcomes: ['succeeded'],
          status: 'SUCCEEDED',
        },
        {
          index: 1,
          input: { sku: 'b' },
          output: 'B',
          attempts: 'Attempts (2 retries)',
          outcomes: ['failed (Busy)', 'failed (Busy)', 'succeeded'],
          status: 'SUCCEEDED',
        },
        {
          index: 2,
          input: { sku: 'c' },
          output: 'C',
          attempts: 'Attempts (0 retries)',
          outcomes: ['succeeded'],
          status: 'SUCCEEDED',
        },
      ]);
      expect(problems).toEqual([]);
    });
  },
);

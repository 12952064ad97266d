/**
 * Two things the console says or offers from the server, in a real browser (playwright-core,
 * Debian's chromium, the real server with a real mock configuration file):
 *
 * - a running asynchronous Express execution has no Stop: AWS's StopExecution does not support
 *   Express state machines (the API answers InvalidArn, as AWS does), so where a Standard execution
 *   has its Stop button (and Stop selected) the console says so;
 * - the start page offers the state machine's test cases from the mock configuration and starts
 *   `<stateMachineArn>#<TestCase>` with the chosen one.
 *
 * Screenshots go to test-results/console/. Skipped when /usr/bin/chromium is missing, unless
 * STEPWISE_REQUIRE_BROWSER=1.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  InvalidArn,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type CreateStateMachineCommandInput,
} from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const CHROMIUM = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const required = process.env.STEPWISE_REQUIRE_BROWSER === '1';
const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results/console');
const ROLE = 'arn:aws:iam::123456789012:role/stepwise';
/** No such function runs here: only a mocked response gets past it. */
const CHARGE = 'arn:aws:lambda:us-east-1:123456789012:function:charge';

describe.runIf(!haveBrowser && required)('the Express stop and test case browser tests when they are required', () => {
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

/** Step Functions Local's MockConfigFile: two test cases for Orders, one for the Express QuickOrders. */
const mockConfig = {
  StateMachines: {
    Orders: { TestCases: { HappyPath: { Charge: 'Charged' }, DeclinedPath: { Charge: 'Declined' } } },
    QuickOrders: { TestCases: { HappyPath: { Charge: 'Charged' } } },
  },
  MockedResponses: {
    Charged: { '0': { Return: { StatusCode: 200, Payload: { charged: 42 } } } },
    Declined: { '0': { Throw: { Error: 'Card.Declined', Cause: 'mocked: insufficient funds' } } },
  },
};

const orders = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: CHARGE, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
};

/** Long enough to be running through the test, ended by the server's stop. */
const waiting = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 120, End: true } } };

describe.skipIf(!haveBrowser)(
  `an Express execution's missing Stop and a mock test case chosen at start, in the console${haveBrowser ? '' : ` (skipped: ${CHROMIUM} not found)`}`,
  { timeout: 30_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-express-mocks-'));
    let server: RunningServer;
    let sfn: SFNClient;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];

    const create = async (input: Omit<CreateStateMachineCommandInput, 'roleArn'>) =>
      (await sfn.send(new CreateStateMachineCommand({ roleArn: ROLE, ...input }))).stateMachineArn!;
    const open = async (hash: string) => {
      await page.goto('about:blank');
      await page.goto(`${server.url}/${hash}`);
      await page.waitForLoadState('load');
    };
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const executionArnInHash = async (part: string) => {
      await expect.poll(() => page.evaluate<string>('decodeURIComponent(location.hash)')).toContain(part);
      const hash = await page.evaluate<string>('decodeURIComponent(location.hash)');
      return hash.slice(hash.indexOf('arn:'));
    };

    beforeAll(async () => {
      ensureConsoleBuilt();
      mkdirSync(SHOTS, { recursive: true });
      const mockFile = join(dir, 'MockConfigFile.json');
      writeFileSync(mockFile, JSON.stringify(mockConfig));
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        logLevel: 'silent',
        mockConfig: mockFile,
      });
      sfn = new SFNClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        disableHostPrefix: true,
      });
      context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
        viewport: { width: 1440, height: 1000 },
        colorScheme: 'light',
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

    it('a running asynchronous Express execution says it cannot be stopped, since StopExecution refuses Express as AWS does', async () => {
      const arn = await create({ name: 'slow', definition: JSON.stringify(waiting), type: 'EXPRESS' });
      const running: string[] = [];
      for (const name of ['first', 'second'])
        running.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name }))).executionArn!);

      // The real API: AWS's StopExecution does not support Express state machines.
      const refused = await sfn.send(new StopExecutionCommand({ executionArn: running[0] })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidArn);
      expect((refused as Error).message).toBe("Invalid Arn: 'Resource type not valid in this context: express'");

      await open(`#/machines/${encodeURIComponent(arn)}/executions`);
      const rows = page.locator('[data-testid="express-executions"] tbody tr[data-execution]');
      await expect.poll(() => rows.count()).toBe(2);
      for (const row of await rows.all()) {
        expect(await row.locator('.badge').textContent()).toBe('running');
        expect(await row.getByTestId('no-stop').textContent()).toBe('not supported for Express');
        expect(await row.getByRole('checkbox').count()).toBe(0);
      }
      const notice = page.getByTestId('express-cannot-stop');
      expect(await notice.textContent()).toContain(
        'Running Express executions cannot be stopped, one by one or several at once',
      );
      expect(await notice.textContent()).toContain("AWS's StopExecution does not support Express state machines");
      expect(await page.getByRole('button', { name: /^Stop/ }).count()).toBe(0);
      await shot('30-express-cannot-stop-list');

      await page.getByRole('link', { name: 'first' }).click();
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('RUNNING');
      expect(await page.getByTestId('express-cannot-stop').textContent()).toContain('Cannot be stopped');
      expect(await page.getByRole('button', { name: /^Stop/ }).count()).toBe(0);
      await shot('31-express-cannot-stop-execution');

      // The refused stop left it running.
      const record = (await (await fetch(`${server.url}/console/api/express?stateMachineArn=${arn}`)).json()) as {
        executions: { name: string; status: string }[];
      };
      expect(record.executions.map((e) => [e.name, e.status])).toEqual([
        ['second', 'RUNNING'],
        ['first', 'RUNNING'],
      ]);
    });

    it('lists the mock configuration’s test cases per state machine name, in the file’s order', async () => {
      const all = await (await fetch(`${server.url}/console/api/mocks`)).json();
      expect(all).toEqual({
        configured: true,
        stateMachines: [
          { stateMachineName: 'Orders', testCases: ['HappyPath', 'DeclinedPath'] },
          { stateMachineName: 'QuickOrders', testCases: ['HappyPath'] },
        ],
      });
      const one = await (await fetch(`${server.url}/console/api/mocks?stateMachineName=Orders`)).json();
      expect(one).toEqual({
        configured: true,
        stateMachines: [{ stateMachineName: 'Orders', testCases: ['HappyPath', 'DeclinedPath'] }],
      });
      expect(await (await fetch(`${server.url}/console/api/mocks?stateMachineName=Other`)).json()).toEqual({
        configured: true,
        stateMachines: [],
      });
    });

    it('starts a Standard execution with the test case chosen on the start page, and the mocked responses decide it', async () => {
      const arn = await create({ name: 'Orders', definition: JSON.stringify(orders) });
      await open(`#/machines/${encodeURIComponent(arn)}/start`);
      const choice = page.getByLabel('Mock test case');
      await expect
        .poll(() => choice.locator('option').allTextContents())
        .toEqual(['none: real integrations', 'HappyPath', 'DeclinedPath']);
      expect(await page.getByTestId('test-case-help').textContent()).toContain('2 test cases for Orders');
      await choice.selectOption('DeclinedPath');
      expect(await page.getByTestId('test-case-help').textContent()).toContain('Starts Orders#DeclinedPath');
      await page.getByLabel('Name (optional)').fill('declined');
      await page.getByLabel('Execution input (JSON)').fill('{"amount": 42}');
      await shot('32-start-with-test-case');
      await page.getByRole('button', { name: 'Start execution' }).click();
      const declined = await executionArnInHash(':execution:Orders:declined');
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('FAILED');
      expect(await sfn.send(new DescribeExecutionCommand({ executionArn: declined }))).toMatchObject({
        status: 'FAILED',
        error: 'Card.Declined',
        cause: 'mocked: insufficient funds',
      });

      await open(`#/machines/${encodeURIComponent(arn)}/start`);
      await page.getByLabel('Mock test case').selectOption('HappyPath');
      await page.getByLabel('Name (optional)').fill('happy');
      await page.getByRole('button', { name: 'Start execution' }).click();
      const happy = await executionArnInHash(':execution:Orders:happy');
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: happy }));
      expect(JSON.parse(described.output ?? 'null')).toEqual({ charged: 42 });
      await shot('33-started-with-test-case');
    });

    it('an Express machine with a test case chosen starts with StartExecution, and a machine the file does not name offers none', async () => {
      const quick = await create({ name: 'QuickOrders', definition: JSON.stringify(orders), type: 'EXPRESS' });
      await open(`#/machines/${encodeURIComponent(quick)}/start`);
      const wait = page.getByLabel(/Wait for the result/);
      await expect.poll(() => wait.isChecked()).toBe(true);
      await page.getByLabel('Mock test case').selectOption('HappyPath');
      expect(await wait.isChecked()).toBe(false);
      expect(await wait.isDisabled()).toBe(true);
      expect(await page.getByTestId('test-case-help').textContent()).toContain('starts with StartExecution');
      await page.getByLabel('Name (optional)').fill('quick-happy');
      await page.getByRole('button', { name: 'Start execution' }).click();
      await executionArnInHash(':express:QuickOrders:quick-happy:');
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');

      const other = await create({ name: 'Unnamed', definition: JSON.stringify(orders) });
      await open(`#/machines/${encodeURIComponent(other)}/start`);
      await expect
        .poll(() => page.getByTestId('test-case-help').textContent())
        .toBe(
          "The server's mock configuration has no test case for Unnamed: its Task states run their real integrations.",
        );
      expect(await page.getByLabel('Mock test case').count()).toBe(0);
      await shot('34-start-without-test-cases');
    });

    it('logged no page errors', () => {
      expect(problems).toEqual([]);
    });
  },
);

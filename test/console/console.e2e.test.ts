/**
 * The console in a real browser: playwright-core driving Debian's chromium against the real
 * server (its built console at `/`). Screenshots of each page, light and dark, go to
 * test-results/console/. Skipped with a message when /usr/bin/chromium is missing, unless
 * STEPWISE_REQUIRE_BROWSER=1 (CI installs chromium and sets it).
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

describe.runIf(!haveBrowser && required)('the console browser tests when they are required', () => {
  it(`find chromium at ${CHROMIUM} (STEPWISE_REQUIRE_BROWSER=1)`, () => {
    expect(haveBrowser, `${CHROMIUM} is missing: apt-get install chromium, or unset STEPWISE_REQUIRE_BROWSER`).toBe(
      true,
    );
  });
});

if (!haveBrowser && !required)
  console.warn(`console browser tests skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);

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
  const sources = Math.max(
    newest(join(ROOT, 'console')),
    statSync(join(ROOT, 'src/asl/graph.ts')).mtimeMs,
    statSync(join(ROOT, 'src/asl/validate.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

const definition = {
  Comment: 'Parallel, Map, Choice and Catch',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: [1, 2, 3], ResultPath: '$.items', Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      ResultPath: '$.fan',
      Next: 'Each',
      Branches: [
        {
          StartAt: 'Greet',
          States: {
            Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hello {}', $.name)" }, End: true },
          },
        },
        {
          StartAt: 'Risky',
          States: {
            Risky: {
              Type: 'Task',
              Resource: fn('boom'),
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
              End: true,
            },
            Recover: { Type: 'Pass', Result: 'recovered', End: true },
          },
        },
      ],
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ResultPath: '$.doubled',
      ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: fn('double'), End: true } } },
      Next: 'Check',
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.name', StringEquals: 'Ada', Next: 'Done' }], Default: 'Refuse' },
    Done: { Type: 'Succeed' },
    Refuse: { Type: 'Fail', Error: 'UnknownName', Cause: 'not Ada' },
  },
};

const gated = {
  StartAt: 'Before',
  States: {
    Before: { Type: 'Pass', Next: 'Gate' },
    Gate: { Type: 'Task', Resource: fn('gate'), Next: 'After' },
    After: { Type: 'Pass', End: true },
  },
};

describe.skipIf(!haveBrowser)(
  `the console in chromium${haveBrowser ? '' : ` (skipped: ${CHROMIUM} not found)`}`,
  { timeout: 30_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-console-'));
    let server: RunningServer;
    let context: BrowserContext;
    let page: Page;
    let sfn: SFNClient;
    let machineArn: string;
    let executionArn: string;
    let gatedArn: string;
    const problems: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));

    beforeAll(async () => {
      ensureConsoleBuilt();
      mkdirSync(SHOTS, { recursive: true });
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        logLevel: 'silent',
        handlers: {
          [fn('boom')]: () => {
            throw Object.assign(new Error('the risky call failed'), { name: 'RiskyError' });
          },
          [fn('double')]: (input) => (input as number) * 2,
          [fn('gate')]: async (input) => {
            await gate;
            return input;
          },
        },
      });
      sfn = new SFNClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        disableHostPrefix: true,
      });
      machineArn = (
        await sfn.send(
          new CreateStateMachineCommand({ name: 'orders', definition: JSON.stringify(definition), roleArn: ROLE }),
        )
      ).stateMachineArn!;
      gatedArn = (
        await sfn.send(
          new CreateStateMachineCommand({ name: 'gated', definition: JSON.stringify(gated), roleArn: ROLE }),
        )
      ).stateMachineArn!;
      executionArn = (
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machineArn,
            name: 'first',
            input: JSON.stringify({ name: 'Ada' }),
          }),
        )
      ).executionArn!;
      for (let i = 0; i < 100; i++) {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
        viewport: { width: 1440, height: 1000 },
        colorScheme: 'light',
      });
      page = context.pages()[0] ?? (await context.newPage());
      // Until the server has the live endpoint the console falls back to polling; its one refused
      // request to /console/api/ is the only browser message allowed, and only then.
      const live = await fetch(
        `${server.url}/console/api/executions/${encodeURIComponent(executionArn)}/events?after=0`,
      );
      const liveEndpoint = (live.headers.get('content-type') ?? '').includes('text/event-stream');
      await live.body?.cancel();
      page.on('console', (message) => {
        if (!liveEndpoint && message.location().url.includes('/console/api/')) return;
        if (message.type() === 'error' || message.type() === 'warning')
          problems.push(`${message.type()}: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    }, 120_000);

    afterAll(async () => {
      release();
      await context?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const open = async (hash: string) => {
      await page.goto('about:blank');
      await page.goto(`${server.url}/${hash}`);
      // Not 'networkidle': a running execution's page keeps its live event stream open.
      await page.waitForLoadState('load');
    };
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const node = (state: string) => page.locator(`.react-flow__node [data-state="${state}"]`).first();
    const graphReady = () => page.locator('[data-testid="graph"][data-laid-out="true"]').waitFor();

    it('serves the console at / with the right content types, and refuses paths outside it', async () => {
      const index = await fetch(`${server.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toContain('text/html');
      const html = await index.text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      const asset = await fetch(`${server.url}${script}`);
      expect(asset.headers.get('content-type')).toContain('text/javascript');
      expect((await fetch(`${server.url}/some/page`)).headers.get('content-type')).toContain('text/html');
      // A path that climbs out of dist/console gets the app, never the file.
      const climb = await new Promise<string>((resolveBody, reject) => {
        get(`${server.url}/..%2f..%2fpackage.json`, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolveBody(body));
        }).on('error', reject);
      });
      expect(climb).not.toContain('"dependencies"');
      expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(400);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    });

    it('lists the state machines and finds one by name', async () => {
      await open('#/machines');
      await expect.poll(() => page.getByRole('link', { name: 'orders' }).count()).toBe(1);
      await page.getByRole('searchbox').fill('gat');
      await expect.poll(() => page.getByRole('link', { name: 'orders' }).count()).toBe(0);
      await page.getByRole('searchbox').fill('');
      await shot('01-state-machines');
    });

    it('draws the state machine: nested groups, labelled Choice, Default and Catch edges', async () => {
      await open(`#/machines/${encodeURIComponent(machineArn)}`);
      await graphReady();
      for (const state of ['Prepare', 'Fan', 'Greet', 'Risky', 'Recover', 'Each', 'Double', 'Check', 'Done', 'Refuse'])
        await expect.poll(() => node(state).count()).toBe(1);
      await expect.poll(() => page.locator('.flow-edge-label', { hasText: 'Default' }).count()).toBe(1);
      await expect.poll(() => page.locator('.flow-edge-label.label-catch', { hasText: 'States.ALL' }).count()).toBe(1);
      await expect.poll(() => page.locator('.flow-edge-label.label-choice').count()).toBe(1);
      await shot('02-state-machine-graph');
      await page.getByRole('tab', { name: 'Definition' }).click();
      await page.getByRole('tab', { name: 'YAML' }).click();
      await expect.poll(() => page.locator('pre.code').textContent()).toContain('StartAt: Prepare');
      await page.getByRole('tab', { name: 'Executions' }).click();
      await expect.poll(() => page.getByRole('link', { name: 'first' }).count()).toBe(1);
      await shot('03-state-machine-executions');
    });

    it("colours each state by its status from the history and shows a state's input and output", async () => {
      await open(`#/executions/${encodeURIComponent(executionArn)}`);
      await graphReady();
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      const expected: Record<string, string> = {
        Prepare: 'SUCCEEDED',
        Fan: 'SUCCEEDED',
        Greet: 'SUCCEEDED',
        Risky: 'CAUGHT_ERROR',
        Recover: 'SUCCEEDED',
        Each: 'SUCCEEDED',
        Double: 'SUCCEEDED',
        Check: 'SUCCEEDED',
        Done: 'SUCCEEDED',
        Refuse: 'NOT_REACHED',
      };
      for (const [state, status] of Object.entries(expected))
        await expect.poll(() => node(state).getAttribute('data-status')).toBe(status);
      expect(await node('Risky').getAttribute('class')).toContain('status-caught-error');

      await node('Greet').click();
      const panel = page.locator('aside.step-panel');
      await expect.poll(() => panel.getAttribute('data-state')).toBe('Greet');
      expect(JSON.parse((await panel.getByLabel('State input').textContent()) ?? '')).toMatchObject({
        name: 'Ada',
        items: [1, 2, 3],
      });
      await panel.getByRole('tab', { name: 'Output' }).click();
      expect(JSON.parse((await panel.getByLabel('State output').textContent()) ?? '')).toEqual({
        greeting: 'hello Ada',
      });
      await panel.getByRole('tab', { name: 'Advanced' }).click();
      await panel.getByRole('button', { name: 'Compute the pipeline' }).click();
      await page.getByTestId('pipeline').waitFor();
      expect(JSON.parse((await panel.getByLabel('After Parameters').textContent()) ?? '')).toEqual({
        greeting: 'hello Ada',
      });
      await shot('04-execution-graph-light');

      await page.getByTestId('iteration-picker').selectOption('Each[1]');
      await node('Double').click();
      await panel.getByRole('tab', { name: 'Input' }).click();
      expect(await panel.getByLabel('State input').textContent()).toBe('2');
      await panel.getByRole('tab', { name: 'Output' }).click();
      expect(await panel.getByLabel('State output').textContent()).toBe('4');

      await page.getByRole('button', { name: /^Theme/ }).click(); // system → light
      await page.getByRole('button', { name: /^Theme/ }).click(); // light → dark
      expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
      await shot('05-execution-graph-dark');
      await page.getByRole('button', { name: /^Theme/ }).click(); // dark → system (light here)
    });

    it('shows the table view with each state run and the event view with expandable details', async () => {
      await open(`#/executions/${encodeURIComponent(executionArn)}/table`);
      await expect.poll(() => page.locator('[data-testid="state-table"] tbody tr').count()).toBe(11);
      expect(await page.locator('[data-testid="state-table"] tr[data-state="Risky"]').getAttribute('data-status')).toBe(
        'CAUGHT_ERROR',
      );
      await shot('06-execution-table');
      await page.getByRole('tab', { name: 'Event view' }).click();
      const rows = page.locator('[data-testid="event-table"] tbody tr[data-event-type]');
      await expect.poll(() => rows.first().getAttribute('data-event-type')).toBe('ExecutionStarted');
      expect(await rows.last().getAttribute('data-event-type')).toBe('ExecutionSucceeded');
      expect(await page.locator('tr[data-event-type="LambdaFunctionFailed"]').count()).toBe(1);
      await page.getByRole('button', { name: 'Event 1 details' }).click();
      await expect
        .poll(() => page.locator('.details-row pre').first().textContent())
        .toContain('executionStartedEventDetails');
      await shot('07-execution-events');
    });

    it('updates a running execution live as its history grows', async () => {
      const { executionArn: running } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: gatedArn, name: 'waiting', input: '{"n":1}' }),
      );
      await open(`#/executions/${encodeURIComponent(running!)}`);
      await graphReady();
      await expect.poll(() => node('Gate').getAttribute('data-status'), { timeout: 10_000 }).toBe('IN_PROGRESS');
      expect(await node('Before').getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await node('After').getAttribute('data-status')).toBe('NOT_REACHED');
      await shot('08-execution-running');
      release();
      await expect.poll(() => node('After').getAttribute('data-status'), { timeout: 10_000 }).toBe('SUCCEEDED');
      await expect
        .poll(() => page.getByTestId('execution-status').textContent(), { timeout: 10_000 })
        .toBe('SUCCEEDED');
      expect(await node('Gate').getAttribute('data-status')).toBe('SUCCEEDED');
    });

    it('shows the diagnostics of a broken definition at their line and column, and redraws the graph', async () => {
      await open('#/create');
      await graphReady();
      const broken = [
        '{',
        '  "StartAt": "One",',
        '  "States": {',
        '    "One": { "Type": "Pass", "Next": "Nowhere" }',
        '  }',
        '}',
      ].join('\n');
      await page.getByLabel('Definition (JSON)').fill(broken);
      const diagnostic = page.locator('.diagnostic-error').first();
      await expect.poll(() => diagnostic.getAttribute('data-line')).toBe('4');
      expect(await diagnostic.textContent()).toContain('Nowhere');
      expect(await page.locator('.mark-line.mark-error').first().getAttribute('data-line')).toBe('4');
      await expect.poll(() => node('One').count()).toBe(1);
      await shot('09-editor-diagnostics');
      await page.getByLabel('Definition (JSON)').fill(broken.replace('"Next": "Nowhere"', '"End": true'));
      await expect.poll(() => page.getByTestId('validity').textContent()).toBe('Valid');
    });

    it('lists the nodes on the Cluster page, this server alone and alive, refreshed every 2 s until left', async () => {
      const requests: string[] = [];
      const count = (request: { url(): string }) =>
        void (new URL(request.url()).pathname === '/cluster/nodes' && requests.push(request.url()));
      page.on('request', count);
      try {
        await open('#/machines');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cluster' }).click();
        const row = page.locator('[data-testid="cluster-nodes"] tbody tr[data-node="local"]');
        await expect.poll(() => row.count()).toBe(1);
        expect(await page.locator('[data-testid="cluster-nodes"] tbody tr').count()).toBe(1);
        expect(await row.getAttribute('data-alive')).toBe('true');
        expect(await row.locator('.badge-self').textContent()).toBe('this node');
        expect(await row.locator('.badge').allTextContents()).toEqual(['this node', 'alive']);
        expect(await page.getByTestId('cluster-summary').textContent()).toContain('1 node, 1 alive.');
        expect(await page.getByRole('link', { name: 'Cluster' }).getAttribute('aria-current')).toBe('page');
        await shot('10-cluster');
        await expect.poll(() => requests.length, { timeout: 6000 }).toBeGreaterThanOrEqual(2);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'State machines' }).click();
        await expect.poll(() => page.getByRole('link', { name: 'orders' }).count()).toBe(1);
        const left = requests.length;
        await new Promise((r) => setTimeout(r, 2500));
        expect(requests.length).toBe(left);
      } finally {
        page.off('request', count);
      }
    });

    it('shows every node of a cluster with its counters, and an error while the server does not answer', async () => {
      // A page of its own: the failed requests below log browser errors on purpose.
      const other = await context.newPage();
      const now = Date.now();
      const stats = {
        stepsCommitted: 1234,
        executionsClaimed: 12,
        executionsTakenOver: 2,
        signalsForwarded: 5,
        leasesLost: 0,
      };
      const nodes = {
        self: 'node-a',
        nodes: [
          {
            id: 'node-a',
            address: 'http://10.0.0.5:8083',
            startedAt: now - 600_000,
            heartbeatAt: now - 2000,
            leaseUntil: now + 8000,
            alive: true,
            executions: 3,
            stats,
          },
          {
            id: 'node-b',
            address: 'http://10.0.0.6:8083',
            startedAt: now - 900_000,
            heartbeatAt: now - 120_000,
            leaseUntil: now - 110_000,
            alive: false,
            executions: 0,
            stats: { ...stats, queueDepth: 7 },
          },
        ],
      };
      let failing = false;
      await other.route('**/cluster/nodes', (route) =>
        failing
          ? route.fulfill({
              status: 503,
              contentType: 'application/json',
              body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'the database is unreachable' }),
            })
          : route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(nodes) }),
      );
      try {
        await other.goto(`${server.url}/#/cluster`);
        const row = (id: string) => other.locator(`[data-testid="cluster-nodes"] tbody tr[data-node="${id}"]`);
        await expect.poll(() => row('node-b').count()).toBe(1);
        expect(await row('node-a').locator('.badge').allTextContents()).toEqual(['this node', 'alive']);
        expect(await row('node-b').locator('.badge').allTextContents()).toEqual(['dead']);
        expect(await row('node-b').getByRole('link', { name: 'http://10.0.0.6:8083' }).getAttribute('href')).toBe(
          'http://10.0.0.6:8083',
        );
        expect(await row('node-a').locator('time').first().textContent()).toMatch(/^\d+ s ago$/);
        expect(await row('node-b').locator('time').first().textContent()).toBe('2 min ago');
        const headers = await other.locator('[data-testid="cluster-nodes"] thead th').allTextContents();
        expect(headers.slice(6)).toEqual([
          'Steps committed',
          'Executions claimed',
          'Executions taken over',
          'Signals forwarded',
          'Leases lost',
          'Queue depth',
        ]);
        expect(await row('node-a').locator('td[data-stat="queueDepth"]').textContent()).toBe('—');
        expect(await row('node-b').locator('td[data-stat="queueDepth"]').textContent()).toBe('7');
        expect(await other.getByTestId('cluster-summary').textContent()).toContain('2 nodes, 1 alive.');
        await other.screenshot({ path: join(SHOTS, '11-cluster-nodes.png'), fullPage: true });
        failing = true;
        await expect
          .poll(() => other.getByRole('alert').textContent(), { timeout: 6000 })
          .toContain('the database is unreachable');
        expect(await other.getByRole('alert').textContent()).toContain('Showing the last answer');
        expect(await row('node-b').count()).toBe(1);
        await other.screenshot({ path: join(SHOTS, '12-cluster-error.png'), fullPage: true });
        failing = false;
        await expect.poll(() => other.getByRole('alert').count(), { timeout: 6000 }).toBe(0);
      } finally {
        await other.close();
      }
    });

    it('logged no console errors or page errors', () => {
      expect(problems).toEqual([]);
    });
  },
);

/**
 * The console in a real browser: playwright-core driving Debian's chromium against the real
 * server (its built console at `/`). Screenshots of each page, light and dark, go to
 * test-results/console/. Skipped with a message when /usr/bin/chromium is missing, unless
 * STEPWISE_REQUIRE_BROWSER=1 (CI installs chromium and sets it).
 */
import {
  CreateActivityCommand,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListStateMachinesCommand,
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
const passDefinitionFor = (result: string) => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Result: result, End: true } },
});

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
    let releaseHeld: () => void = () => undefined;
    const held = new Promise<void>((r) => (releaseHeld = r));
    const LONG_CAUSE = `${'the downstream service said no; '.repeat(160)}`.slice(0, 5000);

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
          [fn('long')]: () => {
            throw Object.assign(new Error(LONG_CAUSE), { name: 'DownstreamRefused' });
          },
          [fn('work')]: (input) => input,
          [fn('hold')]: async (input) => {
            await held;
            return input;
          },
          'arn:aws:states:::lambda:invoke.waitForTaskToken': () => ({ sent: true }),
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
        // Not UTC, so that the zone the console writes after each time is one to check.
        timezoneId: 'Europe/Paris',
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
      releaseHeld();
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
      // The graph opens at a readable size, so Double (inside the Map, low down) is scrolled out of
      // the canvas; Fit brings the whole graph in.
      await page.getByRole('button', { name: 'Fit', exact: true }).click();
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
      // Choosing a state low in the graph from the table opens the graph panned to it.
      await page
        .locator('[data-testid="state-table"] tr[data-state="Double"]')
        .first()
        .getByRole('button', { name: 'Double' })
        .click();
      await graphReady();
      await expect.poll(() => page.locator('aside.step-panel').getAttribute('data-state')).toBe('Double');
      const inCanvas = () =>
        page.evaluate<boolean>(`(() => {
          const box = document.querySelector('[data-testid="graph"]').getBoundingClientRect();
          const r = document.querySelector('.react-flow__node [data-state="Double"]').getBoundingClientRect();
          return r.top >= box.top && r.bottom <= box.bottom && r.left >= box.left && r.right <= box.right;
        })()`);
      await expect.poll(inCanvas).toBe(true);
      await open(`#/executions/${encodeURIComponent(executionArn)}/table`);
      await expect.poll(() => page.locator('[data-testid="state-table"] tbody tr').count()).toBe(11);
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

    /** Creates a state machine through the SDK and returns its ARN. */
    const createMachine = async (name: string, def: unknown, extra: Record<string, unknown> = {}) =>
      (
        await sfn.send(
          new CreateStateMachineCommand({ name, definition: JSON.stringify(def), roleArn: ROLE, ...extra }),
        )
      ).stateMachineArn!;
    const waitForEnd = async (arn: string) => {
      for (let i = 0; i < 200; i++) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        if (d.status !== 'RUNNING') return d;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${arn} still running`);
    };
    /** The widest the page is, against the viewport's width. */
    const pageWidth = () =>
      page.evaluate<{ scroll: number; viewport: number }>(
        `(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }))()`,
      );

    it('opens a 14-state graph at 1440×900 with labels of 11 px or more, state types coloured and in a legend, and Fit', async () => {
      const fourteen = {
        StartAt: 'Validate',
        States: {
          Validate: { Type: 'Pass', Next: 'Classify' },
          Classify: {
            Type: 'Choice',
            Choices: [{ Variable: '$.fetch', BooleanEquals: true, Next: 'Fetch' }],
            Default: 'Skip',
          },
          Fetch: { Type: 'Task', Resource: fn('work'), Next: 'Fan' },
          Skip: { Type: 'Pass', Next: 'Fan' },
          Fan: {
            Type: 'Parallel',
            Next: 'Each',
            Branches: [
              { StartAt: 'Enrich', States: { Enrich: { Type: 'Task', Resource: fn('work'), End: true } } },
              { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, End: true } } },
            ],
          },
          Each: {
            Type: 'Map',
            Next: 'Review',
            ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: fn('work'), End: true } } },
          },
          Review: { Type: 'Task', Resource: fn('work'), Next: 'Record' },
          Record: { Type: 'Pass', Next: 'Decide' },
          Decide: {
            Type: 'Choice',
            Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }],
            Default: 'Reject',
          },
          Done: { Type: 'Succeed' },
          Reject: { Type: 'Fail', Error: 'Rejected' },
        },
      };
      const arn = await createMachine('fourteen', fourteen);
      await page.setViewportSize({ width: 1440, height: 900 });
      try {
        await open(`#/machines/${encodeURIComponent(arn)}`);
        await graphReady();
        const states = Object.keys(fourteen.States).length + 3; // + Enrich, Pause, Double
        expect(states).toBe(14);
        await expect.poll(() => page.locator('.react-flow__node [data-state]').count()).toBe(14);
        const rendered = () =>
          page.evaluate<{ name: string; px: number }[]>(`(() =>
            [...document.querySelectorAll('.react-flow__node .flow-state-name')].map((el) => ({
              name: el.textContent,
              px: parseFloat(getComputedStyle(el).fontSize) * (el.getBoundingClientRect().height / el.offsetHeight),
            }))
          )()`);
        const labels = await rendered();
        expect(labels.length).toBe(12); // the leaf states; Fan and Each are groups with their own labels
        for (const label of labels)
          expect(label.px, `${label.name} renders at ${label.px} px`).toBeGreaterThanOrEqual(11);
        expect(Number(await page.getByTestId('graph').getAttribute('data-zoom'))).toBeGreaterThanOrEqual(0.9);

        // Each of the eight types has a colour of its own, and the legend names them all.
        const colours = await page.evaluate<Record<string, string>>(`(() => {
          const out = {};
          for (const el of document.querySelectorAll('.react-flow__node [data-state-type]')) {
            const type = el.dataset.stateType;
            const style = getComputedStyle(el);
            out[type] = el.classList.contains('flow-group') ? style.borderTopColor : style.borderLeftColor;
          }
          return out;
        })()`);
        expect(Object.keys(colours).sort()).toEqual(
          ['Choice', 'Fail', 'Map', 'Parallel', 'Pass', 'Succeed', 'Task', 'Wait'].sort(),
        );
        expect(new Set(Object.values(colours)).size).toBe(8);
        expect(await page.getByRole('list', { name: 'State types' }).locator('li').allTextContents()).toEqual([
          '⚙ Task',
          '◇ Choice',
          '⊞ Map',
          '∥ Parallel',
          '◷ Wait',
          '→ Pass',
          '✓ Succeed',
          '✕ Fail',
        ]);
        expect(await node('Classify').locator('.type-mark').textContent()).toBe('◇');
        expect(await pageWidth()).toMatchObject({ scroll: 1440 });
        await shot('13-graph-14-states-1440x900');

        // Fit shows the whole graph inside the canvas (smaller than readable, as asked).
        await page.getByRole('button', { name: 'Fit', exact: true }).click();
        await expect
          .poll(() =>
            page.evaluate<boolean>(`(() => {
              const box = document.querySelector('[data-testid="graph"]').getBoundingClientRect();
              return [...document.querySelectorAll('.react-flow__node')].every((n) => {
                const r = n.getBoundingClientRect();
                return (
                  r.left >= box.left - 1 &&
                  r.right <= box.right + 1 &&
                  r.top >= box.top - 1 &&
                  r.bottom <= box.bottom + 1
                );
              });
            })()`),
          )
          .toBe(true);
        await shot('14-graph-14-states-fit');
        await page.getByRole('button', { name: 'Readable size' }).click();
        await expect.poll(async () => Math.min(...(await rendered()).map((l) => l.px))).toBeGreaterThanOrEqual(11);
      } finally {
        await page.setViewportSize({ width: 1440, height: 1000 });
      }
    });

    it('keeps a 5,000-character cause inside the page, folded with a control to see it whole, and the graph above the fold', async () => {
      const arn = await createMachine('refused', {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Next: 'Call' },
          Call: { Type: 'Task', Resource: fn('long'), End: true },
        },
      });
      const { executionArn: failed } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
      const described = await waitForEnd(failed!);
      expect(described.status).toBe('FAILED');
      expect(described.cause!.length).toBeGreaterThanOrEqual(5000);
      await page.setViewportSize({ width: 1440, height: 900 });
      try {
        await open(`#/executions/${encodeURIComponent(failed!)}`);
        await graphReady();
        await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('FAILED');
        expect(await pageWidth()).toEqual({ scroll: 1440, viewport: 1440 });
        const cause = page.locator('.facts [aria-label="Cause"]');
        expect(await cause.getAttribute('data-folded')).toBe('true');
        expect(((await cause.locator('.fold-body').textContent()) ?? '').length).toBeLessThan(1000);
        const graphTop = await page.getByTestId('graph').evaluate((el) => el.getBoundingClientRect().top);
        await shot('15-long-cause-folded');
        expect(graphTop).toBeLessThan(900);
        await cause.getByRole('button', { name: /Show all \(5,0\d\d characters\)/ }).click();
        expect(await cause.getAttribute('data-folded')).toBe('false');
        expect((await cause.locator('.fold-body').textContent())?.length).toBe(described.cause!.length);
        expect(await pageWidth()).toEqual({ scroll: 1440, viewport: 1440 });
        await node('Call').click();
        await page.locator('aside.step-panel').getByRole('tab', { name: 'Output' }).click();
        expect(await pageWidth()).toEqual({ scroll: 1440, viewport: 1440 });
        await shot('16-long-cause-open');
      } finally {
        await page.setViewportSize({ width: 1440, height: 1000 });
      }
    });

    it('shows the state where the error arose as failed, not aborted, inside a Parallel branch too', async () => {
      const arn = await createMachine('broken-path', {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Parallel',
            End: true,
            Branches: [
              {
                StartAt: 'Shape',
                States: { Shape: { Type: 'Pass', Parameters: { 'value.$': '$.missing.field' }, End: true } },
              },
            ],
          },
        },
      });
      const { executionArn: failed } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
      expect((await waitForEnd(failed!)).status).toBe('FAILED');
      await open(`#/executions/${encodeURIComponent(failed!)}`);
      await graphReady();
      await expect.poll(() => node('Shape').getAttribute('data-status')).toBe('FAILED');
      expect(await node('Fan').getAttribute('data-status')).toBe('FAILED');
      await node('Shape').click();
      const panel = page.locator('aside.step-panel');
      expect(await panel.getAttribute('data-status')).toBe('FAILED');
      expect(await panel.getByTestId('origin-error').textContent()).toContain('States.Runtime');
      // The Started time carries its zone (the browser is in Europe/Paris: UTC+01:00 in December, +02:00 in summer).
      expect(await page.locator('.facts time').first().textContent()).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC\+0[12]:00$/,
      );
      await shot('17-failure-origin');
      await page.getByRole('tab', { name: 'Table view' }).click();
      expect(await page.locator('[data-testid="state-table"] tr[data-state="Shape"]').getAttribute('data-status')).toBe(
        'FAILED',
      );
    });

    it('shows what a waiting task waits for, and answers it from the page: heartbeat, failure, success', async () => {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'review' }));
      const arn = await createMachine('approvals', {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } },
            TimeoutSeconds: 3600,
            Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Review' }],
            Next: 'Review',
          },
          Review: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 300, TimeoutSeconds: 7200, End: true },
        },
      });
      const { executionArn: waiting } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'needs-answers', input: '{"order":7}' }),
      );
      await open(`#/executions/${encodeURIComponent(waiting!)}`);
      await graphReady();
      const task = (state: string) => page.locator(`[data-testid="waiting-tasks"] [data-task-state="${state}"]`);
      await expect.poll(() => task('Notify').count(), { timeout: 10_000 }).toBe(1);
      expect(await task('Notify').getAttribute('data-waits-for')).toBe('callback');
      expect(await task('Notify').getByTestId('waits-for').textContent()).toContain(
        'SendTaskSuccess or SendTaskFailure',
      );
      expect(await task('Notify').getByTestId('timeout').textContent()).toMatch(/UTC\+0[12]:00$/);
      expect(await task('Notify').getByTestId('heartbeat').textContent()).toBe('none required');
      expect(await task('Notify').getByTestId('task-token').textContent()).toMatch(/^sw1\./);
      await expect.poll(() => node('Notify').getAttribute('data-waiting')).toBe('task token');
      expect(await node('Notify').locator('.flow-state-type').textContent()).toContain('waiting');
      expect(await node('Notify').getAttribute('title')).toContain('waits for task token');
      // The node keeps its name on one line: the mark does not push it out.
      const box = await node('Notify').evaluate((el) => [el.scrollHeight, el.clientHeight]);
      expect(box[0]).toBeLessThanOrEqual(box[1] + 1);
      await shot('18-waiting-callback');

      // Failure with an error and a cause: caught, and the execution moves on to the activity.
      await task('Notify').getByRole('tab', { name: 'Send failure' }).click();
      await task('Notify').getByLabel('Error').fill('Rejected');
      await task('Notify').getByLabel('Cause').fill('not this week');
      await task('Notify').getByRole('button', { name: 'Send failure' }).click();
      await expect.poll(() => task('Review').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => node('Notify').getAttribute('data-status')).toBe('CAUGHT_ERROR');
      expect(await task('Review').getAttribute('data-waits-for')).toBe('activity');
      expect(await task('Review').getByTestId('waits-for').textContent()).toContain(
        'GetActivityTask on activity review',
      );
      expect(await task('Review').getByTestId('heartbeat').textContent()).toMatch(
        /^every 300 s, next due by \d{4}-.* UTC\+0[12]:00$/,
      );
      await expect.poll(() => node('Review').getAttribute('data-waiting')).toBe('activity worker');

      // A heartbeat, then success with a JSON output that must parse first.
      await task('Review').getByRole('tab', { name: 'Send heartbeat' }).click();
      await task('Review').getByRole('button', { name: 'Send heartbeat' }).click();
      await expect.poll(() => task('Review').getByRole('status').textContent()).toContain('Heartbeat sent');
      await task('Review').getByRole('tab', { name: 'Send success' }).click();
      await task('Review').getByLabel('Task output (JSON)').fill('{"approved": tru');
      expect(await task('Review').getByRole('button', { name: 'Send success' }).isDisabled()).toBe(true);
      await task('Review').getByLabel('Task output (JSON)').fill('{"approved": true}');
      await shot('19-waiting-activity');
      await task('Review').getByRole('button', { name: 'Send success' }).click();
      await expect
        .poll(() => page.getByTestId('execution-status').textContent(), { timeout: 10_000 })
        .toBe('SUCCEEDED');
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn: waiting }))).output).toBe(
        '{"approved":true}',
      );
      await expect.poll(() => page.getByTestId('waiting-tasks').count()).toBe(0);
    });

    it('shows Express executions from the server’s record, a sync start’s result rendered, and says what AWS does not keep', async () => {
      const arn = await createMachine(
        'quick',
        { StartAt: 'Say', States: { Say: { Type: 'Pass', Parameters: { 'said.$': '$.word' }, End: true } } },
        {
          type: 'EXPRESS',
          loggingConfiguration: {
            level: 'ALL',
            includeExecutionData: true,
            destinations: [
              { cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:quick:*' } },
            ],
          },
        },
      );
      await open(`#/machines/${encodeURIComponent(arn)}/start`);
      await page.getByLabel('Execution input (JSON)').fill('{"word": "hello"}');
      await page.getByRole('button', { name: 'Start execution' }).click();
      const result = page.getByTestId('sync-result');
      await result.waitFor();
      expect(await result.locator('.badge').textContent()).toBe('succeeded');
      expect(JSON.parse((await result.getByLabel('Execution output').textContent()) ?? '')).toEqual({ said: 'hello' });
      expect(await page.locator('pre.code').count()).toBe(0);
      await shot('20-express-sync-result');

      const { executionArn: async } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'later', input: '{"word":"bye"}' }),
      );
      await open(`#/machines/${encodeURIComponent(arn)}/executions`);
      const rows = page.locator('[data-testid="express-executions"] tbody tr[data-execution]');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await page.getByTestId('express-notice').textContent()).toContain(
        'AWS keeps no record of Express executions',
      );
      expect(await page.locator('body').textContent()).not.toContain('StateMachineTypeNotSupported');
      expect(await page.getByRole('alert').count()).toBe(0);
      await shot('21-express-executions');
      await expect.poll(() => rows.first().locator('.badge').textContent()).toBe('succeeded');
      await page.getByRole('link', { name: 'later' }).click();
      await graphReady();
      await expect.poll(() => node('Say').getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      expect(JSON.parse((await page.getByLabel('Execution output').textContent()) ?? '')).toEqual({ said: 'bye' });
      expect(await page.locator('[data-testid="event-table"] tbody tr').count()).toBe(4);
      expect(async).toContain(':express:quick:later:');
      await shot('22-express-execution');

      // Started from the console without waiting: its page, from the server's record, once it ends.
      await open(`#/machines/${encodeURIComponent(arn)}/start`);
      await page.getByLabel('Name (optional)').fill('from-console');
      await page.getByLabel('Execution input (JSON)').fill('{"word": "async"}');
      await page.getByLabel(/Wait for the result/).uncheck();
      await page.getByRole('button', { name: 'Start execution' }).click();
      await expect
        .poll(() => page.evaluate<string>('decodeURIComponent(location.hash)'))
        .toContain(':express:quick:from-console:');
      await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
      expect(JSON.parse((await page.getByLabel('Execution output').textContent()) ?? '')).toEqual({ said: 'async' });
    });

    it('deletes an alias, a version and a state machine, each after a confirmation', async () => {
      const arn = await createMachine('doomed', passDefinitionFor('v1'), { publish: true });
      await sfn.send(
        new CreateStateMachineAliasCommand({
          name: 'live',
          routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }],
        }),
      );
      await open(`#/machines/${encodeURIComponent(arn)}/versions`);
      const aliasRow = page.locator('tr', { hasText: 'live' });
      await aliasRow.waitFor();
      await aliasRow.getByRole('button', { name: 'Delete' }).click();
      expect(await aliasRow.getByRole('group').textContent()).toContain('Delete alias live?');
      await aliasRow.getByRole('button', { name: 'Cancel' }).click();
      expect(await aliasRow.count()).toBe(1);
      await aliasRow.getByRole('button', { name: 'Delete' }).click();
      await shot('23-delete-confirmation');
      await aliasRow.getByRole('button', { name: 'Delete alias' }).click();
      await expect.poll(() => page.getByText('No aliases.').count()).toBe(1);
      const versionRow = page.locator('tr', { has: page.getByRole('link', { name: '1', exact: true }) });
      await versionRow.getByRole('button', { name: 'Delete' }).click();
      await versionRow.getByRole('button', { name: 'Delete version' }).click();
      await expect.poll(() => page.getByText(/No versions published/).count()).toBe(1);
      await page.locator('.page-head').getByRole('button', { name: 'Delete' }).click();
      await page.locator('.page-head').getByRole('button', { name: 'Delete state machine' }).click();
      await expect.poll(() => page.evaluate(`(() => window.location.hash)()`)).toBe('#/machines');
      await expect.poll(() => page.getByRole('link', { name: 'orders' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'doomed' }).count()).toBe(0);
      const left = await sfn.send(new ListStateMachinesCommand({}));
      expect(left.stateMachines?.some((m) => m.name === 'doomed')).toBe(false);
    });

    it('stops many running executions at once: select them, Stop selected, confirm', async () => {
      const arn = await createMachine('held', {
        StartAt: 'Hold',
        States: { Hold: { Type: 'Task', Resource: fn('hold'), End: true } },
      });
      for (const name of ['h1', 'h2', 'h3'])
        await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: '{}' }));
      await open(`#/machines/${encodeURIComponent(arn)}/executions`);
      await expect.poll(() => page.locator('tr[data-execution] .badge-running').count()).toBe(3);
      const stop = page.getByRole('button', { name: /^Stop selected/ });
      expect(await stop.isDisabled()).toBe(true);
      await page.getByLabel('Select h1').check();
      expect(await stop.textContent()).toBe('Stop selected (1)');
      await page.getByLabel('Select every running execution on this page').check();
      expect(await stop.textContent()).toBe('Stop selected (3)');
      await stop.click();
      expect(await page.getByRole('group', { name: /Stop 3 running executions/ }).count()).toBe(1);
      await shot('24-stop-many-confirm');
      await page.getByRole('button', { name: 'Stop them' }).click();
      await expect.poll(() => page.getByTestId('stop-status').textContent()).toBe('Stopped 3 of 3 executions.');
      await expect.poll(() => page.locator('tr[data-execution] .badge-aborted').count()).toBe(3);
      for (const name of ['h1', 'h2', 'h3'])
        expect(
          (
            await sfn.send(
              new DescribeExecutionCommand({ executionArn: arn.replace(':stateMachine:', ':execution:') + `:${name}` }),
            )
          ).status,
        ).toBe('ABORTED');
      await shot('25-stopped-many');
    });

    it('logged no console errors or page errors', () => {
      expect(problems).toEqual([]);
    });
  },
);

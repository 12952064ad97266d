import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { cli, fixture, lines, spawnCli } from './helpers.js';

const flow = fixture('order-flow/order-flow.asl.json');
const order = fixture('order-flow/order.json');
const functions = fixture('order-flow/functions');
const mocks = fixture('order-flow/mock-config.json');

/** The order flow with its local functions and the mocked payment provider of `testCase`. */
function orderFlow(testCase: string, ...extra: string[]): string[] {
  return [
    'run',
    flow,
    '--input-file',
    order,
    '--functions-dir',
    functions,
    '--mock-config',
    mocks,
    '--test-case',
    testCase,
    ...extra,
  ];
}

const CONFIRMED = {
  orderId: 'o-1001',
  reserved: [
    { sku: 'A-100', reserved: 1 },
    { sku: 'B-200', reserved: 2 },
  ],
  payment: { charged: 42.5, receipt: 'r-77' },
  warehouse: 'queued',
};

/** The trace line of `label`'s frame (e.g. "ReserveItems #1") that contains `text`. */
function traceLine(trace: string[], label: string, text: string): string {
  const line = trace.find((l) => l.includes(`[${label}] `) && l.includes(text));
  expect(line, `a trace line of [${label}] with "${text}" in:\n${trace.join('\n')}`).toBeDefined();
  return line ?? '';
}

describe('stepwise run: a realistic order flow', () => {
  it('runs Choice, a Map of a retried local function, Parallel, a Wait and a mocked task to the output', async () => {
    const { code, stdout, stderr } = await cli(...orderFlow('PaymentHiccup', '--fake-clock'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(CONFIRMED);
  });

  it('--trace shows each state with its input and output, the retries and the Catch, as a timeline', async () => {
    const { code, stdout, stderr } = await cli(...orderFlow('PaymentHiccup', '--fake-clock', '--trace'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(CONFIRMED); // the trace goes to stderr, the output stays alone on stdout
    const trace = lines(stderr);
    // Every line starts with the time since the start; no colour without a terminal.
    for (const line of trace) expect(line).toMatch(/^ *\+\d+\.\d{3}s {2}/);
    expect(stderr).not.toContain('\u001b[');

    expect(trace[0]).toMatch(/^ *\+0\.000s {2}execution started {2}input \{"orderId":"o-1001"/);
    expect(trace).toContainEqual(expect.stringMatching(/^ *\+0\.000s {2}▶ CheckOrder \(Choice\) {2}input \{/));
    expect(trace).toContainEqual(expect.stringMatching(/^ *\+0\.000s {2}▶ ReserveItems \(Map\)/));

    // Map iterations: indented under the Map, labelled with their index; B-200's first attempt fails.
    const reserveA = traceLine(trace, 'ReserveItems #0', '◀ Reserve');
    expect(reserveA).toMatch(/^ *\+0\.000s {4}\[ReserveItems #0\] ◀ Reserve {2}output \{"sku":"A-100","reserved":1\}$/);
    expect(traceLine(trace, 'ReserveItems #1', '▶ Reserve (Task)')).toContain('input {"sku":"B-200","qty":2}');
    expect(traceLine(trace, 'ReserveItems #1', '✗ Reserve failed')).toContain(
      'StockServiceBusy: the stock service is busy, try again',
    );
    // The retry comes IntervalSeconds (2 s) later, in the fake clock's time.
    expect(traceLine(trace, 'ReserveItems #1', '↻ Reserve retry 1')).toMatch(
      /^ *\+2\.000s {4}\[ReserveItems #1\] ↻ Reserve retry 1 after 2\.000s$/,
    );

    // Parallel branches: the mocked payment times out once and is retried.
    expect(traceLine(trace, 'Fulfil branch 0', '✗ ChargeCard failed')).toContain(
      'Payment.Timeout: the payment provider did not answer',
    );
    expect(traceLine(trace, 'Fulfil branch 0', '↻ ChargeCard retry 1')).toContain('after 1.000s');
    expect(traceLine(trace, 'Fulfil branch 0', '◀ ChargeCard')).toContain('output {"charged":42.5,"receipt":"r-77"}');

    // The hour's Wait takes no real time but shows its length; then the Catch is taken.
    expect(traceLine(trace, 'Fulfil branch 1', '◀ WaitForWarehouse')).toMatch(/^ *\+3602\.000s {4}\[Fulfil branch 1\]/);
    expect(traceLine(trace, 'Fulfil branch 1', '✗ NotifyWarehouse failed')).toContain(
      'WarehouseOffline: the warehouse system is offline',
    );
    const caught = trace.findIndex((l) => l.includes('↪ NotifyWarehouse caught WarehouseOffline → QueueForLater'));
    expect(caught).toBeGreaterThan(0);
    expect(trace[caught + 1]).toMatch(/\[Fulfil branch 1\] ▶ QueueForLater \(Pass\)/);

    expect(trace.at(-1)).toMatch(/^ *\+3602\.000s {2}✓ execution succeeded {2}output \{"orderId":"o-1001"/);
  });

  it('a test case whose mocked task throws fails the execution, and the trace ends with why', async () => {
    const { code, stdout, stderr } = await cli(...orderFlow('PaymentDeclined', '--fake-clock', '--trace'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/\[Fulfil branch 0\] ✗ ChargeCard failed {2}Payment\.Declined: insufficient funds$/m);
    expect(stderr).toMatch(/✗ execution failed {2}Payment\.Declined: insufficient funds$/m);
    expect(stderr).toMatch(/^error: Payment\.Declined$/m);
  });

  it('takes the Choice default for an order with nothing to pay', async () => {
    const { code, stderr } = await cli(
      'run',
      flow,
      '--input',
      '{"orderId":"o-0","total":0,"items":[]}',
      '--functions-dir',
      functions,
      '--trace',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/▶ RejectOrder \(Fail\)/);
    expect(stderr).toMatch(/^error: OrderRejected$/m);
  });

  it('--wait-time-scale 0 makes the Wait and the backoffs instant on the real clock', async () => {
    const { code, stdout } = await cli(...orderFlow('PaymentHiccup', '--wait-time-scale', '0'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(CONFIRMED);
  });

  it('colours the trace when stderr is a terminal', async () => {
    let stderr = '';
    const code = await runCli(orderFlow('PaymentHiccup', '--fake-clock', '--trace'), {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      colour: true,
    });
    expect(code).toBe(0);
    expect(stderr).toContain('\u001b[');
  });

  it('--json prints the whole result with its history', async () => {
    const { code, stdout } = await cli(...orderFlow('PaymentHiccup', '--fake-clock', '--json'));
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { status: string; history: { type: string }[] };
    expect(result.status).toBe('SUCCEEDED');
    expect(result.history.filter((e) => e.type === 'MapIterationStarted')).toHaveLength(2);
  });

  it("as a process, exits once the execution ends (the local functions' workers do not keep it alive)", async () => {
    const { code, stdout, stderr } = await spawnCli(...orderFlow('PaymentHiccup', '--fake-clock', '--trace'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(CONFIRMED);
    expect(stderr).toContain('↻ Reserve retry 1 after 2.000s');
  }, 30_000);
});

/** `stepwise test` on fixtures: the real CLI (a child process) for the main outcomes, in process for the rest. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, lines, spawnCli, STACK_FRAME } from '../cli/helpers.js';
import { cliFromSource, repoRoot } from '../support/repo.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stepwise-test-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('stepwise test (the real CLI)', { timeout: 60_000 }, () => {
  it('passes a file whose tests all pass: exit 0, one line per test and a summary', async () => {
    const outcome = await spawnCli('test', fixture('pass.sfn-test.yaml'));
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(lines(outcome.stdout)).toEqual([
      expect.stringMatching(/^✓ .*pass\.sfn-test\.yaml:7 › a small order ships$/),
      expect.stringMatching(/^✓ .*pass\.sfn-test\.yaml:13 › a big order waits a day for review$/),
      expect.stringMatching(/^✓ .*pass\.sfn-test\.yaml:19 › a declined card is retried then refused$/),
      '3 passed, 0 failed',
    ]);
  });

  it('fails with a diff and the state where the path diverged: exit 1', async () => {
    const outcome = await spawnCli('test', fixture('fail.sfn-test.yaml'));
    expect(outcome.code).toBe(1);
    const out = outcome.stdout;
    expect(out).toMatch(/^✗ .*fail\.sfn-test\.yaml:6 › a big order is expected to skip review$/m);
    expect(out).toContain("the path diverged after 'Big?' (step 3): expected 'Ship', entered 'Review'");
    expect(out).toContain('expected path: Charge → Big? → Ship');
    expect(out).toContain('actual path:   Charge → Big? → Review → Ship');
    expect(out).toContain('$.payment.paid: expected false, got true');
    expect(out).toMatch(/^ {6}- {5}"paid": false$/m);
    expect(out).toMatch(/^ {6}\+ {5}"paid": true$/m);
    expect(out).toMatch(/^✓ .* › still passes$/m);
    expect(lines(out).at(-1)).toBe('1 passed, 1 failed');
  });

  it('writes JUnit XML to stdout, the summary to stderr', async () => {
    const outcome = await spawnCli(
      'test',
      '--reporter',
      'junit',
      fixture('fail.sfn-test.yaml'),
      fixture('pass.sfn-test.yaml'),
    );
    expect(outcome.code).toBe(1);
    const xml = outcome.stdout;
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stepwise test" tests="5" failures="1" errors="0"',
      ),
    ).toBe(true);
    expect(xml).toMatch(/<testsuite name="[^"]*fail\.sfn-test\.yaml" tests="2" failures="1" errors="0"/);
    expect(xml).toMatch(
      /<testcase name="a big order is expected to skip review" [^>]*line="6"[^>]*>\n\s*<failure message="the path diverged after 'Big\?' \(step 3\): expected 'Ship', entered 'Review'" type="AssertionError">/,
    );
    expect(xml).toContain('  - {\n  -   &quot;amount&quot;: 5000,');
    expect(xml).toMatch(/<testcase name="a small order ships" [^>]*\/>/);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(outcome.stderr).toBe('4 passed, 1 failed\n');
  });
});

describe('stepwise test --watch and --output', { timeout: 60_000 }, () => {
  it('writes the report to --output', async () => {
    const report = join(scratch, 'report.xml');
    const outcome = await cli('test', '--reporter', 'junit', '--output', report, fixture('pass.sfn-test.yaml'));
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('3 passed, 0 failed\n');
    expect(readFileSync(report, 'utf8')).toMatch(/<testsuites name="stepwise test" tests="3" failures="0" errors="0"/);
  });

  it('runs again when a test file changes', async () => {
    const dir = mkdtempSync(join(scratch, 'watch-'));
    copyFileSync(fixture('order.asl.yaml'), join(dir, 'order.asl.yaml'));
    const file = join(dir, 'order.sfn-test.yaml');
    const test = (status: string) =>
      `stateMachine: order.asl.yaml\nmocks: { Charge: { return: { Payload: { paid: true } } } }\ntests:\n  - name: ships\n    input: { amount: 1 }\n    expect: { status: ${status} }\n`;
    writeFileSync(file, test('SUCCEEDED'));
    const child = spawn(process.execPath, cliFromSource('test', '--watch', file), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const seen = (pattern: RegExp, where: () => string) =>
      new Promise<void>((resolve) => {
        const check = () => (pattern.test(where()) ? resolve() : setTimeout(check, 50));
        check();
      });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await seen(/watching for changes/, () => stderr);
      expect(stdout).toContain('1 passed, 0 failed');
      writeFileSync(file, test('FAILED'));
      await seen(/0 passed, 1 failed/, () => stdout);
      expect(stdout).toContain('status: expected FAILED, got SUCCEEDED');
    } finally {
      child.kill();
    }
  });
});

describe('stepwise test: bad input', () => {
  it('reports an unknown field with its line and column: exit 2', async () => {
    const outcome = await cli('test', fixture('malformed.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toMatch(/malformed\.sfn-test\.yaml:7:7: tests\[0\]\.expect: unknown field 'pathh'$/m);
    expect(outcome.stdout).not.toMatch(STACK_FRAME);
  });

  it('reports a value outside the allowed ones in a JSON file, with what was expected', async () => {
    const outcome = await cli('test', fixture('bad-status.sfn-test.json'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toContain(
      'bad-status.sfn-test.json:6:29: tests[0].expect.status: expected one of "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"',
    );
  });

  it('reports a YAML syntax error with its position', async () => {
    const outcome = await cli('test', fixture('broken.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toMatch(/broken\.sfn-test\.yaml:4:1: not valid YAML: /);
  });

  it('fails a test naming a state that does not exist, and reports a mock that matches no task', async () => {
    const outcome = await cli('test', fixture('ghost.sfn-test.yaml'));
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain("passesThrough: the state 'Shipping' does not exist in the state machine");
    expect(outcome.stdout).toContain("mock 'Chrage' matches no Task state or resource of order.asl.yaml (unused)");
  });

  it('runs the other files when one is malformed, and still exits 2', async () => {
    const outcome = await cli('test', fixture('malformed.sfn-test.yaml'), fixture('pass.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toContain('3 passed, 0 failed\n1 test file could not be run');
  });

  it('reports an invalid state machine once for its file', async () => {
    const outcome = await cli('test', fixture('invalid-machine.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toMatch(
      /^✗ .*invalid-machine\.sfn-test\.yaml: stateMachine invalid-machine\.asl\.json: Invalid State Machine Definition: MISSING_TRANSITION_TARGET/m,
    );
  });

  it('reports a malformed file as a JUnit error', async () => {
    const outcome = await cli('test', '--reporter', 'junit', fixture('malformed.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toMatch(/<testsuites name="stepwise test" tests="1" failures="0" errors="1"/);
    expect(outcome.stdout).toMatch(
      /<error message="[^"]*malformed\.sfn-test\.yaml:7:7: tests\[0\]\.expect: unknown field 'pathh'" type="TestFileError">/,
    );
  });

  it('says so when there is no test file', async () => {
    const outcome = await cli('test', mkdtempSync(join(scratch, 'empty-')));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^stepwise: no test files \(\*\.sfn-test\.yaml, .*\) found in /);
  });

  it('rejects a threshold that is not a percentage', async () => {
    const outcome = await cli('test', '--coverage-threshold', '120', fixture('pass.sfn-test.yaml'));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/expected a percentage from 0 to 100/);
  });
});

describe('stepwise test with a MockConfigFile', () => {
  it("runs each test's test case", async () => {
    const outcome = await cli('test', fixture('mock-config.sfn-test.yaml'));
    expect(outcome.code).toBe(0);
    expect(lines(outcome.stdout).at(-1)).toBe('2 passed, 0 failed');
  });
});

describe('stepwise test --coverage', () => {
  it('reports what the tests covered, as text and JSON, and an HTML page', async () => {
    const json = join(scratch, 'coverage.json');
    const html = join(scratch, 'coverage.html');
    const outcome = await cli(
      'test',
      '--coverage',
      '--coverage-json',
      json,
      '--coverage-html',
      html,
      fixture('pass.sfn-test.yaml'),
    );
    expect(outcome.code).toBe(0);
    // 5 states + 1 Choice rule + Default + 1 Retry + 1 Catch, all exercised.
    expect(outcome.stdout).toMatch(/Coverage of .*order\.asl\.yaml: 100% \(9\/9, 3 tests\)/);
    expect(outcome.stdout).toMatch(/ {2}Catch handlers fired +1\/1 {2}100%/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      percent: number;
      byKind: Record<string, { covered: number }>;
    }[];
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({
      percent: 100,
      covered: 9,
      total: 9,
      byKind: { retry: { covered: 1, total: 1 } },
    });
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<svg');
    expect(page).toContain('g[data-id="Review"] > rect { stroke: #1e8e3e');
    expect(page).toContain('path[data-id="Charge->Refuse#catch0"] { stroke: #1e8e3e');
  });

  it('lists the gaps and fails below --coverage-threshold', async () => {
    const outcome = await cli('test', '--coverage-threshold', '90', fixture('fail.sfn-test.yaml'));
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/Coverage of .*order\.asl\.yaml: 66\.6% \(6\/9, 2 tests\)/);
    expect(outcome.stdout).toContain('    - Charge Retry #0 [Declined.Retry]');
    expect(outcome.stdout).toContain('    - Charge Catch #0 [Declined] → Refuse');
    expect(outcome.stdout).toContain('    - Fail Refuse');
    expect(outcome.stdout).toMatch(/coverage of .*order\.asl\.yaml is 66\.6%, below the threshold of 90%/);
    const lower = await cli('test', '--coverage-threshold', '60', fixture('pass.sfn-test.yaml'));
    expect(lower.code).toBe(0);
  });

  it('finds the example test files, which pass, and shows the example coverage gap', async () => {
    const outcome = await cli('test', '--coverage', fileURLToPath(new URL('../../examples', import.meta.url)));
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(outcome.stdout).toContain('    - ValidateDocument Retry #0 [Lambda.ServiceException');
  });
});

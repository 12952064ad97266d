/** End to end: the real entry point in a child process (exit codes, streams, no stack traces). */
import { describe, expect, it } from 'vitest';
import { lines, spawnCli, STACK_FRAME } from './helpers.js';

const FIXTURES = 'test/cli/fixtures';
const TIMEOUT = 30_000; // a child process with tsx on a busy machine

describe('stepwise (child process)', () => {
  it('runs a passing execution: output on stdout, exit 0', { timeout: TIMEOUT }, async () => {
    const { code, stdout, stderr } = await spawnCli('run', `${FIXTURES}/greet.yaml`, '--input', '{"name":"Ada"}');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ name: 'Ada', greeting: 'hello', status: 'done' });
  });

  it('runs a failing execution: error and cause on stderr, exit 1', { timeout: TIMEOUT }, async () => {
    const { code, stdout, stderr } = await spawnCli('run', `${FIXTURES}/fail.json`);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: OrderRejected$/m);
    expect(stderr).toMatch(/^cause: the order total is negative$/m);
  });

  it('validates: OK exits 0', { timeout: TIMEOUT }, async () => {
    const { code, stdout } = await spawnCli('validate', `${FIXTURES}/greet.json`);
    expect(code).toBe(0);
    expect(stdout).toBe(`${FIXTURES}/greet.json: OK\n`);
  });

  it('validates: FAIL prints file:line:column and exits 1', { timeout: TIMEOUT }, async () => {
    const { code, stdout } = await spawnCli('validate', `${FIXTURES}/missing-next.yaml`);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^test\/cli\/fixtures\/missing-next\.yaml:5:\d+: ERROR \S+ .*Nowhere/m);
  });

  it('reports bad input in one line and exits 2', { timeout: TIMEOUT }, async () => {
    const { code, stdout, stderr } = await spawnCli('run', `${FIXTURES}/nope.json`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([`stepwise: cannot read definition file ${FIXTURES}/nope.json: no such file`]);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});

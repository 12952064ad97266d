import { describe, expect, it } from 'vitest';
import { cli, fixture, lines, STACK_FRAME } from './helpers.js';

const ADA = '{"name":"Ada"}';
const ADA_OUTPUT = { name: 'Ada', greeting: 'hello', status: 'done' };

describe('stepwise run: a passing execution', () => {
  it('prints the output JSON on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('greet.json'), '--input', ADA);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines(stdout)).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual(ADA_OUTPUT);
  });

  it('runs a YAML definition the same way', async () => {
    const { code, stdout } = await cli('run', fixture('greet.yaml'), '--input', ADA);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(ADA_OUTPUT);
  });

  it('reads the input from --input-file', async () => {
    const { code, stdout } = await cli('run', fixture('greet.json'), '--input-file', fixture('input.json'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ name: 'Grace', greeting: 'hello', status: 'done' });
  });

  it('accepts --type EXPRESS, case-insensitively', async () => {
    const { code, stdout } = await cli('run', fixture('greet.json'), '--input', ADA, '--type', 'express');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(ADA_OUTPUT);
  });

  it('prints the whole result, history included, with --json', async () => {
    const { code, stdout } = await cli('run', fixture('greet.json'), '--input', ADA, '--json');
    expect(code).toBe(0);
    expect(stdout).toContain('\n  "status": "SUCCEEDED"'); // pretty-printed
    const result = JSON.parse(stdout) as { status: string; output: unknown; history: unknown[] };
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual(ADA_OUTPUT);
    expect(result.history.length).toBeGreaterThan(0);
  });
});

describe('stepwise run: a failing execution', () => {
  it('exits 1 with the error and cause on stderr and nothing on stdout', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('fail.json'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('FAILED');
    expect(stderr).toMatch(/^error: OrderRejected$/m);
    expect(stderr).toMatch(/^cause: the order total is negative$/m);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('prints the failed result with --json and still exits 1', async () => {
    const { code, stdout } = await cli('run', fixture('fail.json'), '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'FAILED',
      error: 'OrderRejected',
      cause: 'the order total is negative',
    });
  });
});

describe('stepwise run: an invalid definition', () => {
  it('prints its diagnostics like validate and exits 2 without running', async () => {
    const file = fixture('missing-next.yaml');
    const { code, stdout, stderr } = await cli('run', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const diagnostics = lines(stderr);
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const line of diagnostics) expect(line.startsWith(`${file}:`)).toBe(true);
    expect(stderr).toMatch(new RegExp(`^${escape(file)}:5:\\d+: ERROR \\S+ .*Nowhere`, 'm'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

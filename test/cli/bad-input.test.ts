import { describe, expect, it } from 'vitest';
import { cli, fixture, lines, STACK_FRAME, type CliOutcome } from './helpers.js';

/** Bad input: exit 2, nothing on stdout, exactly one `stepwise: ...` line on stderr. */
function expectUsageError(outcome: CliOutcome, pattern: RegExp): void {
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).not.toMatch(STACK_FRAME);
  const stderr = lines(outcome.stderr);
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(/^stepwise: /);
  expect(stderr[0]).toMatch(pattern);
}

describe.each(['run', 'validate'])('stepwise %s: bad definition files', (command) => {
  it('reports a file that does not exist', async () => {
    const file = fixture('no-such-file.json');
    expectUsageError(await cli(command, file), /cannot read .*no-such-file\.json: no such file/);
  });

  it('reports a directory given as the file', async () => {
    expectUsageError(await cli(command, fixture('')), /is a directory/);
  });

  it('reports JSON with a syntax error, with its position', async () => {
    expectUsageError(await cli(command, fixture('broken.json')), /broken\.json:3:\d+: not valid JSON/);
  });

  it('reports YAML with a syntax error, with its position', async () => {
    expectUsageError(await cli(command, fixture('broken.yaml')), /broken\.yaml:3:\d+: not valid YAML/);
  });

  it('reports text that is not a JSON or YAML object', async () => {
    expectUsageError(await cli(command, fixture('prose.txt')), /must be a JSON or YAML object, not string/);
  });
});

describe('stepwise run: bad input', () => {
  const definition = fixture('greet.json');

  it('reports --input that is not JSON', async () => {
    expectUsageError(await cli('run', definition, '--input', '{name: Ada}'), /--input is not valid JSON/);
  });

  it('reports an --input-file that is not JSON', async () => {
    expectUsageError(
      await cli('run', definition, '--input-file', fixture('bad-input.json')),
      /input file .*bad-input\.json is not valid JSON/,
    );
  });

  it('reports an --input-file that cannot be read', async () => {
    expectUsageError(
      await cli('run', definition, '--input-file', fixture('missing-input.json')),
      /cannot read input file .*missing-input\.json/,
    );
  });

  it('refuses --input and --input-file together', async () => {
    expectUsageError(
      await cli('run', definition, '--input', '{}', '--input-file', fixture('input.json')),
      /either --input or --input-file, not both/,
    );
  });

  it('refuses an unknown --type', async () => {
    expectUsageError(await cli('run', definition, '--type', 'FAST'), /--type.*STANDARD or EXPRESS/);
  });

  it('reports a missing file argument', async () => {
    expectUsageError(await cli('run'), /missing required argument 'file'/);
  });

  it('reports an unknown option', async () => {
    expectUsageError(await cli('run', definition, '--inptu', '{}'), /unknown option '--inptu'/);
  });
});

describe('stepwise: bad commands', () => {
  it('reports an unknown command', async () => {
    expectUsageError(await cli('rnu', fixture('greet.json')), /unknown command 'rnu'/);
  });
});

describe('stepwise serve: bad settings', () => {
  it('reports a lease time below 300 ms', async () => {
    expectUsageError(await cli('serve', '--port', '0', '--lease-ms', '5'), /invalid lease time '5'/);
  });

  it('reports a database it cannot reach, without the password', async () => {
    const outcome = await cli(
      'serve',
      '--port',
      '0',
      '--database-url',
      'postgres://stepwise:hunter2@127.0.0.1:1/nowhere',
    );
    expectUsageError(
      outcome,
      /cannot open the PostgreSQL database at postgres:\/\/stepwise:\*\*\*@127\.0\.0\.1:1\/nowhere: /,
    );
    expect(outcome.stderr).not.toContain('hunter2');
  });
});

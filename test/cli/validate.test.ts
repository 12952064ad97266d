import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/common.js';
import { cli, fixture, lines } from './helpers.js';

describe('stepwise validate', () => {
  it('prints "file: OK" and exits 0 for a valid definition', async () => {
    const file = fixture('greet.json');
    const { code, stdout, stderr } = await cli('validate', file);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(lines(stdout).at(-1)).toBe(`${file}: OK`);
  });

  it('accepts a valid YAML definition', async () => {
    const file = fixture('greet.yaml');
    const { code, stdout } = await cli('validate', file);
    expect(code).toBe(0);
    expect(lines(stdout).at(-1)).toBe(`${file}: OK`);
  });

  it('prints file:line:column: severity code message for a YAML definition and exits 1', async () => {
    const file = fixture('missing-next.yaml');
    const { code, stdout, stderr } = await cli('validate', file);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const errors = lines(stdout).filter((line) => / ERROR /.test(line));
    expect(errors.length).toBeGreaterThan(0);
    // `Next: Nowhere` is on line 5 of the file.
    const [line] = errors.filter((e) => e.includes('Nowhere'));
    expect(line).toBeDefined();
    const match = /^(.*):(\d+):(\d+): ERROR (\S+) (.+)$/.exec(line ?? '');
    expect(match).not.toBeNull();
    const [, where, lineNumber, column, code_] = match ?? [];
    expect(where).toBe(file);
    expect(Number(lineNumber)).toBe(5);
    expect(Number(column)).toBeGreaterThanOrEqual(5);
    expect(code_).toMatch(/^[A-Za-z0-9_.]+$/);
    expect(lines(stdout).at(-1)).toMatch(/: FAIL/);
  });

  it('prints Distributed Map problems at their field paths, nested ReaderConfig and ItemBatcher fields included', async () => {
    const file = fixture('distributed-bad-reader.json');
    const { code, stdout } = await cli('validate', file);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      `${file}:8:77: ERROR SCHEMA_VALIDATION_FAILED Value should be one of the following: [COMMA, PIPE, SEMICOLON, SPACE, TAB] (at /States/Rows/ItemReader/ReaderConfig/CSVDelimiter)`,
      `${file}:8:9: ERROR SCHEMA_VALIDATION_FAILED These fields are required: [CSVHeaders] (at /States/Rows/ItemReader/ReaderConfig)`,
      `${file}:11:24: ERROR SCHEMA_VALIDATION_FAILED Maximum value is 262144 (at /States/Rows/ItemBatcher/MaxInputBytesPerBatch)`,
      `${file}: FAIL (3 errors)`,
    ]);
  });

  it('an ItemReader on an INLINE Map is a warning: printed, and the file is still OK', async () => {
    const file = fixture('inline-item-reader.json');
    const { code, stdout } = await cli('validate', file);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      `${file}:6:7: WARNING SCHEMA_VALIDATION_FAILED Field 'ItemReader' is only supported when the ProcessorConfig 'Mode' is 'DISTRIBUTED' (at /States/Rows/ItemReader)`,
      `${file}: OK`,
    ]);
  });
});

describe('formatDiagnostic', () => {
  const base = { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'bad', location: '/States/A' } as const;

  it('writes file:line:column when both are known, and always the field path AWS gives', () => {
    expect(formatDiagnostic('m.yaml', { ...base, line: 3, column: 7 })).toBe(
      'm.yaml:3:7: ERROR SCHEMA_VALIDATION_FAILED bad (at /States/A)',
    );
  });

  it('omits the column when only the line is known', () => {
    expect(formatDiagnostic('m.yaml', { ...base, line: 3 })).toBe(
      'm.yaml:3: ERROR SCHEMA_VALIDATION_FAILED bad (at /States/A)',
    );
  });

  it('omits the path when AWS gives none', () => {
    expect(formatDiagnostic('m.yaml', { ...base, code: 'MISSING_END_STATE', message: 'no end', location: '' })).toBe(
      'm.yaml: ERROR MISSING_END_STATE no end',
    );
  });

  it('falls back to the location path when the position is unknown', () => {
    expect(formatDiagnostic('m.json', { ...base, severity: 'WARNING' })).toBe(
      'm.json: WARNING SCHEMA_VALIDATION_FAILED bad (at /States/A)',
    );
  });

  it('keeps a multi-line message on one line', () => {
    expect(formatDiagnostic('m.json', { ...base, message: 'first\n  second', line: 1, column: 1 })).toBe(
      'm.json:1:1: ERROR SCHEMA_VALIDATION_FAILED first second (at /States/A)',
    );
  });
});

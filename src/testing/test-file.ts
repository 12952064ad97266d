/**
 * Reading a `*.sfn-test.yaml` / `*.sfn-test.json` file: YAML (JSON is YAML) parsed with positions,
 * checked against schemas/sfn-test.schema.json, so a mistake is reported with its file, line and
 * column and what was expected there.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Json } from '../json.js';
import type { Expectations } from './expectations.js';
import type { MockResponse } from './mocks.js';

export interface TestCaseSpec {
  name: string;
  input?: Json;
  type?: 'STANDARD' | 'EXPRESS';
  mocks?: Record<string, MockResponse | MockResponse[]>;
  testCase?: string;
  expect?: Expectations;
  /** 1-based line of the test in its file. */
  line: number;
}

export interface TestFileSpec {
  /** The definition file; or, instead, `template`. */
  stateMachine?: string;
  /** A state machine of a SAM, CloudFormation or CDK template. */
  template?: { file: string; logicalId: string; parameters?: Record<string, string> };
  type?: 'STANDARD' | 'EXPRESS';
  functions?: string;
  mocks?: Record<string, MockResponse | MockResponse[]>;
  mockConfig?: { file: string; stateMachine: string };
  tests: TestCaseSpec[];
}

/** A test file that cannot be read or does not follow the format: `file:line:column: message`. */
export class TestFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${problem}`);
    this.name = 'TestFileError';
  }
}

/** schemas/sfn-test.schema.json: two folders up from both src/testing and dist/testing. */
export const TEST_FILE_SCHEMA_URL = new URL('../../schemas/sfn-test.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;
function validate(value: unknown): ErrorObject[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(TEST_FILE_SCHEMA_URL, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** The path segments of an ajv instancePath ("/tests/0/expect"). */
const segments = (pointer: string) =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

function describe(error: ErrorObject, path: (string | number)[]): string {
  const at =
    path.length === 0
      ? 'the file'
      : path
          .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
          .join('')
          .replace(/^\./, '');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at}: '${String(params.missingProperty)}' is required`;
    case 'additionalProperties':
      return `${at}: unknown field '${String(params.additionalProperty)}'`;
    case 'enum':
      return `${at}: expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${at}: expected ${String(params.type)}`;
    case 'const':
      return `${at}: expected ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${at}: ${error.message ?? 'is not valid'}`;
  }
}

/** Among errors at the same depth: an unknown field says most, a missing one least (a oneOf tried every branch). */
const RANK: Record<string, number> = { additionalProperties: 4, enum: 3, const: 2, type: 1, required: 0 };

/** The most useful of ajv's errors: deepest first, skipping oneOf/anyOf summaries. */
function pick(errors: ErrorObject[]): ErrorObject {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const pool = concrete.length > 0 ? concrete : errors;
  const score = (e: ErrorObject) => e.instancePath.split('/').length * 10 + (RANK[e.keyword] ?? 1);
  return pool.reduce((best, e) => (score(e) > score(best) ? e : best), pool[0]!);
}

function position(document: Document, lines: LineCounter, path: (string | number)[], key?: string) {
  const node = document.getIn(path, true);
  let offset: number | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
    if (pair && isNode(pair.key)) offset = pair.key.range?.[0];
  }
  if (offset === undefined && isNode(node)) offset = node.range?.[0];
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export async function readTestFile(file: string): Promise<TestFileSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TestFileError(
      file,
      `cannot read the test file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseTestFile(text, file);
}

export function parseTestFile(text: string, file: string): TestFileSpec {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntax] = document.errors;
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new TestFileError(file, `not valid YAML: ${syntax.message.split('\n')[0]}`, line, col);
  }
  const value: unknown = document.toJS();
  const errors = validate(value);
  if (errors.length > 0) {
    const error = pick(errors);
    const path = segments(error.instancePath);
    const key =
      error.keyword === 'additionalProperties'
        ? String((error.params as { additionalProperty: string }).additionalProperty)
        : undefined;
    const { line, column } = position(document, lines, path, key);
    throw new TestFileError(file, describe(error, path), line, column);
  }
  const spec = value as TestFileSpec;
  spec.tests.forEach((test, i) => {
    test.line = position(document, lines, ['tests', i]).line ?? 1;
    for (const [field, pattern] of patterns(test.expect)) {
      try {
        new RegExp(pattern, 'u');
      } catch (e) {
        const { line, column } = position(document, lines, ['tests', i, 'expect', ...field]);
        throw new TestFileError(
          file,
          `tests[${i}].expect.${field.join('.')}: not a valid regular expression: ${(e as Error).message}`,
          line,
          column,
        );
      }
    }
  });
  return spec;
}

/** Every `{ pattern }` of a test's expectations, with where it is. */
function patterns(expect: Expectations | undefined): [(string | number)[], string][] {
  if (!expect) return [];
  const out: [(string | number)[], string][] = [];
  const add = (where: (string | number)[], value: unknown) => {
    if (typeof value === 'object' && value !== null && typeof (value as { pattern?: unknown }).pattern === 'string')
      out.push([[...where, 'pattern'], (value as { pattern: string }).pattern]);
  };
  add(['error'], expect.error);
  add(['cause'], expect.cause);
  for (const [name, state] of Object.entries(expect.states ?? {}))
    if (state.caught) add(['states', name, 'caught', 'error'], state.caught.error);
  return out;
}

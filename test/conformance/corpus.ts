/**
 * The AWS-recorded conformance corpus (../shared/conformance): loading cases, running one through
 * the library API, and comparing with AWS's recorded result (placeholder rules from its README).
 * The comparisons (`compareOutcome`, `compareInvalidMessage`, `compareDiagnostics`) are shared with
 * the HTTP transport (./http.ts), which runs the same cases through the API server and the SDK.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, fakeClock, invalidDefinitionMessage, validate, type Diagnostic } from '../../src/index.js';
import { isJsonObject, jsonEquals, type Json } from '../../src/json.js';
import { CONFORMANCE_CASES_DIR } from '../support/corpus-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const corpusDir = CONFORMANCE_CASES_DIR;
export { conformanceAvailable, conformanceMissingNote } from '../support/corpus-dir.js';
export const allowListPath = join(here, 'allow-list.json');

export interface Case {
  id: string;
  group: string;
  name: string;
  stateMachineType?: 'STANDARD' | 'EXPRESS';
  definition: Json;
  definitionText?: string;
  input?: Json;
  expect: {
    output?: Json;
    error?: string | null;
    cause?: string;
    historyTypes?: string[];
    /** `[id, previousEventId]` of each history event, beside historyTypes. */
    historyLinks?: [number, number][];
    invalidDefinition?: {
      api: 'CreateStateMachine' | 'ValidateStateMachineDefinition';
      errorCode?: string;
      message?: string;
      result?: string;
      diagnostics?: Pick<Diagnostic, 'code' | 'location' | 'message' | 'severity'>[];
    };
  };
  flags?: string[];
}

export function loadCases(): Case[] {
  // Without the corpus there is nothing to run: its tests skip, and the script says so (see ../support/corpus-dir.ts).
  if (!existsSync(corpusDir)) return [];
  const cases: Case[] = [];
  for (const group of readdirSync(corpusDir).sort()) {
    for (const file of readdirSync(join(corpusDir, group)).sort()) {
      if (!file.endsWith('.json')) continue;
      const raw = JSON.parse(readFileSync(join(corpusDir, group, file), 'utf8')) as Omit<Case, 'id' | 'group'>;
      cases.push({ ...raw, group, id: `${group}/${raw.name}` });
    }
  }
  return cases;
}

/**
 * Case id → why it cannot pass yet. A plain `group/name` key allows the failure on every transport;
 * an `http:group/name` key only over HTTP (when the API adds a difference the library run lacks); a
 * `links:group/name` key only a history whose links differ, everything else matching.
 */
export function loadAllowList(): Record<string, string> {
  return existsSync(allowListPath) ? (JSON.parse(readFileSync(allowListPath, 'utf8')) as Record<string, string>) : {};
}

export type InvalidExpectation = NonNullable<Case['expect']['invalidDefinition']>;
export type DiagnosticSummary = Pick<Diagnostic, 'code' | 'location' | 'message' | 'severity'>;

/** How an execution ended, as either transport observed it. */
export interface Outcome {
  status: string;
  output?: Json;
  error?: string;
  cause?: string;
  /** The history's event types, oldest first (absent when the transport has none, e.g. Express). */
  historyTypes?: string[];
  /** The history's `[id, previousEventId]` pairs, in the same order. */
  historyLinks?: [number, number][];
}

/** The corpus's Express cases recorded from an asynchronous start (StartExecution), not StartSyncExecution. */
export const isExpressAsync = (c: Case): boolean => c.name.endsWith('_express_async');

const NAMES = { stateMachineName: 'ConformanceMachine', executionName: 'conformance-execution' };

/** Runs a case through the library API; returns undefined when it matches AWS, else what differed. */
export async function runCase(c: Case): Promise<string | undefined> {
  const invalid = c.expect.invalidDefinition;
  if (invalid) return checkInvalid(c, invalid);
  let uuidCounter = 0;
  const result = await execute(c.definition, c.input ?? {}, {
    clock: fakeClock(Date.UTC(2024, 5, 1, 12, 0, 0)),
    stateMachineType: c.stateMachineType ?? 'STANDARD',
    // The corpus records Express executions started both ways; only async ones carry RedriveCount.
    context: isExpressAsync(c) ? { ...NAMES, redriveCount: 0 } : NAMES,
    runtime: {
      random: seeded(42),
      uuid: () => `00000000-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`,
    },
  });
  return compareOutcome(c, {
    ...result,
    historyTypes: result.history.map((e) => e.type as string),
    historyLinks: result.history.map((e) => [e.id, e.previousEventId]),
  });
}

/** Compares an execution's outcome with the case's recorded one; undefined when they match. */
export function compareOutcome(c: Case, result: Outcome): string | undefined {
  const expected = c.expect;
  const placeholders = c.flags?.includes('placeholders') ?? false;
  if ('output' in expected) {
    if (result.status !== 'SUCCEEDED') return `expected SUCCEEDED, got ${result.status} ${result.error ?? ''}: ${result.cause ?? ''}`;
    if (!matches(expected.output as Json, result.output, placeholders)) {
      return `output differs:\n  expected ${JSON.stringify(expected.output)}\n  actual   ${JSON.stringify(result.output)}`;
    }
  } else {
    if (result.status !== 'FAILED') return `expected FAILED, got ${result.status} ${JSON.stringify(result.output)}`;
    const error = expected.error ?? undefined;
    if (!matches(error ?? null, result.error ?? null, placeholders)) return `error differs: expected ${JSON.stringify(error)}, actual ${JSON.stringify(result.error)}`;
    if (!matches(expected.cause ?? null, result.cause ?? null, placeholders)) {
      return `cause differs:\n  expected ${JSON.stringify(expected.cause)}\n  actual   ${JSON.stringify(result.cause)}`;
    }
  }
  if (expected.historyTypes && result.historyTypes) {
    // Compared in order, even for concurrent branches: our scheduler reproduces AWS's recorded order.
    if (result.historyTypes.join() !== expected.historyTypes.join()) {
      return `history differs:\n  expected ${expected.historyTypes.join(' ')}\n  actual   ${result.historyTypes.join(' ')}`;
    }
    if (expected.historyLinks && result.historyLinks) {
      const problem = compareLinks(expected.historyTypes, expected.historyLinks, result.historyTypes, result.historyLinks);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * Which event each event follows (its previousEventId), with events named by type and occurrence
 * (`MapIterationStarted#2`: the third of its type) rather than by id, so that another interleaving
 * of concurrent branches, numbering the same events differently, compares equal. Event 0 is `start`.
 */
export function namedLinks(types: readonly string[], links: readonly (readonly [number, number])[]): string[] {
  const names = new Map<number, string>([[0, 'start']]);
  const seen = new Map<string, number>();
  types.forEach((type, i) => {
    const n = seen.get(type) ?? 0;
    seen.set(type, n + 1);
    names.set(links[i]?.[0] ?? -1, `${type}#${n}`);
  });
  return types.map((_, i) => {
    const [id, previous] = links[i] ?? [-1, -1];
    return `${names.get(id) ?? `?${id}`} <- ${names.get(previous) ?? `?${previous}`}`;
  });
}

/** How a link difference starts: a `links:group/name` allow-list entry allows only that. */
export const LINKS_PROBLEM = 'history links differ';

/** Compares the links of a history with the recorded ones; undefined when each event follows the same one. */
export function compareLinks(
  expectedTypes: readonly string[],
  expectedLinks: readonly (readonly [number, number])[],
  actualTypes: readonly string[],
  actualLinks: readonly (readonly [number, number])[],
): string | undefined {
  const expected = namedLinks(expectedTypes, expectedLinks);
  const actual = new Set(namedLinks(actualTypes, actualLinks));
  const missing = expected.filter((link) => !actual.has(link));
  if (missing.length === 0 && actual.size === expected.length) return undefined;
  const wrong = [...actual].filter((link) => !expected.includes(link));
  return `${LINKS_PROBLEM}:\n  expected ${missing.join(', ')}\n  actual   ${wrong.join(', ')}`;
}

/** The exact text a case submits as its definition. */
export const definitionText = (c: Case): string => c.definitionText ?? JSON.stringify(c.definition);

function checkInvalid(c: Case, invalid: InvalidExpectation): string | undefined {
  const text = definitionText(c);
  const result = validate(text, { stateMachineType: c.stateMachineType ?? 'STANDARD' });
  if (result.result !== 'FAIL') return 'expected the definition to be rejected, but it validated OK';
  if (invalid.api === 'CreateStateMachine') return compareInvalidMessage(invalid, invalidDefinitionMessage(result.diagnostics, text));
  return compareDiagnostics(invalid, result.diagnostics);
}

/** CreateStateMachine's InvalidDefinition message against the recorded one. */
export function compareInvalidMessage(invalid: InvalidExpectation, message: string | undefined): string | undefined {
  return message === invalid.message ? undefined : `message differs:\n  expected ${invalid.message}\n  actual   ${message}`;
}

/** ValidateStateMachineDefinition's diagnostics against the recorded ones (code, location, message, severity). */
export function compareDiagnostics(invalid: InvalidExpectation, diagnostics: readonly DiagnosticSummary[]): string | undefined {
  const actual = diagnostics.map(({ code, location, message, severity }) => ({ code, location, message, severity }));
  return jsonEquals(actual as unknown as Json, (invalid.diagnostics ?? []) as unknown as Json)
    ? undefined
    : `diagnostics differ:\n  expected ${JSON.stringify(invalid.diagnostics)}\n  actual   ${JSON.stringify(actual)}`;
}

const TOKENS: Record<string, string> = {
  '<uuid>': '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  '<timestamp>': '.+?',
  '<partition>': 'aws[a-z-]*',
  '<region>': '[a-z]{2}(?:-[a-z]+)+-\\d',
  '<account>': '\\d{12}',
  '<stateMachineName>': '.+?',
  '<executionName>': '.+?',
  '<roleArn>': '.+?',
  '<json>': '[\\s\\S]*?',
};
const TOKEN_PATTERN = /<(uuid|timestamp|partition|region|account|stateMachineName|executionName|roleArn|json)>/g;

/** Structural comparison with the corpus's placeholder rules. */
export function matches(expected: Json, actual: Json | undefined, placeholders: boolean): boolean {
  if (actual === undefined) return false;
  if (!placeholders) return jsonEquals(expected, actual);
  if (expected === '<number>') return typeof actual === 'number';
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false;
    if (!TOKEN_PATTERN.test(expected)) return expected === actual;
    TOKEN_PATTERN.lastIndex = 0;
    const pattern = expected
      .split(TOKEN_PATTERN)
      .map((part, i) => (i % 2 === 1 ? TOKENS[`<${part}>`] : escapeRegExp(part)))
      .join('');
    return new RegExp(`^${pattern}$`).test(actual);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(e, actual[i] as Json, true));
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual)) return false;
    const keys = Object.keys(expected);
    return keys.length === Object.keys(actual).length && keys.every((k) => k in actual && matches(expected[k] as Json, actual[k] as Json, true));
  }
  return jsonEquals(expected, actual);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A small deterministic PRNG (mulberry32) so MathRandom-style cases are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

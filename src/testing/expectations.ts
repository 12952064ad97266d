/** Checking a test's expectations against a run: each failure is a sentence and the lines that show why. */
import type { Json } from '../json.js';
import {
  describeDifferences,
  differences,
  showText,
  sideBySide,
  textMatches,
  type TextExpectation,
} from './compare.js';
import type { WorkflowRun } from './run.js';

export interface StateExpectation {
  /** Which visit the other fields check, 1-based (default 1). */
  visit?: number;
  /** Times the state is entered. */
  entered?: number;
  /** Subset of the state's input. */
  input?: Json;
  /** Subset of the state's output. */
  output?: Json;
  /** Task attempts (1 + retries). */
  attempts?: number;
  /** The Catch that fired: `false` for none, or which error it caught and/or where it went. */
  caught?: false | { error?: TextExpectation; next?: string; index?: number };
}

export interface CallsExpectation {
  count?: number;
  /** Subsets of the calls' parameters, in order (one per call listed). */
  parameters?: Json[];
}

export interface Expectations {
  status?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: Json;
  outputContains?: Json;
  error?: TextExpectation;
  cause?: TextExpectation;
  path?: string[];
  passesThrough?: string[];
  neverEnters?: string[];
  states?: Record<string, StateExpectation>;
  calls?: Record<string, CallsExpectation>;
}

export interface Failure {
  message: string;
  details: string[];
}

const list = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(' → '));

/** Where two paths part: a sentence naming the step and the state before it. */
export function pathDivergence(expected: readonly string[], actual: readonly string[]): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const after = i === 0 ? 'at the start' : `after '${actual[i - 1]}'`;
  if (i >= actual.length) return `the execution stopped ${after} (step ${i + 1}); expected '${expected[i]}' next`;
  if (i >= expected.length)
    return `the execution went on ${after} into '${actual[i]}' (step ${i + 1}); expected it to end there`;
  return `the path diverged ${after} (step ${i + 1}): expected '${expected[i]}', entered '${actual[i]}'`;
}

export function checkExpectations(run: WorkflowRun, expect: Expectations): Failure[] {
  const failures: Failure[] = [];
  const fail = (message: string, details: string[] = []) => failures.push({ message, details });
  const unknown = (name: string, where: string) => {
    if (run.hasState(name)) return false;
    fail(`${where}: the state '${name}' does not exist in the state machine`);
    return true;
  };

  if (expect.status !== undefined && run.status !== expect.status) {
    const why =
      run.error !== undefined ? ` (error ${JSON.stringify(run.error)}, cause ${JSON.stringify(run.cause ?? '')})` : '';
    fail(`status: expected ${expect.status}, got ${run.status}${why}`, [`path: ${list(run.path)}`]);
  }
  if (expect.path !== undefined) {
    const known = expect.path.filter((name) => !unknown(name, 'path'));
    if (known.length === expect.path.length && known.join('\u0000') !== run.path.join('\u0000'))
      fail(pathDivergence(expect.path, run.path), [
        `expected path: ${list(expect.path)}`,
        `actual path:   ${list(run.path)}`,
      ]);
  }
  for (const name of expect.passesThrough ?? [])
    if (!unknown(name, 'passesThrough') && !run.entered.includes(name))
      fail(`passesThrough: the execution never entered '${name}'`, [`path: ${list(run.path)}`]);
  for (const name of expect.neverEnters ?? [])
    if (!unknown(name, 'neverEnters') && run.entered.includes(name))
      fail(`neverEnters: the execution entered '${name}'`, [`path: ${list(run.path)}`]);

  if (expect.output !== undefined) {
    const diff = differences(expect.output, run.output, false);
    if (diff.length > 0)
      fail('output differs', [...describeDifferences(diff), ...sideBySide(expect.output, run.output)]);
  }
  if (expect.outputContains !== undefined) {
    const diff = differences(expect.outputContains, run.output, true);
    if (diff.length > 0)
      fail('output does not contain the expected values', [
        ...describeDifferences(diff),
        ...sideBySide(expect.outputContains, run.output),
      ]);
  }
  if (expect.error !== undefined && !textMatches(expect.error, run.error))
    fail(
      `error: expected ${showText(expect.error)}, got ${run.error === undefined ? '(no error)' : JSON.stringify(run.error)}`,
    );
  if (expect.cause !== undefined && !textMatches(expect.cause, run.cause))
    fail(
      `cause: expected ${showText(expect.cause)}, got ${run.cause === undefined ? '(no cause)' : JSON.stringify(run.cause)}`,
    );

  for (const [name, e] of Object.entries(expect.states ?? {})) {
    if (unknown(name, 'states')) continue;
    const view = run.state(name);
    if (e.entered !== undefined && view.entered !== e.entered)
      fail(`states.${name}: expected to be entered ${e.entered} time(s), entered ${view.entered}`);
    const wanted =
      e.input !== undefined || e.output !== undefined || e.attempts !== undefined || e.caught !== undefined;
    if (!wanted) continue;
    const n = e.visit ?? 1;
    const visit = view.visits[n - 1];
    if (!visit) {
      fail(`states.${name}: visit ${n} expected, but the state was entered ${view.entered} time(s)`, [
        `path: ${list(run.path)}`,
      ]);
      continue;
    }
    const at = n === 1 ? `states.${name}` : `states.${name} (visit ${n})`;
    if (e.input !== undefined) {
      const diff = differences(e.input, visit.input, true);
      if (diff.length > 0)
        fail(`${at}: input does not contain the expected values`, [
          ...describeDifferences(diff),
          ...sideBySide(e.input, visit.input),
        ]);
    }
    if (e.output !== undefined) {
      const diff = differences(e.output, visit.output, true);
      if (diff.length > 0)
        fail(`${at}: output does not contain the expected values`, [
          ...describeDifferences(diff),
          ...sideBySide(e.output, visit.output),
        ]);
    }
    if (e.attempts !== undefined && visit.attempts !== e.attempts)
      fail(
        `${at}: expected ${e.attempts} attempt(s), got ${visit.attempts}`,
        visit.tasks.map(
          (t, i) => `attempt ${i + 1}: ${t.error !== undefined ? `failed with ${t.error}` : 'succeeded'}`,
        ),
      );
    if (e.caught === false && visit.caught)
      fail(
        `${at}: expected no Catch to fire, but Catch #${visit.caught.index} caught ${visit.caught.error ?? 'an error'} and went to '${visit.caught.next}'`,
      );
    if (e.caught !== undefined && e.caught !== false) {
      const c = visit.caught;
      if (!c)
        fail(
          `${at}: expected a Catch to fire, none did${visit.error !== undefined ? ` (the state failed with ${visit.error})` : ''}`,
        );
      else {
        if (e.caught.error !== undefined && !textMatches(e.caught.error, c.error))
          fail(`${at}: the Catch caught ${JSON.stringify(c.error ?? '')}, expected ${showText(e.caught.error)}`);
        if (e.caught.next !== undefined && c.next !== e.caught.next)
          fail(`${at}: the Catch went to '${c.next}', expected '${e.caught.next}'`);
        if (e.caught.index !== undefined && c.index !== e.caught.index)
          fail(`${at}: Catch #${c.index} fired, expected Catch #${e.caught.index}`);
      }
    }
  }

  for (const [target, e] of Object.entries(expect.calls ?? {})) {
    if (!run.hasState(target) && !run.definition.resources.has(target)) {
      fail(`calls: '${target}' is neither a state nor a resource of the state machine`);
      continue;
    }
    const calls = run.callsTo(target);
    if (e.count !== undefined && calls.length !== e.count)
      fail(`calls.${target}: expected ${e.count} call(s), got ${calls.length}`);
    (e.parameters ?? []).forEach((expected, i) => {
      const call = calls[i];
      if (!call) {
        fail(`calls.${target}: call ${i + 1} expected, but there were ${calls.length}`);
        return;
      }
      const diff = differences(expected, call.parameters, true);
      if (diff.length > 0)
        fail(`calls.${target}: the parameters of call ${i + 1} do not contain the expected values`, [
          ...describeDifferences(diff),
          ...sideBySide(expected, call.parameters),
        ]);
    });
  }
  return failures;
}

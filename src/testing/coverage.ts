/**
 * ASL coverage: which parts of a state machine its tests exercised. Items are the states (nested
 * ones too), each Choice rule and Default, each Catch and Retry rule, each Parallel branch and each
 * Map item processor. Which Choice rule matched is worked out again from the Choice state's input
 * (JSONPath rules on a state without InputPath); where that is not possible or disagrees with the
 * state entered next, every rule leading to that state counts as taken.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { choiceRuleText } from '../asl/graph.js';
import { compileChoiceRule } from '../interpreter/choice-rules.js';
import { NO_VARIABLES } from '../query/scope.js';
import { indexDefinition, rules } from './definition.js';
import type { StateVisit } from './trace.js';
import type { WorkflowRun } from './run.js';

export const COVERAGE_KINDS = ['state', 'choice', 'default', 'catch', 'retry', 'branch', 'processor'] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

export interface CoverageItem {
  kind: CoverageKind;
  state: string;
  /** Index of the rule or branch, where there is one. */
  index?: number;
  label: string;
  hits: number;
}

export interface CoverageTotals {
  covered: number;
  total: number;
  percent: number;
}

export interface MachineCoverage extends CoverageTotals {
  stateMachine: string;
  tests: number;
  byKind: Record<CoverageKind, CoverageTotals>;
  items: CoverageItem[];
}

const totals = (items: readonly CoverageItem[]): CoverageTotals => {
  const covered = items.filter((i) => i.hits > 0).length;
  return {
    covered,
    total: items.length,
    percent: items.length === 0 ? 100 : Math.floor((covered / items.length) * 1000) / 10,
  };
};

const names = (errorEquals: Json | undefined) => (Array.isArray(errorEquals) ? errorEquals.join(', ') : '');

export function computeCoverage(stateMachine: string, definition: Json, runs: readonly WorkflowRun[]): MachineCoverage {
  const index = indexDefinition(definition);
  const visits = runs.flatMap((r) => r.visits);
  const items: CoverageItem[] = [];
  for (const info of index.states.values()) {
    const mine = visits.filter((v) => v.name === info.name);
    items.push({ kind: 'state', state: info.name, label: `${info.type} ${info.name}`, hits: mine.length });
    const s = info.definition;
    if (info.type === 'Choice') {
      const choices = Array.isArray(s.Choices) ? s.Choices : [];
      const taken = mine.map((v) => choiceTaken(v, choices, s));
      choices.forEach((rule, i) => {
        const next = isJsonObject(rule) && typeof rule.Next === 'string' ? rule.Next : undefined;
        items.push({
          kind: 'choice',
          state: info.name,
          index: i,
          label: `${info.name} rule #${i} (${choiceRuleText(rule)}) → ${next ?? '?'}`,
          hits: mine.filter((v, n) =>
            taken[n] === undefined ? v.next !== undefined && v.next === next : taken[n] === i,
          ).length,
        });
      });
      if (typeof s.Default === 'string') {
        const target = s.Default;
        items.push({
          kind: 'default',
          state: info.name,
          label: `${info.name} Default → ${target}`,
          hits: mine.filter((v, n) => (taken[n] === undefined ? v.next === target : taken[n] === 'default')).length,
        });
      }
    }
    rules(s, 'Retry').forEach((rule, i) =>
      items.push({
        kind: 'retry',
        state: info.name,
        index: i,
        label: `${info.name} Retry #${i} [${names(rule.ErrorEquals)}]`,
        hits: mine.reduce((n, v) => n + v.retries.filter((r) => r === i).length, 0),
      }),
    );
    rules(s, 'Catch').forEach((rule, i) =>
      items.push({
        kind: 'catch',
        state: info.name,
        index: i,
        label: `${info.name} Catch #${i} [${names(rule.ErrorEquals)}] → ${typeof rule.Next === 'string' ? rule.Next : '?'}`,
        hits: mine.filter((v) => v.caught?.index === i).length,
      }),
    );
    if (info.type === 'Parallel' && Array.isArray(s.Branches)) {
      s.Branches.forEach((_, i) => {
        const inBranch = new Set(
          [...index.states.values()].filter((x) => x.scope === info.name && x.branch === i).map((x) => x.name),
        );
        items.push({
          kind: 'branch',
          state: info.name,
          index: i,
          label: `${info.name} branch #${i}`,
          hits: visits.filter((v) => inBranch.has(v.name)).length,
        });
      });
    }
    if (info.type === 'Map') {
      const inside = visits.filter((v) => v.parent?.name === info.name);
      items.push({
        kind: 'processor',
        state: info.name,
        label: `${info.name} item processor`,
        hits: new Set(inside.map((v) => `${v.iteration ?? ''}`)).size,
      });
    }
  }
  const byKind = Object.fromEntries(
    COVERAGE_KINDS.map((k) => [k, totals(items.filter((i) => i.kind === k))]),
  ) as Record<CoverageKind, CoverageTotals>;
  return { stateMachine, tests: runs.length, ...totals(items), byKind, items };
}

const KIND_TITLES: Record<CoverageKind, string> = {
  state: 'states entered',
  choice: 'Choice rules taken',
  default: 'Choice Defaults taken',
  catch: 'Catch handlers fired',
  retry: 'Retry rules used',
  branch: 'Parallel branches run',
  processor: 'Map processors run',
};

/** The text report: a summary per state machine, then what was not covered. */
export function coverageText(coverage: readonly MachineCoverage[], relative: (path: string) => string): string {
  const out: string[] = [];
  for (const machine of coverage) {
    out.push(
      `Coverage of ${relative(machine.stateMachine)}: ${machine.percent}% (${machine.covered}/${machine.total}, ${machine.tests} test${machine.tests === 1 ? '' : 's'})`,
    );
    for (const kind of COVERAGE_KINDS) {
      const t = machine.byKind[kind];
      if (t.total > 0)
        out.push(`  ${KIND_TITLES[kind].padEnd(24)} ${`${t.covered}/${t.total}`.padStart(7)}  ${t.percent}%`);
    }
    const missed = machine.items.filter((i) => i.hits === 0);
    if (missed.length > 0) {
      out.push('  not covered:');
      for (const item of missed) out.push(`    - ${item.label}`);
    }
  }
  return out.map((l) => `${l}\n`).join('');
}

const RUNTIME = { now: () => 0, random: () => 0, uuid: () => '00000000-0000-4000-8000-000000000000' };

/**
 * The rule (index) or 'default' a Choice visit took, evaluated again on its input; undefined when
 * that cannot be known (JSONata, InputPath, a rule that fails to evaluate, or an answer that does
 * not lead to the state entered next).
 */
function choiceTaken(visit: StateVisit, choices: Json[], state: JsonObject): number | 'default' | undefined {
  if (visit.next === undefined || visit.input === undefined || state.InputPath !== undefined) return undefined;
  if (state.QueryLanguage === 'JSONata') return undefined;
  const scope = { input: visit.input, context: {}, variables: NO_VARIABLES, runtime: RUNTIME };
  try {
    for (const [i, rule] of choices.entries()) {
      if (!isJsonObject(rule) || rule.Condition !== undefined) return undefined;
      if (compileChoiceRule(rule).evaluate(scope)) return rule.Next === visit.next ? i : undefined;
    }
  } catch {
    return undefined;
  }
  return state.Default === visit.next ? 'default' : undefined;
}

import { getHeapStatistics } from 'node:v8';
import type jsonata from 'jsonata';
import { EXPRESSION_LIMITS } from '../../vocabulary/limits.js';

/**
 * One JSONata evaluation's budget, enforced from jsonata's own evaluation hook: every node it
 * evaluates is a step; every 256 steps it checks how much the heap grew since it began (what it
 * builds and keeps: `$map([1..1e7], function($v){ [1..100] })` grew a server to 4.5 GB) and the
 * time it has worked, measured between yields. An evaluation works at most `yieldAfterMs` before it yields to
 * the event loop (jsonata awaits the hook), so other requests, timers and `/healthz` go on while an
 * expensive expression runs.
 *
 * The budget measures the real time the process spends, not workflow time: a fake clock does not
 * move it, and it never reaches the interpreter's results except as the error below.
 */

export type ExpressionLimits = { readonly [K in keyof typeof EXPRESSION_LIMITS]: number };

/** Thrown from the hook; the expression wrapper turns it into States.Runtime. */
export class BudgetExceeded extends Error {
  constructor(readonly limit: string) {
    super(limit);
    this.name = 'BudgetExceeded';
  }
}

/** The binding name under which an evaluation carries its budget: no JSONata variable can spell it. */
const BUDGET_BINDING = ' stepwise budget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const CHECK_EVERY_STEPS = 256;

/** Captured at load, so a test's fake timers cannot hold an evaluation for ever. */
const realSetImmediate = globalThis.setImmediate;
const heapUsed = (): number => getHeapStatistics().used_heap_size;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

interface Frame {
  base: { lookup(name: string): unknown; depth?: number };
}

export class EvaluationBudget {
  private steps = 0;
  private activeMs = 0;
  private sliceStart = performance.now();
  /** Taken at the first check, so an evaluation of fewer than 256 steps never reads the heap. */
  private heapAtStart: number | undefined;

  constructor(private readonly limits: ExpressionLimits = EXPRESSION_LIMITS) {}

  /** The bindings entry that lets the hooks find this budget. */
  binding(): Record<string, unknown> {
    return { [BUDGET_BINDING]: this };
  }

  step(depth: number): Promise<void> | undefined {
    if (++this.steps > this.limits.maxSteps)
      throw new BudgetExceeded(`the limit of ${this.limits.maxSteps} evaluation steps`);
    if (depth > this.limits.maxDepth)
      throw new BudgetExceeded(`the maximum evaluation depth of ${this.limits.maxDepth}`);
    if (this.steps % CHECK_EVERY_STEPS !== 0) return undefined;
    const heap = heapUsed();
    this.heapAtStart ??= heap;
    if (heap - this.heapAtStart > this.limits.maxHeapGrowthBytes) {
      throw new BudgetExceeded(`the memory limit of ${Math.round(this.limits.maxHeapGrowthBytes / 2 ** 20)} MiB`);
    }
    const now = performance.now();
    if (now - this.sliceStart < this.limits.yieldAfterMs) return undefined;
    this.activeMs += now - this.sliceStart;
    if (this.activeMs > this.limits.maxActiveMs) {
      throw new BudgetExceeded(`the evaluation time limit of ${this.limits.maxActiveMs} ms`);
    }
    return yieldToEventLoop().then(() => {
      this.sliceStart = performance.now();
    });
  }
}

function budgetOf(environment: Frame): EvaluationBudget | undefined {
  const budget = environment.base.lookup(BUDGET_BINDING);
  return budget instanceof EvaluationBudget ? budget : undefined;
}

/**
 * Installs the hook on a compiled expression (once); evaluations that bind a budget are bounded by
 * it. Only the entry hook: jsonata awaits each hook it finds, once per node evaluated, so a second
 * (exit) hook would cost a second await per node.
 */
export function installBudgetHooks(expression: jsonata.Expression): void {
  expression.assign(ENTRY as unknown as string, (_node: unknown, _input: unknown, environment: Frame) =>
    budgetOf(environment)?.step(environment.base.depth ?? 0),
  );
}

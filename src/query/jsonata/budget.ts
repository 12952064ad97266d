import type jsonata from 'jsonata';
import { EXPRESSION_LIMITS } from '../../vocabulary/limits.js';

/**
 * One JSONata evaluation's budget, enforced from jsonata's own evaluation hooks: every node it
 * evaluates is a step; what constructors, ranges and functions build counts as items; the time it
 * works is measured between yields. An evaluation works at most `yieldAfterMs` before it yields to
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
const EXIT = Symbol.for('jsonata.__evaluate_exit');
const CHECK_EVERY_STEPS = 256;

/** Captured at load, so a test's fake timers cannot hold an evaluation for ever. */
const realSetImmediate = globalThis.setImmediate;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

interface Frame {
  base: { lookup(name: string): unknown; depth?: number };
}

interface Node {
  type: string;
  value?: unknown;
}

export class EvaluationBudget {
  private steps = 0;
  private items = 0;
  private activeMs = 0;
  private sliceStart = performance.now();

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

  built(count: number): void {
    this.items += count;
    if (this.items > this.limits.maxItems) throw new BudgetExceeded(`the limit of ${this.limits.maxItems} items built`);
  }
}

function budgetOf(environment: Frame): EvaluationBudget | undefined {
  const budget = environment.base.lookup(BUDGET_BINDING);
  return budget instanceof EvaluationBudget ? budget : undefined;
}

/** How much a node's result costs to have built: only nodes that make new values count. */
function builtSize(node: Node, result: unknown): number {
  const makes =
    node.type === 'function' ||
    node.type === 'apply' ||
    node.type === 'partial' ||
    (node.type === 'unary' && (node.value === '[' || node.value === '{')) ||
    (node.type === 'binary' && (node.value === '..' || node.value === '&'));
  if (!makes) return 0;
  if (Array.isArray(result)) return result.length;
  if (typeof result === 'string') return Math.ceil(result.length / 16);
  if (typeof result === 'object' && result !== null) return Object.keys(result).length;
  return 0;
}

/** Installs the hooks on a compiled expression (once); evaluations that bind a budget are bounded by it. */
export function installBudgetHooks(expression: jsonata.Expression): void {
  expression.assign(ENTRY as unknown as string, (_node: Node, _input: unknown, environment: Frame) =>
    budgetOf(environment)?.step(environment.base.depth ?? 0),
  );
  expression.assign(EXIT as unknown as string, (node: Node, _input: unknown, environment: Frame, result: unknown) => {
    const size = builtSize(node, result);
    if (size > 0) budgetOf(environment)?.built(size);
  });
}

import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, DiagnosticCodes, error } from '../diagnostics.js';
import type { RuleContext, RuleFamily, ScopeVisit } from './context.js';
import { nearestName } from '../suggest.js';

interface Edge {
  target: string;
  location: string;
}

/** StartAt/Next/Default/Catch targets exist, every state is reachable, the machine can end. */
export const transitionRules: RuleFamily = {
  name: 'transitions and reachability',
  scope(ctx, scope) {
    const names = new Set(Object.keys(scope.states));
    const startLocation = child(scope.location, 'StartAt');
    /** Transitions to a state that does not exist, from the start or from a reachable state: root causes. */
    const dangling: Dangling[] = [];
    const missing = (edge: Edge, from: string | undefined) => {
      if (names.has(edge.target)) return;
      const suggestion = nearestName(edge.target, names);
      ctx.report({
        ...error(DiagnosticCodes.MissingTransitionTarget, `Missing 'Next' target: ${edge.target}`, edge.location),
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
      dangling.push({ ...edge, from, suggestion });
    };
    missing({ target: scope.startAt, location: startLocation }, undefined);
    const graph = new Map<string, Edge[]>();
    for (const [name, state] of Object.entries(scope.states)) {
      const edges = isJsonObject(state) ? edgesOf(state, child(child(scope.location, 'States'), name)) : [];
      edges.forEach((edge) => missing(edge, name));
      graph.set(name, edges);
    }
    if (scope.topLevel && !Object.values(scope.states).some(isTerminal)) {
      ctx.report(error(DiagnosticCodes.MissingEndState, 'Workflow has no terminal state', ''));
      return;
    }
    reportUnreachable(ctx, scope, graph, dangling);
  },
};

interface Dangling extends Edge {
  /** The state the transition leaves (undefined: StartAt). */
  from: string | undefined;
  suggestion: string | undefined;
}

/** The states reachable from `start` (itself included) that are not in `skip`. */
function reach(graph: Map<string, Edge[]>, start: string, skip: ReadonlySet<string> = new Set()): Set<string> {
  const reached = new Set<string>();
  const queue = graph.has(start) && !skip.has(start) ? [start] : [];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const edge of graph.get(name) ?? [])
      if (graph.has(edge.target) && !skip.has(edge.target)) queue.push(edge.target);
  }
  return reached;
}

/**
 * How each state is reached from the start, reading every misspelt transition as going to its
 * suggested state: undefined for a state reachable as written, else the location of the last
 * misspelt transition on the shortest way there (the one the state sits behind). 0-1 breadth-first
 * search: a transition as written costs nothing, a corrected one costs one.
 */
function reachAsCorrected(
  graph: Map<string, Edge[]>,
  startAt: string,
  dangling: readonly Dangling[],
): Map<string, string | undefined> {
  const corrected = new Map<string, string>();
  for (const edge of dangling) if (edge.suggestion !== undefined) corrected.set(edge.location, edge.suggestion);
  const settled = new Map<string, string | undefined>();
  const queue: { name: string; cause: string | undefined }[] = [];
  const start = dangling.find((edge) => edge.from === undefined);
  if (graph.has(startAt)) queue.push({ name: startAt, cause: undefined });
  else if (start?.suggestion !== undefined) queue.push({ name: start.suggestion, cause: start.location });
  while (queue.length > 0) {
    const { name, cause } = queue.shift() as { name: string; cause: string | undefined };
    if (settled.has(name)) continue;
    settled.set(name, cause);
    for (const edge of graph.get(name) ?? []) {
      const fixed = graph.has(edge.target) ? undefined : corrected.get(edge.location);
      if (graph.has(edge.target)) queue.unshift({ name: edge.target, cause });
      else if (fixed !== undefined) queue.push({ name: fixed, cause: edge.location });
    }
  }
  return settled;
}

/**
 * Reports every unreachable state as AWS does, each with `causedBy`: the location of the problem
 * that makes it unreachable, so a reader can be shown the cause once and the cascade folded under it.
 * A state that a misspelt transition's suggested target would reach is behind that transition; of
 * the rest, each unreachable state no other unreachable state leads to causes the states it leads to.
 */
function reportUnreachable(
  ctx: RuleContext,
  scope: ScopeVisit,
  graph: Map<string, Edge[]>,
  dangling: readonly Dangling[],
): void {
  const locationOf = (name: string) => child(child(scope.location, 'States'), name);
  const asCorrected = reachAsCorrected(graph, scope.startAt, dangling);
  const reached = new Set([...asCorrected].filter(([, cause]) => cause === undefined).map(([name]) => name));
  const causedBy = new Map<string, string>();
  for (const [name, cause] of asCorrected) if (cause !== undefined) causedBy.set(name, cause);
  const rest = [...graph.keys()].filter((name) => !asCorrected.has(name));
  const restSet = new Set(rest);
  const entered = new Set<string>();
  for (const name of rest)
    for (const edge of graph.get(name) ?? [])
      if (edge.target !== name && restSet.has(edge.target)) entered.add(edge.target);
  // Roots first (nothing unreachable leads to them), then whatever a cycle with no way in leaves over.
  const claimed = new Set<string>();
  for (const root of [...rest.filter((name) => !entered.has(name)), ...rest]) {
    if (claimed.has(root)) continue;
    claimed.add(root);
    for (const name of reach(graph, root, reached)) {
      if (claimed.has(name) || !restSet.has(name)) continue;
      claimed.add(name);
      causedBy.set(name, locationOf(root));
    }
  }
  for (const name of graph.keys()) {
    if (reached.has(name)) continue;
    const cause = causedBy.get(name);
    ctx.report({
      ...error(DiagnosticCodes.MissingTransitionTarget, `State "${name}" is not reachable.`, locationOf(name)),
      ...(cause !== undefined ? { causedBy: cause } : {}),
    });
  }
}

function isTerminal(state: Json): boolean {
  if (!isJsonObject(state)) return false;
  return state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
}

/** Every transition a state can take, with the location AWS reports a dangling one at. */
export function edgesOf(state: JsonObject, location: string): Edge[] {
  const edges: Edge[] = [];
  const add = (target: Json | undefined, at: string) => {
    if (typeof target === 'string') edges.push({ target, location: at });
  };
  add(state.Next, child(location, 'Next'));
  if (state.Type === 'Choice') {
    if (Array.isArray(state.Choices)) {
      state.Choices.forEach((rule, i) => {
        if (isJsonObject(rule)) add(rule.Next, child(child(location, 'Choices'), i) + '/Next');
      });
    }
    add(state.Default, child(location, 'Default'));
  }
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (isJsonObject(catcher)) add(catcher.Next, child(child(location, 'Catch'), i) + '/Next');
    });
  }
  return edges;
}

import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, DiagnosticCodes, error } from '../diagnostics.js';
import type { RuleContext, RuleFamily, ScopeVisit } from './context.js';

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
    const missing = (edge: Edge) => {
      if (names.has(edge.target)) return;
      ctx.report(
        error(DiagnosticCodes.MissingTransitionTarget, `Missing 'Next' target: ${edge.target}`, edge.location),
      );
    };
    missing({ target: scope.startAt, location: startLocation });
    const graph = new Map<string, Edge[]>();
    for (const [name, state] of Object.entries(scope.states)) {
      const edges = isJsonObject(state) ? edgesOf(state, child(child(scope.location, 'States'), name)) : [];
      edges.forEach(missing);
      graph.set(name, edges);
    }
    if (scope.topLevel && !Object.values(scope.states).some(isTerminal)) {
      ctx.report(error(DiagnosticCodes.MissingEndState, 'Workflow has no terminal state', ''));
      return;
    }
    reportUnreachable(ctx, scope, graph);
  },
};

function reportUnreachable(ctx: RuleContext, scope: ScopeVisit, graph: Map<string, Edge[]>): void {
  const reached = new Set<string>();
  const queue = graph.has(scope.startAt) ? [scope.startAt] : [];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const edge of graph.get(name) ?? []) if (graph.has(edge.target)) queue.push(edge.target);
  }
  for (const name of graph.keys()) {
    if (reached.has(name)) continue;
    const location = child(child(scope.location, 'States'), name);
    ctx.report(error(DiagnosticCodes.MissingTransitionTarget, `State "${name}" is not reachable.`, location));
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

/**
 * The graph model of a state machine, for the console's canvas and `stepwise graph`: nodes and
 * edges, nothing drawn. Pure TypeScript (no DOM, no Node APIs) so the console bundles it as is.
 *
 * Shape:
 * - Every scope (the top level, each Parallel branch, each Map item processor) has a `Start` marker
 *   with a `start` edge to its `StartAt` state, and an `End` marker that every terminal state
 *   (`End: true`, Succeed, Fail) reaches by an `end` edge. Top-level markers are `start` and `end`;
 *   a group's are `<group id>/start` and `<group id>/end`.
 * - A Parallel or Map state is one node that *contains* its group nodes: one per branch
 *   (`<state id>/branch/<i>`, `group: { kind: 'branch', index: i }`) or one item processor
 *   (`<state id>/processor`, `group: { kind: 'processor' }`). A group node has the kind of the
 *   state that owns it, `parentId` = that state's id, and contains the branch's states and markers
 *   (their `parentId` = the group id). So Parallel → branch group → states, nested as deep as the
 *   definition nests.
 * - Edges never cross a scope: the Parallel/Map node's own `next`/`catch` edges leave the container
 *   itself, and the way into and out of a group is the containment (its start marker is where a
 *   branch begins, its end marker where it finishes). This is what lays out well in ELK's layered
 *   algorithm with `hierarchyHandling: INCLUDE_CHILDREN`: every edge lives inside one container, the
 *   branch groups of a Parallel have no edges between them and so sit side by side in one layer,
 *   and edges into a container attach to its border. It is also what xyflow draws as a sub-flow.
 * - Ids: a state's id is its address — its name at the top level, `<group id>/<name>` inside a
 *   group ("Fan/branch/0/A", "Each/processor/Work"). The rare name that collides with another id
 *   (a state literally named "start", or "Fan/branch/0") keeps the id and the later one gets a
 *   `~2` suffix. Node order: containers before their children (as xyflow requires), definition
 *   order otherwise. Edge ids are `<source>-><target>#<kind>[<index>]`, stable for a definition.
 *
 * Edge labels: a Choice rule's readable text (`$.n > 3`, `$.s == "x"`, `$.t is present`,
 * `And($.a > 1, Not($.b is null))`, a JSONata `Condition` without its `{% %}`), "Default" for the
 * Default edge, and a Catch's error names joined by ", ". Labels over LABEL_MAX characters are cut
 * with "…" and the whole text is kept in `fullLabel`.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';

export type GraphNodeKind =
  'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map' | 'Start' | 'End';

export interface GraphNode {
  /** Unique: the state's address, e.g. "Process", "Fan/branch/0/A", "Each/processor/Work"; "start"/"end" markers ("<group>/start" inside groups). */
  id: string;
  /** The state name ('Start'/'End' for markers, "Branch 1" / "Item processor" for groups). */
  name: string;
  kind: GraphNodeKind;
  /** The group containing it: a Parallel branch group ("Fan/branch/0") or a Map processor group ("Each/processor"); for a group, the Parallel/Map state owning it. */
  parentId?: string;
  /** Set on group container nodes (whose kind is the owning state's). */
  group?: { kind: 'branch' | 'processor'; index?: number };
  comment?: string;
  /** A Task's Resource. */
  resource?: string;
  /** `End: true`, Succeed and Fail states. */
  end?: boolean;
}

export type GraphEdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'start' | 'end';

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: GraphEdgeKind;
  /** Choice rule text (e.g. "$.n > 3", "And(...)", JSONata condition), "Default", or Catch error names joined ", ". */
  label?: string;
  /** The whole label when `label` had to be shortened. */
  fullLabel?: string;
}

export interface StateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Longest edge label kept whole; longer ones end in "…". */
export const LABEL_MAX = 60;

const STATE_KINDS: ReadonlySet<string> = new Set<GraphNodeKind>([
  'Task',
  'Pass',
  'Choice',
  'Wait',
  'Succeed',
  'Fail',
  'Parallel',
  'Map',
]);

function stateKind(state: JsonObject): GraphNodeKind {
  return typeof state.Type === 'string' && STATE_KINDS.has(state.Type) ? (state.Type as GraphNodeKind) : 'Pass';
}

function isTerminal(state: JsonObject): boolean {
  return state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
}

interface ScopeDefinition {
  startAt?: string;
  states: JsonObject;
}

function scopeOf(value: Json | undefined): ScopeDefinition {
  if (!isJsonObject(value)) return { states: {} };
  return {
    startAt: typeof value.StartAt === 'string' ? value.StartAt : undefined,
    states: isJsonObject(value.States) ? value.States : {},
  };
}

/** The groups a Parallel or Map state owns, in order. */
function groupsOf(state: JsonObject): { kind: 'branch' | 'processor'; index?: number; definition: Json }[] {
  if (state.Type === 'Parallel') {
    return Array.isArray(state.Branches)
      ? state.Branches.map((definition, index) => ({ kind: 'branch' as const, index, definition }))
      : [];
  }
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return processor === undefined ? [] : [{ kind: 'processor', definition: processor }];
  }
  return [];
}

class Builder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly ids = new Set<string>();
  private readonly edgeIds = new Set<string>();

  /** Reserves `id`, or `id~2`, `id~3`... when it is taken. */
  claim(id: string): string {
    let unique = id;
    for (let n = 2; this.ids.has(unique); n++) unique = `${id}~${n}`;
    this.ids.add(unique);
    return unique;
  }

  edge(source: string, target: string, kind: GraphEdgeKind, index?: number, label?: string): void {
    const base = `${source}->${target}#${kind}${index === undefined ? '' : index}`;
    let id = base;
    for (let n = 2; this.edgeIds.has(id); n++) id = `${base}~${n}`;
    this.edgeIds.add(id);
    const edge: GraphEdge = { id, source, target, kind };
    if (label !== undefined) {
      if (label.length > LABEL_MAX) {
        edge.label = `${label.slice(0, LABEL_MAX - 1).trimEnd()}…`;
        edge.fullLabel = label;
      } else edge.label = label;
    }
    this.edges.push(edge);
  }

  /** Adds one scope's markers, states (with their groups, recursively) and edges. */
  scope(definition: ScopeDefinition, prefix: string, parentId: string | undefined): void {
    // States first, so a state keeps its address even when a marker would have wanted it.
    const stateIds = new Map<string, string>();
    for (const name of Object.keys(definition.states)) stateIds.set(name, this.claim(prefix + name));
    const startId = this.claim(`${prefix}start`);
    const endId = this.claim(`${prefix}end`);

    this.nodes.push(withParent({ id: startId, name: 'Start', kind: 'Start' }, parentId));
    for (const [name, value] of Object.entries(definition.states)) {
      const id = stateIds.get(name) as string;
      const state = isJsonObject(value) ? value : {};
      const node: GraphNode = withParent({ id, name, kind: stateKind(state) }, parentId);
      if (typeof state.Comment === 'string') node.comment = state.Comment;
      if (state.Type === 'Task' && typeof state.Resource === 'string') node.resource = state.Resource;
      if (isTerminal(state)) node.end = true;
      this.nodes.push(node);
      for (const group of groupsOf(state)) {
        const groupId = this.claim(group.kind === 'branch' ? `${id}/branch/${group.index}` : `${id}/processor`);
        this.nodes.push({
          id: groupId,
          name: group.kind === 'branch' ? `Branch ${(group.index ?? 0) + 1}` : 'Item processor',
          kind: node.kind,
          parentId: id,
          group: group.kind === 'branch' ? { kind: 'branch', index: group.index } : { kind: 'processor' },
        });
        this.scope(scopeOf(group.definition), `${groupId}/`, groupId);
      }
    }
    this.nodes.push(withParent({ id: endId, name: 'End', kind: 'End' }, parentId));

    const target = (name: Json | undefined): string | undefined =>
      typeof name === 'string' ? stateIds.get(name) : undefined;
    const startAt = target(definition.startAt);
    if (startAt !== undefined) this.edge(startId, startAt, 'start');
    for (const [name, value] of Object.entries(definition.states)) {
      if (!isJsonObject(value)) continue;
      const id = stateIds.get(name) as string;
      const next = target(value.Next);
      if (next !== undefined) this.edge(id, next, 'next');
      if (value.Type === 'Choice') {
        if (Array.isArray(value.Choices)) {
          value.Choices.forEach((rule, i) => {
            if (!isJsonObject(rule)) return;
            const to = target(rule.Next);
            if (to !== undefined) this.edge(id, to, 'choice', i, choiceRuleText(rule));
          });
        }
        const fallback = target(value.Default);
        if (fallback !== undefined) this.edge(id, fallback, 'default', undefined, 'Default');
      }
      if (Array.isArray(value.Catch)) {
        value.Catch.forEach((catcher, i) => {
          if (!isJsonObject(catcher)) return;
          const to = target(catcher.Next);
          if (to !== undefined) this.edge(id, to, 'catch', i, catchLabel(catcher));
        });
      }
      if (isTerminal(value)) this.edge(id, endId, 'end');
    }
  }
}

function withParent(node: GraphNode, parentId: string | undefined): GraphNode {
  if (parentId !== undefined) node.parentId = parentId;
  return node;
}

/** Nodes and edges of a definition (an already-parsed object). Assumes a valid definition; never throws. */
export function buildGraph(definition: Json): StateGraph {
  const builder = new Builder();
  builder.scope(scopeOf(definition), '', undefined);
  return { nodes: builder.nodes, edges: builder.edges };
}

// ---- labels ------------------------------------------------------------------------------------

function catchLabel(catcher: JsonObject): string {
  const errors = Array.isArray(catcher.ErrorEquals)
    ? catcher.ErrorEquals.filter((e): e is string => typeof e === 'string')
    : [];
  return errors.length > 0 ? errors.join(', ') : 'Catch';
}

const COMPARISON =
  /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/;
const SYMBOLS: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
};
const TYPE_TESTS: Record<string, string> = {
  IsNull: 'null',
  IsNumeric: 'numeric',
  IsString: 'a string',
  IsBoolean: 'a boolean',
  IsTimestamp: 'a timestamp',
};

function literal(value: Json): string {
  return JSON.stringify(value) ?? String(value);
}

/** The readable text of a Choice rule (top-level or nested): operator and value, And/Or/Not, or a JSONata condition. */
export function choiceRuleText(rule: Json): string {
  if (!isJsonObject(rule)) return literal(rule);
  if (rule.Condition !== undefined) return conditionText(rule.Condition);
  if (Array.isArray(rule.And)) return `And(${rule.And.map(choiceRuleText).join(', ')})`;
  if (Array.isArray(rule.Or)) return `Or(${rule.Or.map(choiceRuleText).join(', ')})`;
  if (rule.Not !== undefined) return `Not(${choiceRuleText(rule.Not)})`;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, operand] of Object.entries(rule)) {
    const comparison = COMPARISON.exec(key);
    if (comparison !== null) {
      const [, , relation, path] = comparison;
      const right = path !== undefined && typeof operand === 'string' ? operand : literal(operand);
      return `${variable} ${SYMBOLS[relation as string]} ${right}`;
    }
    if (key === 'IsPresent') return `${variable} is ${operand === false ? 'absent' : 'present'}`;
    if (key === 'StringMatches') return `${variable} matches ${literal(operand)}`;
    const type = TYPE_TESTS[key];
    if (type !== undefined) return `${variable} is ${operand === false ? 'not ' : ''}${type}`;
  }
  return variable;
}

/** A JSONata `Condition` without its `{% %}` delimiters (a literal boolean as `true`/`false`). */
function conditionText(condition: Json): string {
  if (typeof condition !== 'string') return literal(condition);
  const match = /^\s*\{%([\s\S]*)%\}\s*$/.exec(condition);
  return (match === null ? condition : (match[1] as string)).replace(/\s+/g, ' ').trim();
}

// ---- history events → nodes --------------------------------------------------------------------

interface NodeIndex {
  /** `<owner id>\u0000<state name>` → node id; the owner is the enclosing Parallel/Map node ('' at the top). */
  byScope: Map<string, string>;
  /** State name → every node with it. */
  byName: Map<string, string[]>;
  /** Group id → the Parallel/Map node owning it. */
  groupOwner: Map<string, string>;
}

const indexes = new WeakMap<StateGraph, NodeIndex>();

function indexOf(graph: StateGraph): NodeIndex {
  let index = indexes.get(graph);
  if (index !== undefined) return index;
  const groupOwner = new Map<string, string>();
  for (const node of graph.nodes)
    if (node.group !== undefined && node.parentId !== undefined) groupOwner.set(node.id, node.parentId);
  index = { byScope: new Map(), byName: new Map(), groupOwner };
  for (const node of graph.nodes) {
    if (node.kind === 'Start' || node.kind === 'End' || node.group !== undefined) continue;
    const owner = node.parentId === undefined ? '' : (groupOwner.get(node.parentId) ?? node.parentId);
    const key = `${owner}\u0000${node.name}`;
    if (!index.byScope.has(key)) index.byScope.set(key, node.id);
    const named = index.byName.get(node.name);
    if (named === undefined) index.byName.set(node.name, [node.id]);
    else named.push(node.id);
  }
  indexes.set(graph, index);
  return index;
}

/**
 * Which node a history event's state name refers to, given the path of Map/Parallel states entered
 * so far: `enclosing` is the id of the innermost Parallel or Map node the event happens in (as this
 * function returned it for that state's `...StateEntered` event; a group id is accepted too), or
 * undefined at the top level. A Parallel's branches are searched in order (history does not say
 * which branch an event belongs to; names are normally unique across them). When nothing matches in
 * that scope, a name that only one state in the whole graph has still finds it.
 */
export function nodeIdFor(graph: StateGraph, stateName: string, enclosing?: string): string | undefined {
  const index = indexOf(graph);
  const owner = enclosing === undefined ? '' : (index.groupOwner.get(enclosing) ?? enclosing);
  const found = index.byScope.get(`${owner}\u0000${stateName}`);
  if (found !== undefined) return found;
  const named = index.byName.get(stateName);
  return named !== undefined && named.length === 1 ? named[0] : undefined;
}

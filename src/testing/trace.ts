/**
 * An execution's history read back as what a test asks about: the states entered in order, each
 * visit of a state (input, output, attempts, the Retry rules used, the Catch that fired, the state
 * entered next) and every task call with its parameters.
 *
 * Events are linked to the state visit they belong to through `previousEventId` (each event
 * follows one of its own scope), which keeps Parallel branches and Map iterations apart even when
 * their events interleave.
 */
import { parsedOrText, type Json } from '../json.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import { errorMatches, rules, type DefinitionIndex } from './definition.js';

export interface TaskAttempt {
  resource: string;
  /** The task's effective parameters (after Parameters/Arguments), as the resource received them. */
  parameters: Json;
  /** The task's result, when the attempt succeeded. */
  output?: Json;
  error?: string;
  cause?: string;
}

export interface StateVisit {
  name: string;
  type: string;
  input?: Json;
  /** Set once the state exited. */
  output?: Json;
  /** Task attempts: 1 without retries; 0 for states that run no task. */
  attempts: number;
  tasks: TaskAttempt[];
  /** The error the visit ended with (a failed last attempt, a failed branch), caught or not. */
  error?: string;
  cause?: string;
  /** The state entered next in the same scope (a Next, a Choice target, a Catch's Next). */
  next?: string;
  /** The Catch rule that fired: its index in the state's Catch array and its Next. */
  caught?: { index: number; errorEquals: string[]; next: string; error?: string };
  /** Indexes into the state's Retry array of the rules that retried it, one per retry. */
  retries: number[];
  /** The enclosing Parallel/Map visit. */
  parent?: StateVisit;
  /** Inside a Map: the iteration index. */
  iteration?: number;
}

export interface TaskCall {
  state: string;
  resource: string;
  parameters: Json;
  /** 0 for the first attempt, then the retry number. */
  attempt: number;
}

export interface ExecutionTrace {
  /** Top-level states entered, in order. */
  path: string[];
  /** Every state entered (nested ones included), in history order. */
  entered: string[];
  visits: StateVisit[];
  calls: TaskCall[];
}

const SCHEDULED: Partial<Record<HistoryEvent['type'], true>> = {
  TaskScheduled: true,
  LambdaFunctionScheduled: true,
  ActivityScheduled: true,
};

const FAILED: Partial<Record<HistoryEvent['type'], true>> = {
  TaskFailed: true,
  TaskTimedOut: true,
  TaskStartFailed: true,
  TaskSubmitFailed: true,
  LambdaFunctionFailed: true,
  LambdaFunctionTimedOut: true,
  LambdaFunctionStartFailed: true,
  LambdaFunctionScheduleFailed: true,
  ActivityFailed: true,
  ActivityTimedOut: true,
  ActivityScheduleFailed: true,
};

const SUCCEEDED: Partial<Record<HistoryEvent['type'], true>> = {
  TaskSucceeded: true,
  LambdaFunctionSucceeded: true,
  ActivitySucceeded: true,
};

/** The one `*EventDetails` object an event carries. */
function detailsOf(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event))
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null)
      return value as Record<string, unknown>;
  return {};
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function traceExecution(history: readonly HistoryEvent[], index: DefinitionIndex): ExecutionTrace {
  const trace: ExecutionTrace = { path: [], entered: [], visits: [], calls: [] };
  const owner = new Map<number, StateVisit>();
  const byId = new Map(history.map((e) => [e.id, e]));
  /** The nearest visit up the chain (itself included) whose state has one of the types. */
  const upTo = (visit: StateVisit | undefined, test: (v: StateVisit) => boolean) => {
    let v = visit;
    while (v && !test(v)) v = v.parent;
    return v;
  };

  for (const event of history) {
    const prevOwner = event.previousEventId ? owner.get(event.previousEventId) : undefined;
    const details = detailsOf(event);
    if (event.stateEnteredEventDetails) {
      const name = event.stateEnteredEventDetails.name;
      const info = index.states.get(name);
      const scope = info?.scope;
      let sibling: StateVisit | undefined;
      let parent = prevOwner;
      while (parent && parent.name !== scope) {
        sibling = parent;
        parent = parent.parent;
      }
      const visit: StateVisit = {
        name,
        type: info?.type ?? event.type.replace(/StateEntered$/, ''),
        attempts: 0,
        tasks: [],
        retries: [],
      };
      const input = text(event.stateEnteredEventDetails.input);
      if (input !== undefined) visit.input = parsedOrText(input);
      if (parent && scope !== undefined) visit.parent = parent;
      if (sibling) sibling.next = name;
      const started = byId.get(event.previousEventId);
      if (started?.type === 'MapIterationStarted' && typeof started.mapIterationStartedEventDetails?.index === 'number')
        visit.iteration = started.mapIterationStartedEventDetails.index;
      else if (sibling?.iteration !== undefined) visit.iteration = sibling.iteration;
      trace.visits.push(visit);
      trace.entered.push(name);
      if (scope === undefined) trace.path.push(name);
      owner.set(event.id, visit);
      continue;
    }
    if (event.stateExitedEventDetails) {
      const name = event.stateExitedEventDetails.name;
      const visit = upTo(prevOwner, (v) => v.name === name);
      if (visit) {
        const output = text(event.stateExitedEventDetails.output);
        if (output !== undefined) visit.output = parsedOrText(output);
        owner.set(event.id, visit);
      }
      continue;
    }
    const container = /^(Map|Parallel)/.exec(event.type)?.[1];
    const visit = container ? upTo(prevOwner, (v) => v.type === container) : prevOwner;
    if (!visit) continue;
    owner.set(event.id, visit);
    if (SCHEDULED[event.type]) {
      const parameters = text(details.parameters) ?? text(details.input);
      const task: TaskAttempt = {
        // TaskScheduled splits the ARN into resourceType and resource ("sqs", "sendMessage"): use the state's own.
        resource: resourceOf(visit.name, index) ?? text(details.resource) ?? '',
        parameters: parameters === undefined ? null : parsedOrText(parameters),
      };
      trace.calls.push({
        state: visit.name,
        resource: task.resource,
        parameters: task.parameters,
        attempt: visit.attempts,
      });
      visit.tasks.push(task);
      visit.attempts += 1;
    } else if (FAILED[event.type] || event.type === 'EvaluationFailed') {
      const error = text(details.error);
      const cause = text(details.cause);
      const task = visit.tasks.at(-1);
      if (task && FAILED[event.type]) {
        if (error !== undefined) task.error = error;
        if (cause !== undefined) task.cause = cause;
      }
      if (error !== undefined) visit.error = error;
      if (cause !== undefined) visit.cause = cause;
    } else if (SUCCEEDED[event.type]) {
      const task = visit.tasks.at(-1);
      const output = text(details.output);
      if (task && output !== undefined) task.output = parsedOrText(output);
      delete visit.error;
      delete visit.cause;
    } else if (event.type === 'ParallelStateFailed' || event.type === 'MapStateFailed') {
      visit.error ??= 'States.BranchFailed';
    }
  }
  for (const visit of trace.visits) explain(visit, index);
  return trace;
}

/** Which Retry rules retried the visit and which Catch rule sent it to its next state. */
function explain(visit: StateVisit, index: DefinitionIndex): void {
  const definition = index.states.get(visit.name)?.definition;
  if (!definition) return;
  const retry = rules(definition, 'Retry');
  visit.tasks.slice(0, -1).forEach((task) => {
    const i = retry.findIndex((rule) => errorMatches(rule.ErrorEquals, task.error));
    if (i >= 0) visit.retries.push(i);
  });
  if (visit.error === undefined || visit.next === undefined) return;
  const catchers = rules(definition, 'Catch');
  let i = catchers.findIndex((rule) => rule.Next === visit.next && errorMatches(rule.ErrorEquals, visit.error));
  if (i < 0) i = catchers.findIndex((rule) => rule.Next === visit.next);
  if (i < 0) return;
  const rule = catchers[i]!;
  const errorEquals = Array.isArray(rule.ErrorEquals) ? rule.ErrorEquals.filter((e) => typeof e === 'string') : [];
  visit.caught = {
    index: i,
    errorEquals,
    next: visit.next,
    ...(visit.error !== undefined ? { error: visit.error } : {}),
  };
}

function resourceOf(state: string, index: DefinitionIndex): string | undefined {
  const resource = index.states.get(state)?.definition.Resource;
  return typeof resource === 'string' ? resource : undefined;
}

/**
 * Runs a state machine for a test: in process, with mocks and a fake clock (Waits, retry backoffs
 * and timeouts take no real time), and reads the result back as a trace of the execution.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { execute, type ContextOverrides } from '../index.js';
import type { Json } from '../json.js';
import { fakeClock, type Clock } from '../engine/clock.js';
import type { TaskHandler } from '../engine/ports.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { StateMachineType, TerminalStatus } from '../interpreter/types.js';
import { indexDefinition, type DefinitionIndex } from './definition.js';
import { taskHandlers, type Mock, type MockConfigSelection, type MockUsage } from './mocks.js';
import { traceExecution, type ExecutionTrace, type StateVisit, type TaskCall } from './trace.js';
import { templateStateMachine, TemplateStateMachineRef } from './template-source.js';

/** A definition to be read from a JSON or YAML file. */
export class DefinitionFile {
  constructor(readonly path: string) {}
}

/** `runWorkflow(fromFile('statemachine.asl.yaml'), ...)`: the definition is read from the file. */
export function fromFile(path: string): DefinitionFile {
  return new DefinitionFile(path);
}

/** Reads a JSON or YAML definition file (text starting with `{` is JSON). */
export async function readDefinitionFile(path: string): Promise<Json> {
  const text = await readFile(path, 'utf8');
  return (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)) as Json;
}

export interface RunWorkflowOptions {
  input?: Json;
  /** STANDARD (default) or EXPRESS. */
  type?: StateMachineType;
  /** Mocks by state name, or by resource ARN for every state that uses it; a state name wins. */
  mocks?: Record<string, Mock>;
  /** A Step Functions Local MockConfigFile test case; inline mocks win over it. */
  mockConfig?: MockConfigSelection;
  /** Handlers by resource ARN for tasks that are not mocked. */
  handlers?: Record<string, TaskHandler>;
  /** Run unmocked Lambda tasks with the functions in this folder (`<name>.mjs`, `.js`, `.ts`). */
  functionsDir?: string;
  /** Defaults to a new `fakeClock()`. */
  clock?: Clock;
  context?: ContextOverrides;
}

/** One state as a test sees it: all its visits; the shortcuts read the first. */
export interface StateView {
  name: string;
  visits: StateVisit[];
  /** Times the state was entered. */
  entered: number;
  input?: Json;
  output?: Json;
  attempts: number;
  caught?: StateVisit['caught'];
}

/** The outcome of `runWorkflow`: the execution's end, its history, and the trace read from it. */
export class WorkflowRun {
  readonly path: string[];
  readonly entered: string[];
  readonly visits: StateVisit[];
  readonly calls: TaskCall[];

  constructor(
    readonly status: TerminalStatus,
    readonly history: HistoryEvent[],
    readonly trace: ExecutionTrace,
    readonly definition: DefinitionIndex,
    readonly mockUsage: MockUsage,
    readonly output?: Json,
    readonly error?: string,
    readonly cause?: string,
  ) {
    this.path = trace.path;
    this.entered = trace.entered;
    this.visits = trace.visits;
    this.calls = trace.calls;
  }

  /** Whether the state machine has a state of that name (nested ones included). */
  hasState(name: string): boolean {
    return this.definition.states.has(name);
  }

  /** A state's visits; throws when the state machine has no such state. */
  state(name: string): StateView {
    if (!this.hasState(name)) throw new Error(`The state '${name}' does not exist in the state machine`);
    const visits = this.visits.filter((v) => v.name === name);
    const first = visits[0];
    const view: StateView = { name, visits, entered: visits.length, attempts: first?.attempts ?? 0 };
    if (first?.input !== undefined) view.input = first.input;
    if (first?.output !== undefined) view.output = first.output;
    if (first?.caught !== undefined) view.caught = first.caught;
    return view;
  }

  /** Task calls of a state (by name) or of a resource (by ARN), in order. */
  callsTo(stateOrResource: string): TaskCall[] {
    return this.calls.filter((c) => c.state === stateOrResource || c.resource === stateOrResource);
  }
}

/** Runs the definition (an ASL object, `fromFile(path)` or `fromTemplate(file, logicalId)`) once to its end; never throws for a failing execution (read `status`). */
export async function runWorkflow(
  definition: DefinitionFile | TemplateStateMachineRef | Json | object,
  options: RunWorkflowOptions = {},
): Promise<WorkflowRun> {
  let templateType: StateMachineType | undefined;
  let value: Json;
  if (definition instanceof TemplateStateMachineRef) {
    const loaded = await templateStateMachine(definition);
    value = loaded.definition;
    templateType = loaded.type;
  } else {
    value = definition instanceof DefinitionFile ? await readDefinitionFile(definition.path) : (definition as Json);
  }
  const index = indexDefinition(value);
  const { handlers, usage } = taskHandlers(index, options);
  const result = await execute(value, options.input ?? {}, {
    handlers,
    clock: options.clock ?? fakeClock(),
    stateMachineType: options.type ?? templateType ?? 'STANDARD',
    ...(options.context !== undefined ? { context: options.context } : {}),
  });
  return new WorkflowRun(
    result.status,
    result.history,
    traceExecution(result.history, index),
    index,
    usage(),
    result.output,
    result.error,
    result.cause,
  );
}

/** What a state type provides: how it compiles and how it runs. `states/index.ts` holds the table. */
import type { JsonObject } from '../../json.js';
import type { FieldCompiler } from '../compile-fields.js';
import type { CompiledState, QueryLanguage, StateBase, StateList } from '../compiled.js';
import type { MaybePromise, Outcome, ProcessOptions } from '../outcome.js';
import type { StepContext } from '../step-context.js';
import type { Frame, FrameOutcome } from '../types.js';

/** What compiling one state object needs beyond the fields every state shares. */
export interface CompileContext {
  raw: JsonObject;
  fields: FieldCompiler;
  language: QueryLanguage;
  /** The state's address ("Map1/processor/Inner") and JSON pointer ("/States/Map1/ItemProcessor/..."). */
  address: string;
  pointer: string;
  /** Compiles a nested state list (a Parallel branch, a Map processor). */
  list(raw: JsonObject, address: string, pointer: string): StateList;
}

export interface StateBehaviour<S extends CompiledState> {
  compile(base: StateBase, ctx: CompileContext): S;
  /** Runs the state entered by `frame`, up to its outcome or what it waits for. */
  run(run: StepContext, frame: Frame, state: S, options: ProcessOptions): MaybePromise<Outcome>;
  /** Parallel and Map: a child frame (branch, iteration) of `parent` ended. Synchronous when it can be. */
  childFinished?(run: StepContext, parent: Frame, state: S, child: Frame, outcome: FrameOutcome): MaybePromise<void>;
}
